// The hover card of the swimlane timeline (bars, markers, flags): name, call id, turn, duration,
// start since the trace start, status, wall clock, and the first line of args and of the result or
// error, fetched from the worker. Text nodes only; the card follows the pointer outside React renders.
import { EXPLANATIONS } from '@causelane/analysis/explain';
import { useCallback, useEffect, useRef, useState } from 'react';
import { callDetailsOf } from '../actions/trace-queries.ts';
import type { CallDetails } from '../model/call-details.ts';
import type { DrawList } from '../model/draw-list.ts';
import { firstLine, type HoverTarget, hoverFacts, hoverTargetAt } from '../model/hover-info.ts';
import { type LaneLayout, layoutOf } from '../model/lane-layout.ts';
import { fullWindow } from '../model/viewport.ts';
import { readApp } from './use-app.ts';

interface HoverFrame {
  flagHits: DrawList['flagHits'];
  /** Canvas width in CSS pixels (the lanes start after the gutter). */
  width: number;
  gutter: number;
  /** The layout and scroll the frame on screen was drawn with (packed when zoomed out). */
  layout?: LaneLayout;
  scrollY?: number;
}

type HoverAt = { x: number; y: number; clientX: number; clientY: number } | null;

function sameTarget(a: HoverTarget | null, b: HoverTarget | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const title = (type: string) => EXPLANATIONS[type as keyof typeof EXPLANATIONS]?.title ?? type;

/** Hover handling for one timeline canvas: pass `onHover` to its input and render `card`. */
export function useHoverCard(run: string, frame: () => HoverFrame) {
  const [target, setTarget] = useState<HoverTarget | null>(null);
  const pos = useRef({ x: 0, y: 0 });
  const cardRef = useRef<HTMLDivElement>(null);
  const frameRef = useRef(frame);
  frameRef.current = frame;

  const place = useCallback(() => {
    const el = cardRef.current;
    if (!el) return;
    const { x, y } = pos.current;
    const w = el.offsetWidth;
    const h = el.offsetHeight;
    const left = x + 14 + w > window.innerWidth ? Math.max(4, x - 14 - w) : x + 14;
    const top = y + 16 + h > window.innerHeight ? Math.max(4, y - 12 - h) : y + 16;
    el.style.transform = `translate(${left}px, ${top}px)`;
  }, []);

  const onHover = useCallback(
    (at: HoverAt) => {
      if (!at) {
        setTarget(null);
        return;
      }
      const s = readApp();
      const cols = s.runs[run];
      const f = frameRef.current();
      if (!cols) return;
      const next = hoverTargetAt(
        {
          cols,
          layout: f.layout ?? layoutOf(cols),
          win: s.windows[run] ?? fullWindow(cols, s.mode),
          mode: s.mode,
          width: Math.max(1, f.width - f.gutter),
          scrollY: f.scrollY ?? s.scrollY[run] ?? 0,
          flagHits: f.flagHits,
          playhead: s.activeRun === run ? s.playhead : null,
        },
        at.x - f.gutter,
        at.y,
      );
      pos.current = { x: at.clientX, y: at.clientY };
      setTarget((prev) => (sameTarget(prev, next) ? prev : next));
      place();
    },
    [run, place],
  );

  const card = target ? <HoverCardBody run={run} target={target} cardRef={cardRef} onLayout={place} /> : null;
  return { onHover, card };
}

function HoverCardBody({
  run,
  target,
  cardRef,
  onLayout,
}: {
  run: string;
  target: HoverTarget;
  cardRef: React.RefObject<HTMLDivElement | null>;
  onLayout: () => void;
}) {
  const s = readApp();
  const cols = s.runs[run];
  const t0 = cols && cols.eventCount > 0 ? cols.t[0]! : 0;
  const facts = cols ? hoverFacts(cols, target, t0, s.activeRun === run ? s.playhead : null, title) : null;
  const [details, setDetails] = useState<CallDetails | null>(null);
  const call = facts?.call ?? null;
  useEffect(() => {
    let live = true;
    setDetails(null);
    if (call)
      callDetailsOf(run, call).then(
        (d) => live && setDetails(d),
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [run, call]);
  useEffect(onLayout);
  if (!facts) return null;
  const args = details ? firstLine(details.args) : null;
  // During replay a result that has not happened yet is not shown.
  const outcome =
    details && facts.ended
      ? details.error !== null
        ? firstLine(details.error)
        : firstLine(details.result)
      : null;
  return (
    <div className="hover-card" ref={cardRef} role="tooltip" data-testid="hover-card">
      <div className="hover-title">{facts.title}</div>
      <dl>
        {facts.rows.map(([k, v]) => (
          <div key={k} className="hover-row">
            <dt>{k}</dt>
            <dd data-hover={k}>{v}</dd>
          </div>
        ))}
        {args !== null && (
          <div className="hover-row">
            <dt>args</dt>
            <dd data-hover="args">{args}</dd>
          </div>
        )}
        {outcome !== null && (
          <div className="hover-row">
            <dt>{details?.error !== null ? 'error' : 'result'}</dt>
            <dd data-hover="outcome">{outcome}</dd>
          </div>
        )}
      </dl>
    </div>
  );
}
