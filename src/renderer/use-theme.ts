// Applies the theme setting to <html data-theme>: light, dark, or the system's (followed live).
import { useEffect } from 'react';
import { useSettingsStore } from './stores/settings-store';

export function useTheme(): void {
  const theme = useSettingsStore((s) => s.settings?.theme ?? 'system');
  useEffect(() => {
    const root = document.documentElement;
    if (theme !== 'system') {
      root.dataset.theme = theme;
      return;
    }
    const query = window.matchMedia?.('(prefers-color-scheme: dark)');
    const apply = (): void => {
      root.dataset.theme = query?.matches ? 'dark' : 'light';
    };
    apply();
    query?.addEventListener('change', apply);
    return () => query?.removeEventListener('change', apply);
  }, [theme]);
}
