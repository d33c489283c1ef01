// Input on the swimlane canvas: d3-zoom for wheel zoom and drag pan, shift+wheel (or wheel over the
// label gutter) to scroll lanes, WASD keys, a double-click that shows the whole run, hover, clicks
// that are not the end of a drag, and resizes.
// It turns DOM events into intents for its caller and keeps the zoom transform in step with the view.
import { select } from 'd3-selection';
import { type ZoomBehavior, zoom, zoomIdentity } from 'd3-zoom';
import { type RefObject, useEffect, useLayoutEffect, useRef } from 'react';
import {
  posAt,
  type TimeWindow,
  transformForWindow,
  windowForKey,
  windowForTransform,
} from '../model/viewport.ts';

/** The window shown and the run's whole extent, read when input arrives (they change per frame). */
export interface TimelineView {
  bounds: TimeWindow;
  window: TimeWindow | null;
}

export interface TimelineInputHandlers {
  view: () => TimelineView | null;
  onWindowChange: (w: TimeWindow) => void;
  /** Scroll the lanes by `dy` pixels in a lane area `viewHeight` pixels high. */
  onScrollBy: (dy: number, viewHeight: number) => void;
  /** A click, in canvas pixels. */
  onClick: (x: number, y: number) => void;
  onResize: (width: number, height: number) => void;
  /** The pointer moved to (x, y) in canvas pixels, or left the canvas (null); not while dragging. */
  onHover?: (at: { x: number; y: number; clientX: number; clientY: number } | null) => void;
}

export interface TimelineInput {
  /** CSS pixels of the canvas, as last measured. */
  width: number;
  height: number;
  /** Re-aims d3-zoom at the view's window after it changed elsewhere (minimap, keys, an action). */
  syncZoom: () => void;
}

/** A pointer that moved further than this between down and click was dragging, not clicking. */
const CLICK_SLOP = 4;

export function useTimelineInput(
  canvasRef: RefObject<HTMLCanvasElement | null>,
  boxRef: RefObject<HTMLDivElement | null>,
  opts: { main: boolean; gutter: number },
  handlers: TimelineInputHandlers,
): TimelineInput {
  const latest = useRef(handlers);
  useLayoutEffect(() => {
    latest.current = handlers;
  });
  const input = useRef<TimelineInput>({ width: 0, height: 0, syncZoom: () => undefined }).current;
  const { main, gutter } = opts;

  useEffect(() => {
    const canvas = canvasRef.current!;
    const box = boxRef.current!;
    const h = () => latest.current;
    const laneWidth = () => Math.max(1, input.width - gutter);
    let syncing = false;

    const zoomer: ZoomBehavior<HTMLCanvasElement, unknown> = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([1, 1e12])
      .filter((ev: MouseEvent & WheelEvent) => {
        if (ev.offsetX < gutter) return false;
        if (ev.type === 'wheel') return !ev.shiftKey;
        return !ev.button && !ev.ctrlKey;
      })
      .on('zoom', (ev) => {
        if (syncing) return;
        const v = h().view();
        if (!v) return;
        h().onWindowChange(windowForTransform(ev.transform, v.bounds, laneWidth(), gutter));
        const src = ev.sourceEvent as MouseEvent | null;
        if (src?.type === 'mousemove' && src.movementY) h().onScrollBy(-src.movementY, input.height);
      });
    const sel = select(canvas);
    sel.call(zoomer).on('dblclick.zoom', null);

    input.syncZoom = () => {
      const v = h().view();
      if (!v?.window || input.width === 0) return;
      const { k, x } = transformForWindow(v.window, v.bounds, laneWidth(), gutter);
      zoomer.extent([
        [gutter, 0],
        [input.width, input.height],
      ]);
      zoomer.translateExtent([
        [gutter, Number.NEGATIVE_INFINITY],
        [input.width, Number.POSITIVE_INFINITY],
      ]);
      syncing = true;
      zoomer.transform(sel, zoomIdentity.translate(x, 0).scale(k));
      syncing = false;
    };

    const onWheel = (ev: WheelEvent) => {
      if (ev.offsetX < gutter || ev.shiftKey) {
        ev.preventDefault();
        h().onScrollBy(ev.shiftKey && ev.deltaY === 0 ? ev.deltaX : ev.deltaY, input.height);
      }
    };

    let down: { x: number; y: number } | null = null;
    const onDown = (ev: PointerEvent) => {
      down = { x: ev.offsetX, y: ev.offsetY };
    };
    const onClick = (ev: MouseEvent) => {
      if (down && Math.hypot(ev.offsetX - down.x, ev.offsetY - down.y) > CLICK_SLOP) return;
      h().onClick(ev.offsetX, ev.offsetY);
    };

    let pointerX: number | null = null;
    const onMove = (ev: MouseEvent) => {
      pointerX = ev.offsetX >= gutter ? ev.offsetX - gutter : null;
      h().onHover?.(
        ev.buttons ? null : { x: ev.offsetX, y: ev.offsetY, clientX: ev.clientX, clientY: ev.clientY },
      );
    };
    const onLeave = () => {
      pointerX = null;
      h().onHover?.(null);
    };
    // A double-click shows the whole run again (as `0` does).
    const onDblClick = (ev: MouseEvent) => {
      const v = h().view();
      if (!v || ev.offsetX < gutter) return;
      ev.preventDefault();
      h().onWindowChange(v.bounds);
    };
    const onKey = (ev: KeyboardEvent) => {
      const target = ev.target as HTMLElement | null;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      const v = h().view();
      if (!v?.window) return;
      const anchor = pointerX === null ? undefined : posAt(pointerX, v.window, laneWidth());
      const next = windowForKey(ev.key, v.window, v.bounds, anchor);
      if (next) {
        ev.preventDefault();
        h().onWindowChange(next);
      }
    };
    // The main view owns WASD page-wide; a side-by-side canvas only while it has focus.
    const keyTarget: HTMLElement | Window = main ? window : canvas;

    const resize = () => {
      const rect = box.getBoundingClientRect();
      input.width = Math.floor(rect.width);
      input.height = Math.floor(rect.height);
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.max(1, input.width * dpr);
      canvas.height = Math.max(1, input.height * dpr);
      canvas.style.width = `${input.width}px`;
      canvas.style.height = `${input.height}px`;
      input.syncZoom();
      h().onResize(input.width, input.height);
    };

    canvas.addEventListener('wheel', onWheel, { passive: false });
    canvas.addEventListener('pointerdown', onDown);
    canvas.addEventListener('click', onClick);
    canvas.addEventListener('mousemove', onMove);
    canvas.addEventListener('mouseleave', onLeave);
    canvas.addEventListener('dblclick', onDblClick);
    keyTarget.addEventListener('keydown', onKey as EventListener);
    const ro = new ResizeObserver(resize);
    ro.observe(box);
    resize();
    return () => {
      ro.disconnect();
      sel.on('.zoom', null);
      input.syncZoom = () => undefined;
      canvas.removeEventListener('wheel', onWheel);
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('click', onClick);
      canvas.removeEventListener('mousemove', onMove);
      canvas.removeEventListener('mouseleave', onLeave);
      canvas.removeEventListener('dblclick', onDblClick);
      keyTarget.removeEventListener('keydown', onKey as EventListener);
    };
  }, [canvasRef, boxRef, main, gutter, input]);

  return input;
}
