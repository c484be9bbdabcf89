import { t } from '../i18n';

/**
 * Reads a JSON array that a server writes element by element (`[\n{…},\n{…}\n]`) and hands each element
 * over as soon as it is complete. Tracks string and nesting state, so braces inside strings are safe. Its errors'
 * messages are the reason the caller shows ("… broke off the start: <reason>"), so in the app's language.
 */
export async function readJsonArrayStream(
  body: ReadableStream<Uint8Array>,
  onElement: (value: unknown) => void,
  maxElementBytes = 4 * 1024 * 1024,
): Promise<void> {
  const decoder = new TextDecoder();
  let depth = 0;
  let inString = false;
  let escaped = false;
  let current = '';
  let sawArray = false;
  let closed = false;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const text = decoder.decode(value, { stream: true });
    for (const ch of text) {
      if (depth === 0) {
        if (ch === '[' && !sawArray) sawArray = true;
        else if (ch === ']' && sawArray) closed = true;
        else if (ch === '{') {
          depth = 1;
          current = '{';
        } else if (!/[\s,]/.test(ch))
          throw new Error(t('apiErrors.streamUnexpected', { char: JSON.stringify(ch) }));
        continue;
      }
      current += ch;
      if (current.length > maxElementBytes) throw new Error(t('apiErrors.streamElementTooLarge'));
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) {
          onElement(JSON.parse(current) as unknown);
          current = '';
        }
      }
    }
  }
  if (!sawArray || !closed || depth !== 0) throw new Error(t('apiErrors.streamEndedEarly'));
}
