// The theme preference: the user's pick from localStorage, else the system's prefers-color-scheme,
// followed live while the user has not picked one.
export type Theme = 'dark' | 'light';
const KEY = 'causelane.theme';

/** The remembered pick, or null when the user never chose. */
export function savedTheme(): Theme | null {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'dark' || v === 'light' ? v : null;
  } catch {
    return null;
  }
}

export function saveTheme(theme: Theme): void {
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Storage can be disabled; the pick then lasts for this page only.
  }
}

const query = () => window.matchMedia?.('(prefers-color-scheme: light)');

export function systemTheme(): Theme {
  return query()?.matches ? 'light' : 'dark';
}

/** Calls `fn` when the system's colour scheme changes. */
export function onSystemThemeChange(fn: (theme: Theme) => void): () => void {
  const q = query();
  if (!q) return () => undefined;
  const listener = () => fn(q.matches ? 'light' : 'dark');
  q.addEventListener('change', listener);
  return () => q.removeEventListener('change', listener);
}
