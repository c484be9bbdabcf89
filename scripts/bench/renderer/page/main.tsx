// The renderer bench page: one surface (the conversation list or a timeline) in one mode, chosen by the
// query string (scripts/bench/renderer/protocol.ts). `ours` mounts the app's own ConversationList or
// Timeline with the real stores; `baseline` renders the same row components for every item in a plain
// scrolling div, fed by the same stores. Both are given their data the same way: the store's bridge call
// (conversations.list / conversations.timeline on an in-memory bridge) is held open until the driver calls
// `arrive()`, so "data arrives" is the moment that call resolves.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createFakeBridge, ok, type Answer } from '../../../../test/renderer/support/fake-bridge';
import '../../../../src/renderer/styles.css';
import '../../../../src/renderer/screens/conversation/conversation.css';
import { Timeline } from '../../../../src/renderer/screens/conversation/Timeline';
import { TimelineRow } from '../../../../src/renderer/screens/conversation/TimelineRow';
import { ConversationList } from '../../../../src/renderer/screens/conversations/ConversationList';
import { ConversationRow, ROW_HEIGHT } from '../../../../src/renderer/screens/conversations/ConversationRow';
import { useVisibleConversations } from '../../../../src/renderer/screens/conversations/visible-conversations';
import { useLanguage, useT } from '../../../../src/renderer/i18n/i18n';
import { useConversationsStore } from '../../../../src/renderer/stores/conversations-store';
import { useServersStore } from '../../../../src/renderer/stores/servers-store';
import { useSettingsStore } from '../../../../src/renderer/stores/settings-store';
import { useTimelineStore } from '../../../../src/renderer/stores/timeline-store';
import type { ConversationRef } from '../../../../src/shared/conversations';
import { conversationKey } from '../../../../src/shared/live';
import type { TimelineItem } from '../../../../src/shared/timeline';
import type { FirstRender, Mode, RendererBenchGlobal, ScrollRun, Surface } from '../protocol';
import { SERVERS, makeConversations, makeTimeline } from './data';
import './bench.css';

const params = new URLSearchParams(location.search);
const surface = (params.get('surface') ?? 'list') as Surface;
const mode = (params.get('mode') ?? 'ours') as Mode;
const count = Number(params.get('count') ?? '1000');
const ROW_SELECTOR = surface === 'list' ? '[role="listitem"]' : '.tl-item';

const NOW = Date.UTC(2025, 5, 1, 12);
const REF: ConversationRef = { serverId: 'local', id: 'c0ffee00c0ffee00c0ffee00c0ffee00', version: 'V1' };
const KEY = conversationKey(REF);

// --- the in-memory bridge, with the data call held open ------------------------------------------------------

let release: (() => void) | undefined;
const held = (answer: () => Answer): Promise<Answer> =>
  new Promise((resolve) => {
    release = () => resolve(answer());
  });

const fake = createFakeBridge({ servers: SERVERS });
const conversations = surface === 'list' ? makeConversations(count, NOW) : [];
const events = surface === 'timeline' ? makeTimeline(count, NOW - 30 * 24 * 3600_000) : [];
fake.answer('conversations.list', () => held(() => ok(conversations)));
fake.answer('conversations.timeline', () =>
  held(() => ok({ key: KEY, items: events, hasEarlier: false, live: 'live' })),
);
Object.defineProperty(window, 'openhands', { value: fake.bridge, configurable: true });

// --- baselines: the same rows, all of them --------------------------------------------------------------------

const noop = (): void => undefined;

function BaselineList() {
  const language = useLanguage();
  const t = useT();
  const [now] = useState(() => Date.now());
  const { shown } = useVisibleConversations({ query: '', status: 'all', server: 'all' });
  const names = useMemo(() => new Map(SERVERS.map((s) => [s.id, s.name])), []);
  return (
    <section className="conversation-list">
      <div className="list-scroll">
        <div
          role="list"
          className="list-rows"
          style={{ height: shown.length * ROW_HEIGHT, position: 'relative' }}
        >
          {shown.map((entry, index) => (
            <ConversationRow
              key={entry.key}
              index={index}
              setSize={shown.length}
              start={index * ROW_HEIGHT}
              t={t}
              language={language}
              conversationKey={entry.key}
              conversation={entry.conversation}
              serverName={names.get(entry.conversation.serverId) ?? entry.conversation.serverId}
              isOpen={false}
              isSelected={false}
              now={now}
              onOpen={noop}
              onToggle={noop}
            />
          ))}
        </div>
      </div>
    </section>
  );
}

const NO_ITEMS: TimelineItem[] = [];

function BaselineTimeline() {
  const items = useTimelineStore((s) => (s.key === KEY ? s.items : NO_ITEMS));
  const scrollRef = useRef<HTMLDivElement>(null);
  // Opens at the newest event, as the app's timeline does.
  const hasItems = items.length > 0;
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (hasItems && el) el.scrollTop = el.scrollHeight;
  }, [hasItems]);
  return (
    <div className="tl">
      <div ref={scrollRef} className="tl-scroll" role="log">
        {items.map((item) => (
          <div key={item.id} className="bench-tl-row">
            <TimelineRow item={item} expanded={false} onToggle={noop} />
          </div>
        ))}
      </div>
    </div>
  );
}

function BenchApp() {
  if (surface === 'list')
    return (
      <div className="app">
        <div className="workspace">
          <aside className="list-pane">{mode === 'ours' ? <ConversationList /> : <BaselineList />}</aside>
        </div>
      </div>
    );
  return (
    <div className="app">
      <div className="workspace">
        <main className="detail-pane">
          {mode === 'ours' ? <Timeline conversationKey={KEY} /> : <BaselineTimeline />}
        </main>
      </div>
    </div>
  );
}

// --- measuring ---------------------------------------------------------------------------------------------

/** The next frame's requestAnimationFrame timestamp (the frame's vsync-aligned start, 100 µs granularity). */
const frame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));
/** A task after the current frame's rendering (a message posted from requestAnimationFrame runs after paint). */
const afterFrame = (): Promise<number> =>
  new Promise((resolve) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(null);
    }),
  );
const rows = (): number => document.querySelectorAll(ROW_SELECTOR).length;
const nodes = (): number => document.querySelectorAll('*').length;

function scroller(): HTMLElement {
  const el = document.querySelector<HTMLElement>(surface === 'list' ? '.list-scroll' : '.tl-scroll');
  if (!el) throw new Error('no scroller on the page');
  return el;
}

async function arrive(): Promise<FirstRender> {
  if (!release) throw new Error('the store has not asked for its data');
  const started = performance.now();
  release();
  // Rows show up in a frame: wait for the first frame whose rendering includes them, then for its end.
  while (rows() === 0) {
    await frame();
    if (performance.now() - started > 60_000) throw new Error('no rows after 60 s');
  }
  const ended = await afterFrame();
  return { ms: ended - started, rows: rows(), nodes: nodes() };
}

/** Moves the scroller `step` px per frame, turning round at either end; the timeline starts at its end. */
async function moveFrames(frames: number, step: number, each: (at: number) => void): Promise<number> {
  const el = scroller();
  let direction = surface === 'timeline' ? -1 : 1;
  let travelled = 0;
  for (let i = 0; i < frames; i++) {
    const max = el.scrollHeight - el.clientHeight;
    if ((direction > 0 && el.scrollTop >= max - 1) || (direction < 0 && el.scrollTop <= 1))
      direction = -direction;
    const before = el.scrollTop;
    el.scrollTop = Math.min(max, Math.max(0, before + direction * step));
    travelled += Math.abs(el.scrollTop - before);
    each(await frame());
  }
  return travelled;
}

async function scroll(frames: number, step: number): Promise<ScrollRun> {
  const el = scroller();
  const home = el.scrollTop;
  // Settle (the timeline measures its rows and keeps to its end for a few frames).
  for (let i = 0; i < 10; i++) await frame();
  const deltas: number[] = [];
  let last = await frame();
  const travelled = await moveFrames(frames, step, (at) => {
    deltas.push(at - last);
    last = at;
  });
  // The same path again, untimed, counting what is in the DOM in every frame.
  el.scrollTop = home;
  for (let i = 0; i < 5; i++) await frame();
  let maxRows = rows();
  let maxNodes = nodes();
  await moveFrames(frames, step, () => {
    maxRows = Math.max(maxRows, rows());
    maxNodes = Math.max(maxNodes, nodes());
  });
  return { deltas, travelled, maxRows, maxNodes };
}

async function start(): Promise<void> {
  await useSettingsStore.getState().load();
  await useServersStore.getState().load();
  const container = document.getElementById('root');
  if (!container) throw new Error('no #root');
  createRoot(container).render(<BenchApp />);
  // The store asks for its data (and shows "Loading…") as it would when the app opens or a conversation is
  // chosen; the answer waits for the driver.
  if (surface === 'list') void useConversationsStore.getState().load();
  else void useTimelineStore.getState().open(REF);
  while (!release) await frame();
  for (let i = 0; i < 3; i++) await frame();
  (globalThis as RendererBenchGlobal).rendererBench = { arrive, scroll };
}

start().catch((error: unknown) => {
  (globalThis as RendererBenchGlobal).rendererBenchError =
    error instanceof Error ? error.message : String(error);
});
