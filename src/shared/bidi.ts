// Bidirectional-formatting characters in text from a server (agent output, titles, tool names) can make text
// read differently from what it is: U+202E turns `exe.txt` into what looks like `txt.exe`, a hidden U+2066
// can move words of a command out of sight. Such text is shown with each of these characters replaced by a
// visible marker naming it, so what the user reads is what the text contains. Pure and DOM-free: main applies
// it where it builds what the renderer shows (timeline items, conversation summaries).

/**
 * The explicit bidi controls, embeddings/overrides and isolates: the ones that reorder what is around them
 * (the "Trojan Source" set, CVE-2021-42574). The implicit marks LRM, RLM and ALM are left alone: right-to-left
 * text uses them for its punctuation, and they do not reorder strong characters.
 */
const BIDI_NAMES: Readonly<Record<string, string>> = {
  '\u202A': 'LRE',
  '\u202B': 'RLE',
  '\u202C': 'PDF',
  '\u202D': 'LRO',
  '\u202E': 'RLO',
  '\u2066': 'LRI',
  '\u2067': 'RLI',
  '\u2068': 'FSI',
  '\u2069': 'PDI',
};

const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** True when `text` holds any bidi control character. */
export function hasBidiControls(text: string): boolean {
  BIDI_CONTROLS.lastIndex = 0;
  return BIDI_CONTROLS.test(text);
}

/**
 * `text` with each bidi control replaced by `⟪NAME⟫` (e.g. `⟪RLO⟫`). The markers are plain characters with no
 * direction of their own to force, so the rest of the text keeps its natural order. Text without any
 * control comes back as the same string.
 */
export function neutralizeBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `⟪${BIDI_NAMES[c] ?? 'BIDI'}⟫`);
}
