export const conversations = {
  pickOne: 'Pick a conversation from the list, or start a new one.',
};
