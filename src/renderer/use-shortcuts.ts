// App-wide keys: Ctrl/Cmd+N new conversation, Ctrl/Cmd+K search, Ctrl/Cmd+, settings.
import { useEffect } from 'react';
import { useUiStore } from './stores/ui-store';

export function isModKey(event: KeyboardEvent | React.KeyboardEvent): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform) ? event.metaKey : event.ctrlKey;
}

export function useShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (!isModKey(event) || event.altKey || event.shiftKey) return;
      const ui = useUiStore.getState();
      const key = event.key.toLowerCase();
      if (key === 'n') ui.showDialog('new-conversation');
      else if (key === 'k') ui.focusSearch();
      else if (key === ',') ui.showDialog('settings');
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
