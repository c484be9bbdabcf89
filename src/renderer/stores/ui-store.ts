// Where the user is: the open conversation, which dialog is up, the list's search, filters and selection.
import { create } from 'zustand';
import type { DisplayStatus } from '../../shared/status';

export type Dialog = 'new-conversation' | 'servers' | 'settings' | 'pending-actions' | null;

interface UiState {
  /** The key of the conversation on screen. */
  openKey: string | null;
  dialog: Dialog;
  search: string;
  statusFilter: DisplayStatus | 'all';
  /** A server id, or 'all'. */
  serverFilter: string;
  selected: ReadonlySet<string>;
  /** Asked to focus the search box (Ctrl/Cmd+K); bumped so the same request can repeat. */
  searchFocusRequest: number;
  openConversation: (key: string | null) => void;
  showDialog: (dialog: Dialog) => void;
  setSearch: (search: string) => void;
  setStatusFilter: (status: DisplayStatus | 'all') => void;
  setServerFilter: (serverId: string) => void;
  setSelected: (selected: ReadonlySet<string>) => void;
  focusSearch: () => void;
}

export const useUiStore = create<UiState>()((set, get) => ({
  openKey: null,
  dialog: null,
  search: '',
  statusFilter: 'all',
  serverFilter: 'all',
  selected: new Set(),
  searchFocusRequest: 0,
  openConversation: (openKey) => set({ openKey }),
  showDialog: (dialog) => set({ dialog }),
  setSearch: (search) => set({ search }),
  setStatusFilter: (statusFilter) => set({ statusFilter }),
  setServerFilter: (serverFilter) => set({ serverFilter }),
  setSelected: (selected) => set({ selected }),
  focusSearch: () => set({ searchFocusRequest: get().searchFocusRequest + 1, dialog: null }),
}));
