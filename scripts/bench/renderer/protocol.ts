// What the renderer bench page (scripts/bench/renderer/page/) offers the driver (scripts/bench/renderer-scale.ts)
// on `globalThis.rendererBench`, and how the driver asks for a surface (the page's query string).

export type Surface = 'list' | 'timeline';
/** `ours`: the app's component with its stores; `baseline`: the same rows, every one in the DOM. */
export type Mode = 'ours' | 'baseline';

export interface PageQuery {
  surface: Surface;
  mode: Mode;
  /** Conversations (list) or events (timeline). */
  count: number;
}

export function pageSearch(query: PageQuery): string {
  return `?surface=${query.surface}&mode=${query.mode}&count=${query.count}`;
}

export interface FirstRender {
  /** From the store receiving the data to the end of the first frame that shows rows. */
  ms: number;
  /** Rows in the DOM then. */
  rows: number;
  /** Elements in the document then (`querySelectorAll('*')`). */
  nodes: number;
}

export interface ScrollRun {
  /** requestAnimationFrame deltas (ms) while the scroller moves `step` px every frame. */
  deltas: number[];
  /** Pixels scrolled in all. */
  travelled: number;
  /** The most rows seen in the DOM in any frame of a second, untimed pass over the same path. */
  maxRows: number;
  /** The most elements in the document in that pass. */
  maxNodes: number;
}

export interface RendererBenchPage {
  /** Lets the data arrive (resolves the bridge call the store is waiting on) and waits for its first frame. */
  arrive: () => Promise<FirstRender>;
  /** Scrolls `frames` frames, `step` px each (reversing at either end), recording frame times. */
  scroll: (frames: number, step: number) => Promise<ScrollRun>;
}

export interface RendererBenchGlobal {
  rendererBench?: RendererBenchPage;
  rendererBenchError?: string;
}
