// The window: a toolbar, the offline banner, the conversation list beside the open conversation, and the
// dialogs (servers, settings, pending actions, new conversation). State lives in the zustand stores,
// which mirror main (stores/sync.ts).
import { useEffect } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner';
import { OfflineBanner } from './components/OfflineBanner';
import { StorageBanner } from './components/StorageBanner';
import { UpdateBanner } from './components/UpdateBanner';
import { useLanguage, useT } from './i18n/i18n';
import { ConversationView } from './screens/conversation/ConversationView';
import { ConversationList } from './screens/conversations/ConversationList';
import { NewConversationDialog } from './screens/new-conversation/NewConversationDialog';
import { PendingActionsDialog } from './screens/outbox/PendingActionsDialog';
import { ServersDialog } from './screens/servers/ServersDialog';
import { SettingsDialog } from './screens/settings/SettingsDialog';
import { useOutboxStore } from './stores/outbox-store';
import { startSync } from './stores/sync';
import { useUiStore } from './stores/ui-store';
import { useShortcuts } from './use-shortcuts';
import { useTheme } from './use-theme';

export function App() {
  const t = useT();
  const language = useLanguage();
  const openKey = useUiStore((s) => s.openKey);
  const dialog = useUiStore((s) => s.dialog);
  const showDialog = useUiStore((s) => s.showDialog);
  const pending = useOutboxStore((s) => Object.keys(s.items).length);
  useEffect(() => startSync(), []);
  useTheme();
  useShortcuts();
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  // A file dropped anywhere but a drop zone must not navigate the window to it (Chromium's default).
  useEffect(() => {
    const swallow = (event: DragEvent): void => event.preventDefault();
    window.addEventListener('dragover', swallow);
    window.addEventListener('drop', swallow);
    return () => {
      window.removeEventListener('dragover', swallow);
      window.removeEventListener('drop', swallow);
    };
  }, []);
  const close = (): void => showDialog(null);

  return (
    <div className="app">
      <header className="toolbar">
        <h1 className="app-title">{t('common.appName')}</h1>
        <button type="button" className="primary" onClick={() => showDialog('new-conversation')}>
          {t('newConversation.open')}
        </button>
        <span className="toolbar-spacer" />
        <button type="button" onClick={() => showDialog('pending-actions')}>
          {t('common.pendingActions', { count: pending })}
        </button>
        <button type="button" onClick={() => showDialog('servers')}>
          {t('common.navServers')}
        </button>
        <button type="button" onClick={() => showDialog('settings')}>
          {t('common.navSettings')}
        </button>
      </header>
      <ConnectionBanner />
      <StorageBanner />
      <UpdateBanner />
      <OfflineBanner />
      <div className="workspace">
        <aside className="list-pane">
          <ConversationList />
        </aside>
        <main className="detail-pane">
          {openKey ? (
            <ConversationView key={openKey} conversationKey={openKey} />
          ) : (
            <p className="empty-detail">{t('conversations.pickOne')}</p>
          )}
        </main>
      </div>
      {dialog === 'servers' && <ServersDialog onClose={close} />}
      {dialog === 'settings' && <SettingsDialog onClose={close} />}
      {dialog === 'pending-actions' && <PendingActionsDialog onClose={close} />}
      {dialog === 'new-conversation' && <NewConversationDialog onClose={close} />}
    </div>
  );
}
