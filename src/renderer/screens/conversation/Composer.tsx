// The message box. The send key follows Settings: Enter (Shift+Enter for a new line) or Ctrl/Cmd+Enter
// (Enter for a new line). A message is cleared only once the outbox has it, so nothing typed is lost; keys
// pressed while an IME is composing (Chinese input, say) never send.
import { type ReactNode, useId, useState } from 'react';
import type { ConversationRef } from '../../../shared/conversations';
import { conversationKey } from '../../../shared/live';
import { useT } from '../../i18n/i18n';
import { useConversationsStore } from '../../stores/conversations-store';
import { useSettingsStore } from '../../stores/settings-store';
import { isModKey } from '../../use-shortcuts';
import { enqueueAction } from './enqueue';

const isMac = (): boolean => /Mac|iPhone|iPad/.test(navigator.platform);

export function Composer({
  conversationRef,
  extra,
}: {
  conversationRef: ConversationRef;
  extra?: ReactNode;
}) {
  const t = useT();
  const sendKey = useSettingsStore((s) => s.settings?.sendKey ?? 'enter');
  const hintId = useId();
  const noteId = useId();
  // Stopped = its sandbox is paused (by the user, or by the server to make room): the outbox resumes it
  // before delivering, which takes a while, so the user is told before sending.
  const stopped = useConversationsStore(
    (s) => s.byKey.get(conversationKey(conversationRef))?.status === 'stopped',
  );
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const send = async (): Promise<void> => {
    const message = text.trim();
    if (!message || sending) return;
    setSending(true);
    const problem = await enqueueAction({ kind: 'send', ref: conversationRef, text: message });
    setSending(false);
    setError(problem);
    if (problem === null) setText('');
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key !== 'Enter' || event.nativeEvent.isComposing || event.keyCode === 229) return;
    const sends = sendKey === 'enter' ? !event.shiftKey && !event.altKey : isModKey(event);
    if (!sends) return;
    event.preventDefault();
    void send();
  };

  const hint =
    sendKey === 'enter'
      ? t('conversation.hintEnter')
      : t('conversation.hintMod', { mod: isMac() ? '⌘' : 'Ctrl' });

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <textarea
        className="composer-input"
        aria-label={t('conversation.message')}
        aria-describedby={stopped ? `${hintId} ${noteId}` : hintId}
        placeholder={t('conversation.message')}
        rows={3}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
      />
      {stopped ? (
        <p id={noteId} className="composer-note muted">
          {t('conversation.sandboxPausedNote')}
        </p>
      ) : null}
      <div className="composer-bar">
        {extra}
        <span id={hintId} className="composer-hint muted">
          {hint}
        </span>
        <button type="submit" className="primary" disabled={sending || !text.trim()}>
          {t('conversation.send')}
        </button>
      </div>
      {error ? (
        <p role="alert" className="error-text">
          {t('conversation.sendFailed', { message: error })}
        </p>
      ) : null}
    </form>
  );
}
