export function ConversationList() {
  return <section aria-label="Conversations" />;
}
