// Page-wide shortcuts, as in trace viewers: Space plays or pauses the replay, ←/→ step one event,
// Shift+←/→ jump to the previous or next anomaly, 0 shows the whole run, Escape clears the
// selection, and / or Ctrl+F focuses the search box. Keys typed into a field are left alone.
import { useEffect } from 'react';
import { jumpToAnomaly, stepReplay, togglePlay } from '../actions/replay.ts';
import { clearSearch } from '../actions/search.ts';
import { clearSelection } from '../actions/selection.ts';
import { resetZoom } from '../actions/view.ts';
import { readApp } from './use-app.ts';

function inField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable);
}

export function useGlobalKeys(): void {
  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 'f' && readApp().activeRun) {
        const box = document.querySelector<HTMLInputElement>('[data-testid="search-input"]');
        if (box) {
          ev.preventDefault();
          box.focus();
          box.select();
        }
        return;
      }
      if (ev.key === 'Escape') {
        if (inField(ev.target)) (ev.target as HTMLElement).blur();
        else {
          clearSelection();
          clearSearch();
        }
        return;
      }
      if (inField(ev.target) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      const s = readApp();
      if (!s.activeRun || !s.runs[s.activeRun]) return;
      const onButton = (ev.target as HTMLElement | null)?.tagName === 'BUTTON';
      switch (ev.key) {
        case ' ':
          // Space on a focused button presses it; elsewhere it is play/pause.
          if (onButton) return;
          togglePlay();
          break;
        case 'ArrowLeft':
        case 'ArrowRight': {
          if ((ev.target as HTMLElement | null)?.closest?.('[data-testid="anomaly-list"]')) return;
          const dir = ev.key === 'ArrowRight' ? 1 : -1;
          if (ev.shiftKey) jumpToAnomaly(dir);
          else stepReplay(dir);
          break;
        }
        case '0':
          resetZoom(s.activeRun);
          break;
        case '/': {
          const box = document.querySelector<HTMLInputElement>('[data-testid="search-input"]');
          if (!box) return;
          box.focus();
          break;
        }
        default:
          return;
      }
      ev.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
