// Joins the stores to main: loads the first state and applies every pushed event. Subscribes before
// loading, so nothing that changes in between is lost (stores merge by key).
import { conversationKey } from '../../shared/live';
import { bridge } from '../bridge';
import { useConversationsStore } from './conversations-store';
import { useOutboxStore } from './outbox-store';
import { useServersStore } from './servers-store';
import { useSettingsStore } from './settings-store';
import { useTimelineStore } from './timeline-store';
import { useUiStore } from './ui-store';

export function startSync(): () => void {
  const b = bridge();
  const offs = [
    b.onStatusChanges((changes) => {
      useConversationsStore.getState().apply(changes);
      // A conversation that vanished while open closes.
      const open = useUiStore.getState().openKey;
      if (open && changes.removed.includes(open)) useUiStore.getState().openConversation(null);
    }),
    b.onOutboxChanges((item) => useOutboxStore.getState().changed(item)),
    b.onServerHealth((health) => useServersStore.getState().healthChanged(health)),
    b.onSettingsChanges((settings) => useSettingsStore.getState().received(settings)),
    b.onTimeline((update) => useTimelineStore.getState().received(update)),
    b.onNavigate((request) => {
      const ui = useUiStore.getState();
      ui.showDialog(null);
      ui.openConversation(request.to === 'conversation' ? conversationKey(request.ref) : null);
    }),
  ];
  void useSettingsStore.getState().load();
  void useServersStore.getState().load();
  void useConversationsStore.getState().load();
  void useOutboxStore.getState().load();
  return () => offs.forEach((off) => off());
}
