// The time axis above the lanes (d3-scale + d3-axis): wall-clock time, or event order in seq mode.
// Redrawn from a store subscription, not by React.
import { axisTop } from 'd3-axis';
import { scaleLinear, scaleUtc } from 'd3-scale';
import { select } from 'd3-selection';
import { useEffect, useRef } from 'react';
import { fullWindow } from '../model/viewport.ts';
import { GUTTER } from './swimlane-canvas.tsx';
import { readApp, subscribeApp } from './use-app.ts';

export function TimeAxis({ run }: { run: string }) {
  const svgRef = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const svg = svgRef.current!;
    const g = select(svg).append('g').attr('transform', `translate(${GUTTER},22)`);
    const label = select(svg).append('text').attr('x', 6).attr('y', 16).attr('class', 'axis-label');
    const draw = () => {
      const s = readApp();
      const cols = s.runs[run];
      if (!cols) return;
      const win = s.windows[run] ?? fullWindow(cols, s.mode);
      const width = Math.max(1, svg.clientWidth - GUTTER);
      if (s.mode === 'time') {
        const x = scaleUtc()
          .domain([new Date(win.start), new Date(win.end)])
          .range([0, width]);
        g.call(axisTop(x).ticks(Math.max(2, Math.floor(width / 110))));
        keepInside(width);
        label.text(`UTC ${new Date(win.start).toISOString().slice(0, 10)}`);
      } else {
        const x = scaleLinear().domain([win.start, win.end]).range([0, width]);
        g.call(
          axisTop(x)
            .ticks(Math.max(2, Math.floor(width / 80)))
            .tickFormat((d) => `#${d}`),
        );
        keepInside(width);
        label.text('event order (seq)');
      }
    };
    // A label centred on a tick at either edge would be cut in half: anchor it inwards instead.
    const keepInside = (width: number) => {
      g.selectAll<SVGGElement, unknown>('.tick').each(function () {
        const m = /translate\(([-\d.e]+)/.exec(this.getAttribute('transform') ?? '');
        const tx = m ? Number(m[1]) : 0;
        const anchor = tx > width - 24 ? 'end' : tx < 24 ? 'start' : 'middle';
        select(this).select('text').attr('text-anchor', anchor);
      });
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
      g.remove();
      label.remove();
    };
  }, [run]);
  return <svg className="time-axis" ref={svgRef} height={26} data-testid="time-axis" />;
}
