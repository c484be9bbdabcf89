export const mainErrors = {};
