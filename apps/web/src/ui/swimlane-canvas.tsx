// The swimlane timeline of one run on a canvas, as a controlled component: the selected call comes in
// as a prop, clicks go out as callbacks. React renders the element once; frames are driven by a
// store subscription (window, scroll, playhead), and input by useTimelineInput.
import { useEffect, useRef } from 'react';
import { scrollLanesBy, setLaneViewHeight, setWindow } from '../actions/view.ts';
import { filterAnomalies } from '../model/anomaly-filter.ts';
import type { AppState } from '../model/app-store.ts';
import { buildDrawList, type DrawList } from '../model/draw-list.ts';
import { hitTest } from '../model/hit-test.ts';
import { layoutForView, layoutOf, viewScroll } from '../model/lane-layout.ts';
import { proofFor } from '../model/proof-arrows.ts';
import { trackLabel } from '../model/track-packing.ts';
import { fullWindow } from '../model/viewport.ts';
import { useHoverCard } from './hover-card.tsx';
import { paintSearch } from './paint-search.ts';
import { paintTimeline } from './paint-timeline.ts';
import { PALETTES } from './theme.ts';
import { readApp, subscribeApp } from './use-app.ts';
import { useTimelineInput } from './use-timeline-input.ts';

export const GUTTER = 200;

interface Props {
  run: string;
  /** The main view: owns WASD keys page-wide, sizes "scroll to anomaly", marks `causelane:ready`. */
  main?: boolean;
  height?: number;
  selectedCall: string | null;
  /** A click on an anomaly flag: its id in the run's anomaly list. */
  onAnomaly: (id: number) => void;
  /** A click on a lane: the call it shows (a turn header stands for its first call), or null. */
  onLaneClick: (call: string | null) => void;
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
    s.filter !== p.filter ||
    s.theme !== p.theme ||
    s.selectedAnomaly !== p.selectedAnomaly ||
    s.search !== p.search
  );
}

export function SwimlaneCanvas({ run, main = false, height, selectedCall, onAnomaly, onLaneClick }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const lastList = useRef<DrawList | null>(null);
  const schedule = useRef<() => void>(() => undefined);
  const selected = useRef(selectedCall);
  const hover = useHoverCard(run, () => ({
    flagHits: lastList.current?.flagHits ?? [],
    width: input.width,
    gutter: GUTTER,
    layout: lastList.current?.layout,
    scrollY: lastList.current?.scrollY,
  }));

  const input = useTimelineInput(
    canvasRef,
    boxRef,
    { main, gutter: GUTTER },
    {
      view: () => {
        const s = readApp();
        const cols = s.runs[run];
        return cols ? { bounds: fullWindow(cols, s.mode), window: s.windows[run] ?? null } : null;
      },
      onWindowChange: (w) => setWindow(run, w),
      onScrollBy: (dy, viewHeight) => scrollLanesBy(run, dy, viewHeight),
      onClick: (x, y) => {
        const s = readApp();
        const cols = s.runs[run];
        if (!cols) return;
        const frame = lastList.current;
        const hit = hitTest(
          {
            cols,
            layout: frame?.layout ?? layoutOf(cols),
            flagHits: frame?.flagHits ?? [],
            scrollY: frame?.scrollY ?? s.scrollY[run] ?? 0,
            view: {
              win: s.windows[run] ?? fullWindow(cols, s.mode),
              mode: s.mode,
              width: Math.max(1, input.width - GUTTER),
            },
          },
          x - GUTTER,
          y,
        );
        if (hit?.kind === 'anomaly') onAnomaly(hit.id);
        else if (hit) onLaneClick(hit.call);
      },
      onHover: hover.onHover,
      onResize: (_width, h) => {
        if (main) setLaneViewHeight(h);
        schedule.current();
      },
    },
  );

  useEffect(() => {
    selected.current = selectedCall;
    schedule.current();
  }, [selectedCall]);

  useEffect(() => {
    const canvas = canvasRef.current!;
    const ctx = canvas.getContext('2d', { alpha: false })!;
    let frame = 0;

    const paint = () => {
      frame = 0;
      const started = performance.now();
      const s = readApp();
      const cols = s.runs[run];
      const { width, height: cssHeight } = input;
      if (!cols || width === 0) return;
      // Long runs zoomed out switch to the packed layout (turn summary + tool tracks).
      const win = s.windows[run] ?? fullWindow(cols, s.mode);
      const layout = layoutForView(cols, s.mode, win, Math.max(1, width - GUTTER));
      const list = buildDrawList({
        cols,
        layout,
        win,
        mode: s.mode,
        width: Math.max(1, width - GUTTER),
        height: cssHeight,
        scrollY: viewScroll(layout, s.scrollY[run] ?? 0, cssHeight),
        playhead: s.activeRun === run ? s.playhead : null,
        anomalies: filterAnomalies(cols.anomalies, s.filter),
        proof: proofFor(cols, s.activeRun === run ? s.selectedAnomaly : null),
      });
      lastList.current = list;
      const dpr = window.devicePixelRatio || 1;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const call = selected.current;
      paintTimeline(ctx, cols, list, {
        width,
        height: cssHeight,
        gutter: GUTTER,
        rowHeight: layout.rowHeight,
        selectedCall: call,
        selectedLane: call === null ? -1 : cols.callId.indexOf(call),
        palette: PALETTES[s.theme],
        trackLabel: layout.packed ? (k) => trackLabel(layout.packed!, k) : undefined,
      });
      paintSearch(ctx, {
        cols,
        layout,
        search: s.search,
        win: s.windows[run] ?? fullWindow(cols, s.mode),
        mode: s.mode,
        width: Math.max(1, width - GUTTER),
        height: cssHeight,
        gutter: GUTTER,
        scrollY: list.scrollY,
        playhead: s.activeRun === run ? s.playhead : null,
        color: PALETTES[s.theme].rule,
      });
      // Frame cost, read by the web benchmark (pan/zoom p95).
      if (main) performance.measure('causelane:frame', { start: started, end: performance.now() });
      if (main && !readyMarked.has(cols)) {
        readyMarked.add(cols);
        performance.mark('causelane:ready', { detail: { run, events: cols.eventCount } });
        canvas.dataset.readyEvents = String(cols.eventCount);
      }
    };
    schedule.current = () => {
      frame ||= requestAnimationFrame(paint);
    };

    input.syncZoom();
    schedule.current();
    const unsub = subscribeApp((s, p) => {
      if (!drawInputsChanged(s, p, run)) return;
      if (s.windows[run] !== p.windows[run] || s.runs[run] !== p.runs[run] || s.mode !== p.mode)
        input.syncZoom();
      schedule.current();
    });
    return () => {
      unsub();
      cancelAnimationFrame(frame);
      schedule.current = () => undefined;
    };
  }, [run, main, input]);

  return (
    <div className="swimlane" ref={boxRef} style={height ? { height } : undefined}>
      {hover.card}
      <canvas
        ref={canvasRef}
        tabIndex={0}
        data-testid={main ? 'timeline-canvas' : `timeline-canvas-${run}`}
        aria-label="Swimlane timeline: wheel or W/S to zoom, drag or A/D to pan, shift+wheel to scroll lanes"
      />
    </div>
  );
}
