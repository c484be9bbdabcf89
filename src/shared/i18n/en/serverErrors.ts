export const serverErrors = {};
