// Renders a component (or the whole App) against a fake bridge with fresh stores, for component tests.
// Test files start with `// @vitest-environment jsdom`.
import { cleanup, render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach } from 'vitest';
import { useAppStore } from '../../../src/renderer/stores/app-store';
import { useConnectionStore } from '../../../src/renderer/stores/connection-store';
import { useConversationsStore } from '../../../src/renderer/stores/conversations-store';
import { useOutboxStore } from '../../../src/renderer/stores/outbox-store';
import { useServersStore } from '../../../src/renderer/stores/servers-store';
import { useSettingsStore } from '../../../src/renderer/stores/settings-store';
import { startSync } from '../../../src/renderer/stores/sync';
import { useTimelineStore } from '../../../src/renderer/stores/timeline-store';
import { useUiStore } from '../../../src/renderer/stores/ui-store';
import { useUpdateStore } from '../../../src/renderer/stores/update-store';
import { createFakeBridge, type FakeBridge, type FakeState } from './fake-bridge';

interface ResettableStore {
  getInitialState: () => object;
  setState: (state: never, replace: true) => void;
}
const stores: ResettableStore[] = [
  useAppStore,
  useConnectionStore,
  useConversationsStore,
  useOutboxStore,
  useServersStore,
  useSettingsStore,
  useTimelineStore,
  useUiStore,
  useUpdateStore,
];
const initial = stores.map((s) => s.getInitialState());

let stopSync: (() => void) | undefined;

afterEach(() => {
  cleanup();
  stopSync?.();
  stopSync = undefined;
  stores.forEach((store, i) => store.setState(initial[i] as never, true));
});

/**
 * Installs a fake bridge as window.openhands, starts the stores' sync (unless `ui` is the App, which starts
 * its own: pass `{ sync: false }`) and renders `ui`.
 */
export function renderWithBridge(
  ui: ReactElement,
  state: Partial<FakeState> = {},
  options: { sync?: boolean } = {},
): RenderResult & { fake: FakeBridge } {
  const fake = createFakeBridge(state);
  Object.defineProperty(window, 'openhands', { value: fake.bridge, configurable: true, writable: true });
  if (options.sync !== false) stopSync = startSync();
  return { ...render(ui), fake };
}
