// The swimlane timeline of one run on a canvas. React renders the element once; frames are driven by
// a store subscription (window, scroll, playhead, selection) and d3-zoom handles wheel and drag.
import { select } from 'd3-selection';
import { type ZoomBehavior, zoom, zoomIdentity } from 'd3-zoom';
import { useEffect, useRef } from 'react';
import { selectCall } from '../io/trace-session.ts';
import { filterAnomalies } from '../model/anomaly-filter.ts';
import { type AppState, appStore } from '../model/app-store.ts';
import { buildDrawList, type DrawList } from '../model/draw-list.ts';
import { layoutOf, maxScroll, ROW_CALL, ROW_TURN, rowAt } from '../model/lane-layout.ts';
import {
  fullWindow,
  posAt,
  type TimeWindow,
  transformForWindow,
  windowForKey,
  windowForTransform,
} from '../model/viewport.ts';
import { paintTimeline } from './paint-timeline.ts';
import { PALETTES } from './theme.ts';

export const GUTTER = 200;

interface Props {
  run: string;
  /** The main view: owns WASD keys and marks `causelane:ready`. */
  main?: boolean;
  height?: number;
  onAnomaly?: (id: number) => void;
}

const readyMarked = new WeakSet<object>();

function drawInputsChanged(s: AppState, p: AppState, run: string): boolean {
  return (
    s.runs[run] !== p.runs[run] ||
    s.windows[run] !== p.windows[run] ||
    s.scrollY[run] !== p.scrollY[run] ||
    s.mode !== p.mode ||
    s.playhead !== p.playhead ||
    s.activeRun !== p.activeRun ||
    s.selectedCall !== p.selectedCall ||
    s.filter !== p.filter ||
    s.theme !== p.theme
  );
}

export function SwimlaneCanvas({ run, main = false, height, onAnomaly }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current!;
    const box = boxRef.current!;
    const ctx = canvas.getContext('2d', { alpha: false })!;
    let width = 0;
    let cssHeight = 0;
    let frame = 0;
    let lastList: DrawList | null = null;
    let syncing = false;
    const laneWidth = () => Math.max(1, width - GUTTER);
    const st = () => appStore.getState();
    const bounds = (): TimeWindow | null => {
      const cols = st().runs[run];
      return cols ? fullWindow(cols, st().mode) : null;
    };

    const paint = () => {
      frame = 0;
      const started = performance.now();
      const s = st();
      const cols = s.runs[run];
      if (!cols || width === 0) return;
      const layout = layoutOf(cols);
      const win = s.windows[run] ?? fullWindow(cols, s.mode);
      const playhead = s.activeRun === run ? s.playhead : null;
      const list = buildDrawList({
        cols,
        layout,
        win,
        mode: s.mode,
        width: laneWidth(),
        height: cssHeight,
        scrollY: s.scrollY[run] ?? 0,
        playhead,
        anomalies: filterAnomalies(cols.anomalies, s.filter),
      });
      lastList = list;
      const dpr = window.devicePixelRatio || 1;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const selectedLane = s.selectedCall === null ? -1 : cols.callId.indexOf(s.selectedCall);
      paintTimeline(ctx, cols, list, {
        width,
        height: cssHeight,
        gutter: GUTTER,
        rowHeight: layout.rowHeight,
        selectedCall: s.selectedCall,
        selectedLane,
        palette: PALETTES[s.theme],
      });
      // Frame cost, read by the web benchmark (pan/zoom p95).
      if (main) performance.measure('causelane:frame', { start: started, end: performance.now() });
      if (main && !readyMarked.has(cols)) {
        readyMarked.add(cols);
        performance.mark('causelane:ready', { detail: { run, events: cols.eventCount } });
        canvas.dataset.readyEvents = String(cols.eventCount);
      }
    };
    const schedule = () => {
      frame ||= requestAnimationFrame(paint);
    };

    const zoomer: ZoomBehavior<HTMLCanvasElement, unknown> = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([1, 1e12])
      .filter((ev: MouseEvent & WheelEvent) => {
        if (ev.offsetX < GUTTER) return false;
        if (ev.type === 'wheel') return !ev.shiftKey;
        return !ev.button && !ev.ctrlKey;
      })
      .on('zoom', (ev) => {
        if (syncing) return;
        const b = bounds();
        if (!b) return;
        st().setWindow(run, windowForTransform(ev.transform, b, laneWidth(), GUTTER));
        const src = ev.sourceEvent as MouseEvent | null;
        if (src?.type === 'mousemove' && src.movementY) scrollBy(-src.movementY);
      });
    const sel = select(canvas);
    sel.call(zoomer).on('dblclick.zoom', null);

    const syncZoom = () => {
      const b = bounds();
      const w = st().windows[run];
      if (!b || !w || width === 0) return;
      const { k, x } = transformForWindow(w, b, laneWidth(), GUTTER);
      zoomer.extent([
        [GUTTER, 0],
        [width, cssHeight],
      ]);
      zoomer.translateExtent([
        [GUTTER, Number.NEGATIVE_INFINITY],
        [width, Number.POSITIVE_INFINITY],
      ]);
      syncing = true;
      zoomer.transform(sel, zoomIdentity.translate(x, 0).scale(k));
      syncing = false;
    };

    const scrollBy = (dy: number) => {
      const cols = st().runs[run];
      if (!cols) return;
      const max = maxScroll(layoutOf(cols), cssHeight);
      st().setScrollY(run, Math.max(0, Math.min(max, (st().scrollY[run] ?? 0) + dy)));
    };

    const onWheel = (ev: WheelEvent) => {
      if (ev.offsetX < GUTTER || ev.shiftKey) {
        ev.preventDefault();
        scrollBy(ev.shiftKey && ev.deltaY === 0 ? ev.deltaX : ev.deltaY);
      }
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });

    let down: { x: number; y: number } | null = null;
    const onDown = (ev: PointerEvent) => {
      down = { x: ev.offsetX, y: ev.offsetY };
    };
    const onClick = (ev: MouseEvent) => {
      if (down && Math.hypot(ev.offsetX - down.x, ev.offsetY - down.y) > 4) return;
      const cols = st().runs[run];
      if (!cols) return;
      const x = ev.offsetX - GUTTER;
      const hit = lastList?.flagHits.find(
        (f) => Math.abs(f.x - x) <= 6 && ev.offsetY >= f.y && ev.offsetY <= f.y + 12,
      );
      if (hit && onAnomaly) {
        onAnomaly(hit.id);
        return;
      }
      const layout = layoutOf(cols);
      const row = rowAt(layout, st().scrollY[run] ?? 0, ev.offsetY);
      if (row < 0) return;
      if (st().activeRun !== run) appStore.setState({ activeRun: run, compare: st().compare });
      const kind = layout.rowKind[row];
      if (kind === ROW_CALL) selectCall(cols.callId[layout.rowRef[row]!]!);
      else if (kind === ROW_TURN) {
        const ti = layout.rowRef[row]!;
        if (cols.turnCallCount[ti]! > 0) selectCall(cols.callId[cols.turnFirstCall[ti]!]!);
      }
    };
    canvas.addEventListener('pointerdown', onDown);
    canvas.addEventListener('click', onClick);

    let pointerX: number | null = null;
    const onMove = (ev: MouseEvent) => {
      pointerX = ev.offsetX >= GUTTER ? ev.offsetX - GUTTER : null;
    };
    canvas.addEventListener('mousemove', onMove);
    const onKey = (ev: KeyboardEvent) => {
      const target = ev.target as HTMLElement | null;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      const s = st();
      const b = bounds();
      const w = s.windows[run];
      if (!b || !w) return;
      const anchor = pointerX === null ? undefined : posAt(pointerX, w, laneWidth());
      const next = windowForKey(ev.key, w, b, anchor);
      if (next) {
        ev.preventDefault();
        s.setWindow(run, next);
      }
    };
    if (main) window.addEventListener('keydown', onKey);
    else canvas.addEventListener('keydown', onKey);

    const resize = () => {
      const rect = box.getBoundingClientRect();
      width = Math.floor(rect.width);
      cssHeight = Math.floor(rect.height);
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.max(1, width * dpr);
      canvas.height = Math.max(1, cssHeight * dpr);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${cssHeight}px`;
      if (main) appStore.setState({ laneViewHeight: cssHeight });
      syncZoom();
      schedule();
    };
    const ro = new ResizeObserver(resize);
    ro.observe(box);
    resize();

    const unsub = appStore.subscribe((s, p) => {
      if (!drawInputsChanged(s, p, run)) return;
      if (s.windows[run] !== p.windows[run] || s.runs[run] !== p.runs[run] || s.mode !== p.mode) syncZoom();
      schedule();
    });
    return () => {
      unsub();
      ro.disconnect();
      cancelAnimationFrame(frame);
      sel.on('.zoom', null);
      canvas.removeEventListener('wheel', onWheel);
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('click', onClick);
      canvas.removeEventListener('mousemove', onMove);
      window.removeEventListener('keydown', onKey);
      canvas.removeEventListener('keydown', onKey);
    };
  }, [run, main, onAnomaly]);

  return (
    <div className="swimlane" ref={boxRef} style={height ? { height } : undefined}>
      <canvas
        ref={canvasRef}
        tabIndex={0}
        data-testid={main ? 'timeline-canvas' : `timeline-canvas-${run}`}
        aria-label="Swimlane timeline: wheel or W/S to zoom, drag or A/D to pan, shift+wheel to scroll lanes"
      />
    </div>
  );
}
