// Overview of the whole run under the timeline: event density, anomaly ticks, and the visible window;
// click or drag to move the window there.
import { useEffect, useRef } from 'react';
import { setWindow } from '../actions/view.ts';
import { type MinimapDensity, minimapDensity } from '../model/minimap-density.ts';
import { clampWindow, fullWindow, posAt, xOf } from '../model/viewport.ts';
import { GUTTER } from './swimlane-canvas.tsx';
import { PALETTES } from './theme.ts';
import { readApp, subscribeApp } from './use-app.ts';

const HEIGHT = 36;

export function Minimap({ run }: { run: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current!;
    const ctx = canvas.getContext('2d')!;
    let density: MinimapDensity | null = null;
    let densityKey = '';
    let frame = 0;
    const paint = () => {
      frame = 0;
      const s = readApp();
      const cols = s.runs[run];
      if (!cols) return;
      const width = canvas.clientWidth;
      const dpr = window.devicePixelRatio || 1;
      canvas.width = width * dpr;
      canvas.height = HEIGHT * dpr;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const lw = Math.max(1, width - GUTTER);
      const bounds = fullWindow(cols, s.mode);
      const key = `${cols.eventCount}:${s.mode}:${lw}:${cols.run}`;
      if (!density || key !== densityKey) {
        density = minimapDensity(cols, s.mode, bounds, lw);
        densityKey = key;
      }
      const p = PALETTES[s.theme];
      ctx.fillStyle = p.gutter;
      ctx.fillRect(0, 0, width, HEIGHT);
      ctx.fillStyle = p.muted;
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillText('overview', 6, 22);
      ctx.fillStyle = p.minimap;
      density.columns.forEach((v, i) => {
        if (v > 0) ctx.fillRect(GUTTER + i, HEIGHT - 4 - v * 24, 1, v * 24 + 1);
      });
      for (const a of density.anomalies) {
        ctx.fillStyle = p.severity[a.severity];
        ctx.fillRect(GUTTER + a.col - 1, 0, 2, 6);
      }
      const w = s.windows[run] ?? bounds;
      const x0 = xOf(w.start, bounds, lw);
      const x1 = xOf(w.end, bounds, lw);
      ctx.fillStyle = p.windowFill;
      ctx.fillRect(GUTTER + x0, 0, Math.max(2, x1 - x0), HEIGHT);
      ctx.strokeStyle = p.text;
      ctx.strokeRect(GUTTER + x0 + 0.5, 0.5, Math.max(2, x1 - x0) - 1, HEIGHT - 1);
    };
    const schedule = () => {
      frame ||= requestAnimationFrame(paint);
    };
    const moveTo = (ev: PointerEvent) => {
      const s = readApp();
      const cols = s.runs[run];
      if (!cols || ev.offsetX < GUTTER) return;
      const bounds = fullWindow(cols, s.mode);
      const w = s.windows[run] ?? bounds;
      const center = posAt(ev.offsetX - GUTTER, bounds, Math.max(1, canvas.clientWidth - GUTTER));
      const half = (w.end - w.start) / 2;
      setWindow(run, clampWindow({ start: center - half, end: center + half }, bounds));
    };
    const onDown = (ev: PointerEvent) => {
      canvas.setPointerCapture(ev.pointerId);
      moveTo(ev);
    };
    const onMove = (ev: PointerEvent) => {
      if (canvas.hasPointerCapture(ev.pointerId)) moveTo(ev);
    };
    canvas.addEventListener('pointerdown', onDown);
    canvas.addEventListener('pointermove', onMove);
    const ro = new ResizeObserver(schedule);
    ro.observe(canvas);
    const unsub = subscribeApp((s, p) => {
      if (
        s.windows[run] !== p.windows[run] ||
        s.runs[run] !== p.runs[run] ||
        s.mode !== p.mode ||
        s.theme !== p.theme
      )
        schedule();
    });
    schedule();
    return () => {
      unsub();
      ro.disconnect();
      cancelAnimationFrame(frame);
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointermove', onMove);
    };
  }, [run]);
  return <canvas className="minimap" ref={ref} style={{ height: HEIGHT }} data-testid="minimap" />;
}
