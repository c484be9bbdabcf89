import { afterAll, beforeAll } from 'vitest';

type Size = 'clientHeight' | 'clientWidth' | 'offsetHeight' | 'offsetWidth' | 'scrollHeight';

/**
 * jsdom has no layout: for the tests of the file (or of the describe block it is called in), gives every
 * element these sizes so a virtualised list has a viewport to fill and rows to measure; puts the real
 * properties back after.
 */
export function stubLayout(sizes: Partial<Record<Size, number>>): void {
  const names = Object.keys(sizes) as Size[];
  const saved = names.map((name) => Object.getOwnPropertyDescriptor(HTMLElement.prototype, name));
  beforeAll(() => {
    for (const name of names)
      Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => sizes[name] });
  });
  afterAll(() => {
    names.forEach((name, i) => {
      const descriptor = saved[i];
      if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
      else delete (HTMLElement.prototype as Partial<Record<Size, number>>)[name];
    });
  });
}
