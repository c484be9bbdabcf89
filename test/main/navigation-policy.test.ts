import { describe, expect, it } from 'vitest';
import { isAllowedNavigation } from '../../src/main/navigation-policy';

describe('isAllowedNavigation', () => {
  const dev = 'http://localhost:5173/';
  const packaged = 'file:///opt/OpenHands%20Desktop/resources/app.asar/out/renderer/index.html';

  it('allows the dev server origin only', () => {
    expect(isAllowedNavigation(dev, 'http://localhost:5173/#/settings')).toBe(true);
    expect(isAllowedNavigation(dev, 'http://localhost:3000/')).toBe(false);
    expect(isAllowedNavigation(dev, 'https://example.com/')).toBe(false);
  });

  it('allows only the packaged index.html, not other files or opaque origins', () => {
    expect(isAllowedNavigation(packaged, `${packaged}#/conversations`)).toBe(true);
    expect(isAllowedNavigation(packaged, 'file:///etc/passwd')).toBe(false);
    expect(isAllowedNavigation(packaged, 'data:text/html,<h1>hi</h1>')).toBe(false);
    expect(isAllowedNavigation(packaged, 'not a url')).toBe(false);
  });
});
