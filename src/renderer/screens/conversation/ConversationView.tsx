export function ConversationView({ conversationKey }: { conversationKey: string }) {
  return <section aria-label={conversationKey} />;
}
