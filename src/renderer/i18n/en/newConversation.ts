export const newConversation = {
  open: 'New conversation',
};
