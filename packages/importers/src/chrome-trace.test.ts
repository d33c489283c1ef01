// Exports are checked against the Trace Event Format's structure (the JSON Object Format with
// traceEvents; complete 'X', async 'b'/'e', instant 'i' and metadata 'M' events).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeRuns } from '@causelane/analysis';
import { readTraceText } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { toChromeTrace } from './chrome-trace.ts';

const examples = fileURLToPath(new URL('../../../../shared/examples/', import.meta.url));

/** Every structural rule of the format this exporter relies on; returns the violations. */
function traceEventViolations(doc: unknown): string[] {
  const bad: string[] = [];
  if (
    typeof doc !== 'object' ||
    doc === null ||
    !Array.isArray((doc as { traceEvents?: unknown }).traceEvents)
  )
    return ['no traceEvents array'];
  const d = doc as { traceEvents: Record<string, unknown>[]; displayTimeUnit?: unknown };
  if (d.displayTimeUnit !== undefined && d.displayTimeUnit !== 'ms' && d.displayTimeUnit !== 'ns')
    bad.push('displayTimeUnit');
  const open = new Map<string, number>();
  d.traceEvents.forEach((e, i) => {
    const at = `traceEvents[${i}]`;
    if (typeof e.ph !== 'string' || !'XBEbeinM'.includes(e.ph)) bad.push(`${at}.ph ${String(e.ph)}`);
    if (typeof e.name !== 'string' || e.name === '') bad.push(`${at}.name`);
    if (!Number.isInteger(e.pid) || !Number.isInteger(e.tid)) bad.push(`${at}.pid/tid`);
    if (e.ph === 'M') {
      if (typeof e.args !== 'object' || e.args === null) bad.push(`${at}.args`);
      return;
    }
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0) bad.push(`${at}.ts`);
    if (typeof e.cat !== 'string') bad.push(`${at}.cat`);
    if (e.ph === 'X' && (typeof e.dur !== 'number' || e.dur < 0)) bad.push(`${at}.dur`);
    if (e.ph === 'i' && !['g', 'p', 't'].includes(e.s as string)) bad.push(`${at}.s`);
    if (e.ph === 'b' || e.ph === 'e') {
      if (typeof e.id !== 'string' && typeof e.id !== 'number') bad.push(`${at}.id`);
      const key = `${e.pid}|${e.cat}|${e.id}|${e.name}`;
      if (e.ph === 'b') open.set(key, e.ts as number);
      else {
        const began = open.get(key);
        if (began === undefined) bad.push(`${at}: 'e' without 'b'`);
        else if ((e.ts as number) < began) bad.push(`${at}: ends before it begins`);
        open.delete(key);
      }
    }
  });
  for (const k of open.keys()) bad.push(`async slice ${k} never ends`);
  // Complete events on one thread must nest, or viewers draw them wrongly.
  const byThread = new Map<string, { ts: number; end: number }[]>();
  for (const e of d.traceEvents) {
    if (e.ph !== 'X') continue;
    const k = `${e.pid}|${e.tid}`;
    const list = byThread.get(k) ?? [];
    list.push({ ts: e.ts as number, end: (e.ts as number) + (e.dur as number) });
    byThread.set(k, list);
  }
  for (const [k, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || b.end - a.end);
    const stack: { end: number }[] = [];
    for (const s of list) {
      while (stack.length > 0 && stack[stack.length - 1]!.end <= s.ts) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent && s.end > parent.end + 1e-6) bad.push(`thread ${k}: slice at ${s.ts} overlaps its parent`);
      stack.push(s);
    }
  }
  return bad;
}

function exportExample(name: string) {
  const { runs } = readTraceText(readFileSync(`${examples}${name}.jsonl`, 'utf8'));
  const report = analyzeRuns(runs);
  return { runs, report, doc: JSON.parse(JSON.stringify(toChromeTrace(runs, report.anomalies))) };
}

describe('toChromeTrace', () => {
  for (const name of ['impatient-loop', 'causal-timeout', 'stale-read', 'lost-update']) {
    it(`exports ${name} with a valid Trace Event structure`, () => {
      const { doc, report, runs } = exportExample(name);
      expect(traceEventViolations(doc)).toEqual([]);
      const events = doc.traceEvents as {
        ph: string;
        cat?: string;
        name: string;
        args?: Record<string, unknown>;
      }[];
      const turns = [...runs.values()].reduce(
        (n, evs) => n + new Set(evs.filter((e) => e.type === 'llm.request').map((e) => e.turn)).size,
        0,
      );
      expect(events.filter((e) => e.ph === 'X' && e.cat === 'turn')).toHaveLength(turns);
      const started = [...runs.values()].flat().filter((e) => e.type === 'tool.start');
      expect(events.filter((e) => e.ph === 'b')).toHaveLength(
        new Set(started.map((e) => `${e.run}|${e.call}`)).size,
      );
      expect(events.filter((e) => e.ph === 'i').map((e) => e.args?.type)).toEqual(
        report.anomalies.map((a) => a.type),
      );
    });
  }

  it('puts the impatient loop anomalies where they happen', () => {
    const { doc } = exportExample('impatient-loop');
    const instants = doc.traceEvents.filter((e: { ph: string }) => e.ph === 'i');
    expect(instants.map((e: { name: string }) => e.name)).toEqual([
      'error: Premature model call',
      'error: Late commit',
    ]);
    const web = doc.traceEvents.filter(
      (e: { ph: string; args?: { call?: string } }) => e.ph === 'b' && e.args?.call === 'web',
    )[0];
    expect(web).toMatchObject({ name: 'web_search', cat: 'tool', pid: 1 });
    // The process is named after the run, so the viewer shows it.
    expect(doc.traceEvents[0]).toMatchObject({
      ph: 'M',
      name: 'process_name',
      args: { name: 'run impatient' },
    });
  });

  it('the checker itself rejects broken traces', () => {
    expect(
      traceEventViolations({
        traceEvents: [{ ph: 'b', name: 'x', cat: 'c', id: '1', pid: 1, tid: 1, ts: 5 }],
      }),
    ).toEqual(['async slice 1|c|1|x never ends']);
    expect(
      traceEventViolations({
        traceEvents: [{ ph: 'X', name: 'x', cat: 'c', pid: 1, tid: 1, ts: 0, dur: -1 }],
      }),
    ).toContain('traceEvents[0].dur');
  });
});
