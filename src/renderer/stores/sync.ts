// Joins the stores to main: loads the first state and applies every pushed event. Subscribes before
// loading, so nothing that changes in between is lost (stores merge by key).
import { conversationKey } from '../../shared/live';
import { bridge } from '../bridge';
import { useAppStore } from './app-store';
import { useConnectionStore } from './connection-store';
import { useConversationsStore } from './conversations-store';
import { useOutboxStore } from './outbox-store';
import { useServersStore } from './servers-store';
import { useSettingsStore } from './settings-store';
import { useTimelineStore } from './timeline-store';
import { useUiStore } from './ui-store';
import { useUpdateStore } from './update-store';

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
    b.onUpdateState((state) => useUpdateStore.getState().received(state)),
    b.onNavigate((request) => {
      const ui = useUiStore.getState();
      ui.showDialog(null);
      ui.openConversation(request.to === 'conversation' ? conversationKey(request.ref) : null);
    }),
  ];
  const settingsLoaded = loadAll();
  offs.push(restoreLastOpen(settingsLoaded));
  // Browser mode: events sent while the page was cut off from main are gone; read everything again.
  offs.push(
    useConnectionStore.subscribe((now, before) => {
      if (now.reconnects > before.reconnects) void loadAll();
    }),
  );
  return () => offs.forEach((off) => off());
}

/** Main's whole state, read afresh; resolves when the settings are in. */
function loadAll(): Promise<void> {
  const settingsLoaded = useSettingsStore.getState().load();
  void useAppStore.getState().load();
  void useServersStore.getState().load();
  void useConversationsStore.getState().load();
  void useOutboxStore.getState().load();
  void useUpdateStore.getState().load();
  return settingsLoaded;
}

/**
 * Reopens the conversation that was on screen when the app last ran, once the list (served from main's
 * cache, so offline too) holds it. Gives up as soon as the user opens something else.
 */
function restoreLastOpen(settingsLoaded: Promise<void>): () => void {
  let off: (() => void) | undefined;
  let cancelled = false;
  void settingsLoaded.then(() => {
    const ref = useSettingsStore.getState().settings?.lastOpenConversation;
    if (!ref || cancelled) return;
    const key = conversationKey(ref);
    const attempt = (): boolean => {
      const ui = useUiStore.getState();
      if (ui.openKey !== null) return true;
      if (!useConversationsStore.getState().byKey.has(key)) return false;
      ui.openConversation(key);
      return true;
    };
    if (attempt()) return;
    const unsubscribe = useConversationsStore.subscribe(() => {
      if (attempt()) unsubscribe();
    });
    off = unsubscribe;
  });
  return () => {
    cancelled = true;
    off?.();
  };
}
