import { isInaccessible } from '@testing-library/dom';

/**
 * The text of the elements an element's aria-describedby names, in order, joined by spaces: what a screen
 * reader reads after its name (a hint or an error tied to a field).
 */
export function description(element: Element): string {
  return (element.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
    .join(' ');
}

/**
 * Whether an element is shown: getBy*Text finds an element that is in the DOM, even one inside a hidden,
 * aria-hidden or display:none / visibility:hidden ancestor; this says whether a user can see it.
 */
export function shown(element: Element): boolean {
  return element.isConnected && !isInaccessible(element);
}
