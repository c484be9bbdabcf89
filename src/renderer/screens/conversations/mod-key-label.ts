// How the platform names the shortcut modifier, for hints next to controls ("⌘+K" on a Mac, "Ctrl+K" elsewhere).
export function modKeyLabel(): string {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';
}
