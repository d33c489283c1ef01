// Exports are checked against the Trace Event Format's structure (the JSON Object Format with
// traceEvents; complete 'X', flow 's'/'f' bound to enclosing slices, instant 'i', metadata 'M').
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeRuns } from '@causelane/analysis';
import { synthesizeRun } from '@causelane/analysis/testing';
import { readTraceText } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { CALLS_TID, chromeTraceJson, chromeTraceRuns, toChromeTrace } from './chrome-trace.ts';

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
    if (typeof e.ph !== 'string' || !'XBEbeinMsf'.includes(e.ph)) bad.push(`${at}.ph ${String(e.ph)}`);
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
  bad.push(...flowViolations(d.traceEvents));
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

/**
 * Flow events: each id has one 's' and one later (or equal) 'f', both with `bp: "e"`, and each sits
 * inside a complete slice of its own thread, the slice Perfetto binds the arrow's end to.
 */
function flowViolations(events: Record<string, unknown>[]): string[] {
  const bad: string[] = [];
  const slices = new Map<string, { ts: number; end: number }[]>();
  for (const e of events) {
    if (e.ph !== 'X') continue;
    const k = `${e.pid}|${e.tid}`;
    slices.set(k, [
      ...(slices.get(k) ?? []),
      { ts: e.ts as number, end: (e.ts as number) + (e.dur as number) },
    ]);
  }
  const starts = new Map<unknown, number>();
  const ends = new Map<unknown, number>();
  events.forEach((e, i) => {
    if (e.ph !== 's' && e.ph !== 'f') return;
    const at = `traceEvents[${i}]`;
    if (typeof e.id !== 'number' && typeof e.id !== 'string') bad.push(`${at}.id`);
    if (e.bp !== 'e') bad.push(`${at}.bp`);
    const ts = e.ts as number;
    const inside = (slices.get(`${e.pid}|${e.tid}`) ?? []).some((s) => s.ts <= ts && ts <= s.end);
    if (!inside) bad.push(`${at}: flow ${e.ph} at ${ts} is inside no slice of its thread`);
    const seen = e.ph === 's' ? starts : ends;
    if (seen.has(e.id)) bad.push(`${at}: flow ${String(e.id)} has two '${e.ph}'`);
    seen.set(e.id, ts);
  });
  for (const [id, ts] of starts) {
    const end = ends.get(id);
    if (end === undefined) bad.push(`flow ${String(id)} never finishes`);
    else if (end < ts) bad.push(`flow ${String(id)} finishes before it starts`);
  }
  for (const id of ends.keys()) if (!starts.has(id)) bad.push(`flow ${String(id)} finishes but never starts`);
  return bad;
}

type Doc = { traceEvents: Record<string, unknown>[] };

function exportExample(name: string) {
  const { runs } = readTraceText(readFileSync(`${examples}${name}.jsonl`, 'utf8'));
  const report = analyzeRuns(runs);
  return {
    runs,
    report,
    doc: JSON.parse(JSON.stringify(toChromeTrace(runs, report.anomalies))) as Doc & Record<string, unknown>,
  };
}

/** The flows of a trace as `name: from call -> to thread/turn`, read off the slices they bind to. */
function flowsOf(doc: Doc): string[] {
  const ev = doc.traceEvents;
  const sliceAt = (pid: unknown, tid: unknown, ts: number) =>
    ev
      .filter((e) => e.ph === 'X' && e.pid === pid && e.tid === tid)
      .filter((e) => (e.ts as number) <= ts && ts <= (e.ts as number) + (e.dur as number))
      .sort((a, b) => (b.ts as number) - (a.ts as number) || (a.dur as number) - (b.dur as number))[0];
  const starts = new Map(ev.filter((e) => e.ph === 's').map((e) => [e.id, e]));
  return ev
    .filter((e) => e.ph === 'f')
    .map((f) => {
      const s = starts.get(f.id)!;
      const from = sliceAt(s.pid, s.tid, s.ts as number);
      const to = sliceAt(f.pid, f.tid, f.ts as number);
      const target = to?.cat === 'llm' ? `model ${(to.args as { turn: number }).turn}` : to?.name;
      return `${f.name}: ${(from?.args as { call?: string })?.call} -> ${target}`;
    });
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
      expect(events.filter((e) => e.ph === 'X' && e.cat === 'tool')).toHaveLength(
        new Set(started.map((e) => `${e.run}|${e.call}`)).size,
      );
      expect(events.filter((e) => e.ph === 'i').map((e) => e.args?.type)).toEqual(
        report.anomalies.map((a) => a.type),
      );
    });
  }

  it('puts the impatient loop anomalies where they happen', () => {
    const { doc } = exportExample('impatient-loop');
    const instants = doc.traceEvents.filter((e) => e.ph === 'i');
    expect(instants.map((e) => e.name)).toEqual(['error: Premature model call', 'error: Late commit']);
    const web = doc.traceEvents.filter(
      (e) => e.ph === 'X' && (e.args as { call?: string } | undefined)?.call === 'web',
    )[0];
    expect(web).toMatchObject({ name: 'web_search', cat: 'tool', pid: 1 });
    // The process is named after the run, so the viewer shows it.
    expect(doc.traceEvents[0]).toMatchObject({
      ph: 'M',
      name: 'process_name',
      args: { name: 'run impatient' },
    });
  });

  it('draws flow arrows for commits, late commits and late results (Perfetto flow events)', () => {
    // impatient-loop: calc's result reaches turn 2's request; web's commit lands late, in turn 2.
    expect(flowsOf(exportExample('impatient-loop').doc).sort()).toEqual([
      'late commit: web -> turn 2',
      'result → model: calc -> model 2',
    ]);
    // stale-read: both results reach turn 2's model request, the stale one included.
    expect(flowsOf(exportExample('stale-read').doc).sort()).toEqual([
      'result → model: call_check -> model 2',
      'result → model: call_restock -> model 2',
    ]);
    // causal-timeout: the timed-out call's result arrives after the turn moved on, as an orphan.
    expect(flowsOf(exportExample('causal-timeout').doc)).toContain('late result: web -> turn 2');
  });

  it('streams the same trace as JSON chunks, with progress up to every event', () => {
    const { runs, report } = exportExample('impatient-loop');
    const progress: [number, number][] = [];
    const chunks = [
      ...chromeTraceJson(chromeTraceRuns(runs), report.anomalies, {
        chunkEvents: 3,
        onProgress: (done, total) => progress.push([done, total]),
      }),
    ];
    expect(chunks.length).toBeGreaterThan(4);
    expect(JSON.parse(chunks.join(''))).toEqual(
      JSON.parse(JSON.stringify(toChromeTrace(runs, report.anomalies))),
    );
    expect(progress.at(-1)).toEqual([12, 12]);
    expect(progress.every(([d], i) => i === 0 || d >= progress[i - 1]![0])).toBe(true);
  });

  it('packs overlapping calls onto separate threads, and stays linear on many turns', () => {
    const events = synthesizeRun({ seed: 3, turns: 4000, maxCalls: 6 });
    const runs = new Map([[events[0]!.run, events]]);
    const doc = toChromeTrace(runs);
    expect(traceEventViolations(JSON.parse(JSON.stringify(doc)))).toEqual([]);
    const turns = new Set(events.filter((e) => e.type === 'llm.request').map((e) => e.turn)).size;
    expect(turns).toBeGreaterThanOrEqual(4000);
    expect(doc.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'turn')).toHaveLength(turns);
    expect(doc.traceEvents.some((e) => e.ph === 'M' && e.tid === CALLS_TID + 1)).toBe(true);
  });

  it('the checker itself rejects broken traces', () => {
    expect(
      traceEventViolations({
        traceEvents: [
          { ph: 'X', name: 'x', cat: 'c', pid: 1, tid: 1, ts: 0, dur: 5 },
          { ph: 's', name: 'f', cat: 'c', id: 1, bp: 'e', pid: 1, tid: 1, ts: 2 },
          { ph: 'f', name: 'f', cat: 'c', id: 1, bp: 'e', pid: 1, tid: 2, ts: 3 },
          { ph: 's', name: 'g', cat: 'c', id: 2, pid: 1, tid: 1, ts: 4 },
        ],
      }),
    ).toEqual([
      'traceEvents[2]: flow f at 3 is inside no slice of its thread',
      'traceEvents[3].bp',
      'flow 2 never finishes',
    ]);
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
