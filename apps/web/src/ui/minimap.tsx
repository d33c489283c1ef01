// Overview of the whole run under the timeline: event density, a strip showing where the anomalies
// are (most severe per pixel), the selected anomaly, and the visible window. Click or drag to move
// the window; click an anomaly on the strip to select it. Also owns the n/p and [/] jump keys.
import { useEffect, useRef } from 'react';
import { focusAnomalyOf } from '../actions/selection.ts';
import { setWindow } from '../actions/view.ts';
import { filterAnomalies } from '../model/anomaly-filter.ts';
import { MIN_PACKED_TURNS, packedLayoutOf } from '../model/lane-layout.ts';
import {
  type MinimapDensity,
  minimapDensity,
  nearestAnomalyColumn,
  RANK_SEVERITY,
} from '../model/minimap-density.ts';
import { clampWindow, fullWindow, posAt, positionOf, xOf } from '../model/viewport.ts';
import { GUTTER } from './swimlane-canvas.tsx';
import { PALETTES } from './theme.ts';
import { readApp, subscribeApp } from './use-app.ts';
import { JUMP_KEYS_HELP, useJumpKeys } from './use-jump-keys.ts';

const HEIGHT = 44;
/** The anomaly strip along the top. */
const STRIP = 12;

export function Minimap({ run }: { run: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useJumpKeys();
  useEffect(() => {
    const canvas = ref.current!;
    const ctx = canvas.getContext('2d')!;
    let density: MinimapDensity | null = null;
    let densityKey: unknown[] = [];
    let frame = 0;
    const current = () => {
      const s = readApp();
      const cols = s.runs[run];
      if (!cols) return null;
      const lw = Math.max(1, canvas.clientWidth - GUTTER);
      const bounds = fullWindow(cols, s.mode);
      const key = [cols, s.mode, lw, s.filter];
      if (!density || key.some((k, i) => k !== densityKey[i])) {
        density = minimapDensity(cols, s.mode, bounds, lw, filterAnomalies(cols.anomalies, s.filter));
        densityKey = key;
        exposeAnomalies(canvas, density);
      }
      return { s, cols, lw, bounds, density };
    };
    const paint = () => {
      frame = 0;
      const c = current();
      if (!c) return;
      const { s, cols, lw, bounds, density: d } = c;
      const width = canvas.clientWidth;
      const dpr = window.devicePixelRatio || 1;
      canvas.width = width * dpr;
      canvas.height = HEIGHT * dpr;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const p = PALETTES[s.theme];
      ctx.fillStyle = p.gutter;
      ctx.fillRect(0, 0, width, HEIGHT);
      ctx.fillStyle = p.muted;
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillText('overview', 6, 16);
      const total = d.anomalyCount.reduce((n, v) => n + v, 0);
      ctx.fillText(total === 0 ? 'no anomalies' : `${total} anomal${total === 1 ? 'y' : 'ies'} ▲`, 6, 32);
      ctx.fillStyle = p.minimap;
      const body = HEIGHT - STRIP - 4;
      d.columns.forEach((v, i) => {
        if (v > 0) ctx.fillRect(GUTTER + i, HEIGHT - 2 - v * body, 1, v * body + 1);
      });
      // Anomalies: a full-height tick in the strip, 3 px wide so one alone is seen, errors on top.
      for (const rank of [1, 2, 3] as const) {
        ctx.fillStyle = p.severity[RANK_SEVERITY[rank]];
        d.anomalyRank.forEach((r, i) => {
          if (r === rank) ctx.fillRect(GUTTER + i - 1, 1, 3, STRIP - 2);
        });
      }
      const sel =
        s.activeRun === run && s.selectedAnomaly !== null ? cols.anomalies[s.selectedAnomaly] : undefined;
      const ev = sel?.evs.find((e) => e >= 0);
      if (ev !== undefined) {
        const sx = GUTTER + xOf(positionOf(cols, s.mode, ev), bounds, lw);
        ctx.fillStyle = p.proof;
        ctx.beginPath();
        ctx.moveTo(sx, STRIP);
        ctx.lineTo(sx - 5, STRIP + 7);
        ctx.lineTo(sx + 5, STRIP + 7);
        ctx.fill();
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
    // Packing a long run's calls takes a moment: do it while idle, before the first zoom-out needs it.
    let warm = 0;
    const warmPacked = () => {
      cancelIdleCallback(warm);
      warm = requestIdleCallback(() => {
        const s = readApp();
        const cols = s.runs[run];
        if (cols && cols.turnCount > MIN_PACKED_TURNS) packedLayoutOf(cols, s.mode);
      });
    };
    warmPacked();
    const moveTo = (ev: PointerEvent) => {
      const c = current();
      if (!c || ev.offsetX < GUTTER) return;
      const { s, bounds, lw } = c;
      const w = s.windows[run] ?? bounds;
      const center = posAt(ev.offsetX - GUTTER, bounds, lw);
      const half = (w.end - w.start) / 2;
      setWindow(run, clampWindow({ start: center - half, end: center + half }, bounds));
    };
    /** A click on the strip selects the most severe anomaly starting near it. */
    const pickAnomaly = (ev: PointerEvent): boolean => {
      const c = current();
      if (!c || ev.offsetY > STRIP + 2 || ev.offsetX < GUTTER) return false;
      const col = nearestAnomalyColumn(c.density, Math.floor(ev.offsetX - GUTTER));
      if (col < 0) return false;
      const { s, cols, bounds, lw } = c;
      const rank = c.density.anomalyRank[col]!;
      const hit = filterAnomalies(cols.anomalies, s.filter).find((a) => {
        const e = a.evs.find((x) => x >= 0);
        if (e === undefined || RANK_SEVERITY[rank] !== a.severity) return false;
        return (
          Math.min(lw - 1, Math.max(0, Math.floor(xOf(positionOf(cols, s.mode, e), bounds, lw)))) === col
        );
      });
      if (!hit) return false;
      focusAnomalyOf(run, hit.id);
      return true;
    };
    const onDown = (ev: PointerEvent) => {
      if (pickAnomaly(ev)) return;
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
        s.theme !== p.theme ||
        s.filter !== p.filter ||
        s.selectedAnomaly !== p.selectedAnomaly
      )
        schedule();
      if (s.runs[run] !== p.runs[run] || s.mode !== p.mode) warmPacked();
    });
    schedule();
    return () => {
      unsub();
      cancelIdleCallback(warm);
      ro.disconnect();
      cancelAnimationFrame(frame);
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointermove', onMove);
    };
  }, [run]);
  return (
    <>
      <canvas
        className="minimap"
        ref={ref}
        style={{ height: HEIGHT }}
        data-testid="minimap"
        aria-label="Overview of the whole run: anomalies are marked along the top; click to go there"
      />
      <p className="muted jump-help" data-testid="jump-help">
        Jump: {JUMP_KEYS_HELP}
      </p>
    </>
  );
}

/** Where the anomalies are, for tests and screen readers: `column:severity` per marked column. */
function exposeAnomalies(canvas: HTMLCanvasElement, d: MinimapDensity): void {
  const marks: string[] = [];
  d.anomalyRank.forEach((r, i) => {
    if (r && marks.length < 500) marks.push(`${i}:${RANK_SEVERITY[r]}`);
  });
  canvas.dataset.anomalyColumns = marks.join(',');
}
