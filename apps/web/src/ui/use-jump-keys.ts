// Keys that jump through the evidence: n / p to the next / previous anomaly, [ / ] to the previous /
// next turn. Chosen not to clash with Space, arrows, 0, Escape, / and WASD. Keys typed into a field
// are left alone.
import { useEffect } from 'react';
import { stepAnomaly, stepTurn } from '../actions/navigate.ts';

export const JUMP_KEYS_HELP = 'n/p next/prev anomaly · [ ] prev/next turn';

export function useJumpKeys(): void {
  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      const el = ev.target as HTMLElement | null;
      if (el && (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable)) return;
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (ev.key === 'n') stepAnomaly(1);
      else if (ev.key === 'p') stepAnomaly(-1);
      else if (ev.key === ']') stepTurn(1);
      else if (ev.key === '[') stepTurn(-1);
      else return;
      ev.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
