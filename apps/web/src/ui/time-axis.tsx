// The time axis above the lanes: time since the trace start with units ("+20 ms", "+1.2 s"), or
// whole event positions labelled with their seq in seq mode, never "#3.5". Drawn into an SVG from a
// store subscription, not by React; labels are text nodes.
import { useEffect, useRef } from 'react';
import { formatOffset, formatWallClock, niceTicks, wholeTicks } from '../model/time-format.ts';
import { fullWindow, xOf } from '../model/viewport.ts';
import { GUTTER } from './swimlane-canvas.tsx';
import { readApp, subscribeApp } from './use-app.ts';

const SVG = 'http://www.w3.org/2000/svg';

function svgText(x: number, y: number, text: string, anchor: string, cls: string): SVGTextElement {
  const el = document.createElementNS(SVG, 'text');
  el.setAttribute('x', String(x));
  el.setAttribute('y', String(y));
  el.setAttribute('text-anchor', anchor);
  el.setAttribute('class', cls);
  el.textContent = text;
  return el;
}

export function TimeAxis({ run }: { run: string }) {
  const svgRef = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const svg = svgRef.current!;
    const draw = () => {
      const s = readApp();
      const cols = s.runs[run];
      if (!cols) return;
      const win = s.windows[run] ?? fullWindow(cols, s.mode);
      const width = Math.max(1, svg.clientWidth - GUTTER);
      const nodes: SVGElement[] = [];
      const t0 = cols.eventCount > 0 ? cols.t[0]! : 0;
      const tick = (pos: number, label: string) => {
        const x = GUTTER + xOf(pos, win, width);
        const line = document.createElementNS(SVG, 'line');
        line.setAttribute('x1', String(x));
        line.setAttribute('x2', String(x));
        line.setAttribute('y1', '20');
        line.setAttribute('y2', '26');
        line.setAttribute('class', 'axis-tick');
        const rel = x - GUTTER;
        // A label centred on a tick at either edge would be cut in half: anchor it inwards.
        const anchor = rel > width - 30 ? 'end' : rel < 30 ? 'start' : 'middle';
        nodes.push(line, svgText(x, 16, label, anchor, 'axis-tick-label'));
      };
      if (s.mode === 'time') {
        const { ticks, step } = niceTicks(win.start - t0, win.end - t0, Math.max(2, Math.floor(width / 110)));
        for (const v of ticks) tick(t0 + v, formatOffset(v, step));
        nodes.push(svgText(6, 12, 'since trace start', 'start', 'axis-label'));
        nodes.push(svgText(6, 24, formatWallClock(t0).slice(0, 19), 'start', 'axis-label muted-label'));
      } else {
        for (const i of wholeTicks(win.start, win.end, Math.max(2, Math.floor(width / 80)))) {
          if (i >= 0 && i < cols.eventCount) tick(i, `#${cols.seq[i]}`);
        }
        nodes.push(svgText(6, 16, 'event order (seq)', 'start', 'axis-label'));
      }
      svg.replaceChildren(...nodes);
      svg.dataset.ticks = String(nodes.filter((n) => n.getAttribute('class') === 'axis-tick-label').length);
    };
    draw();
    const ro = new ResizeObserver(draw);
    ro.observe(svg);
    const unsub = subscribeApp((s, p) => {
      if (s.windows[run] !== p.windows[run] || s.mode !== p.mode || s.runs[run] !== p.runs[run]) draw();
    });
    return () => {
      unsub();
      ro.disconnect();
    };
  }, [run]);
  return <svg className="time-axis" ref={svgRef} height={26} data-testid="time-axis" />;
}
