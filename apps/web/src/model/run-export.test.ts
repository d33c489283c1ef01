import { analyzeModel, buildRunModel } from '@causelane/analysis';
import { synthesizeRun } from '@causelane/analysis/testing';
import type { ChromeTraceEvent } from '@causelane/exporters';
import { CompactTraceReader, readTraceText, type TraceEvent, toJsonl } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { exampleText } from '../testing/load-example.ts';
import { LineStore } from './line-store.ts';
import { type ExportSource, exportFileName, exportRun, exportStream } from './run-export.ts';

/** What the trace worker holds for a loaded file: compact runs plus the file's bytes (fed in small chunks). */
function loadLikeTheWorker(text: string): Map<string, ExportSource> {
  const reader = new CompactTraceReader();
  const lines = new LineStore();
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  for (let i = 0; i < bytes.length; i += 37) {
    lines.push(bytes.subarray(i, i + 37));
    reader.push(decoder.decode(bytes.subarray(i, i + 37), { stream: true }));
  }
  reader.push(decoder.decode());
  const out = new Map<string, ExportSource>();
  for (const [run, compact] of reader.finish().runs)
    out.set(run, { kind: 'lines', run, count: compact.length, lineOf: (i) => lines.text(compact.line(i)) });
  return out;
}

function anomaliesOf(run: string, events: readonly TraceEvent[]) {
  return analyzeModel(buildRunModel(run, events));
}

describe('exportRun: JSONL', () => {
  it("gives a loaded file's run back line for line, in seq order, repeats dropped", () => {
    const original = exampleText('impatient-loop').trimEnd().split('\n');
    const other = '{"v":1,"run":"other","seq":0,"t":1,"type":"run.start"}';
    // Shuffled, with another run's line and an exact repeat mixed in, and a CRLF line ending.
    const shuffled = [original[3]!, other, ...original.slice(4), original[0]!, original[1]!, original[2]!];
    const text = `${[...shuffled, original[5]!].join('\r\n')}\n`;
    const sources = loadLikeTheWorker(text);
    const run = JSON.parse(original[0]!).run as string;
    const out = exportRun(sources.get(run)!, 'jsonl', []);
    expect(out.fileName).toBe(`${run}.jsonl`);
    expect(out.mimeType).toBe('application/x-ndjson');
    const bySeq = [...original].sort((a, b) => JSON.parse(a).seq - JSON.parse(b).seq);
    expect(out.text).toBe(`${bySeq.join('\n')}\n`);
    expect(exportRun(sources.get('other')!, 'jsonl', []).text).toBe(`${other}\n`);
  });

  it('keeps args, results and meta: the export reads back as the same events', () => {
    // stale-read carries call args and a tool result; the added run.start meta is dropped by the
    // compact columns, so only the raw lines can give it back.
    const lines = exampleText('stale-read').trimEnd().split('\n');
    const start = { ...JSON.parse(lines[0]!), meta: { model: 'gpt-x', tags: ['a', 'b'] } };
    const text = `${[JSON.stringify(start), ...lines.slice(1)].join('\n')}\n`;
    const [run, read] = [...readTraceText(text).runs][0]!;
    expect(read.some((e) => e.type === 'tool.end' && e.result !== undefined)).toBe(true);
    expect(read.some((e) => e.type === 'llm.response' && e.calls.some((c) => c.args !== undefined))).toBe(
      true,
    );
    const fromFile = exportRun(loadLikeTheWorker(text).get(run)!, 'jsonl', []);
    expect(fromFile.text).toBe(text);
    expect(readTraceText(fromFile.text).runs.get(run)).toEqual(read);
    const live = exportRun({ kind: 'events', run, events: read }, 'jsonl', []);
    expect(readTraceText(live.text).runs.get(run)).toEqual(read);
  });

  it('writes nothing but the events of a live run, in seq order', () => {
    const events = synthesizeRun({ seed: 7, turns: 6, maxCalls: 3, faults: ['late-commit'] });
    const run = events[0]!.run;
    const out = exportRun({ kind: 'events', run, events }, 'jsonl', []);
    expect(out.text).toBe(toJsonl(events));
    expect(
      out.text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).seq),
    ).toEqual(events.map((e) => e.seq));
  });

  it('fails loudly when a line is missing instead of writing a short file', () => {
    const source: ExportSource = {
      kind: 'lines',
      run: 'r',
      count: 2,
      lineOf: (i) => (i === 0 ? '{}' : null),
    };
    expect(() => exportRun(source, 'jsonl', [])).toThrow('run "r": event 1 has no line to export');
  });
});

describe('exportRun: Chrome trace', () => {
  const text = exampleText('impatient-loop');
  const [run, events] = [...readTraceText(text).runs][0]!;
  const anomalies = anomaliesOf(run, events);

  it('has metadata, turn and call slices, flow arrows and one instant per anomaly', () => {
    const out = exportRun(loadLikeTheWorker(text).get(run)!, 'chrome', anomalies);
    expect(out.fileName).toBe(`${run}.trace.json`);
    expect(out.mimeType).toBe('application/json');
    const trace = JSON.parse(out.text) as { traceEvents: ChromeTraceEvent[] };
    const count = (ph: string) => trace.traceEvents.filter((e) => e.ph === ph).length;
    const started = new Set(events.filter((e) => e.type === 'tool.start').map((e) => e.call));
    const turns = new Set(events.filter((e) => e.type === 'llm.request').map((e) => e.turn));
    expect(anomalies.length).toBeGreaterThan(0);
    expect(count('M')).toBeGreaterThan(0);
    expect(count('X')).toBeGreaterThanOrEqual(turns.size);
    const calls = trace.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'tool');
    expect(calls).toHaveLength(started.size);
    expect(count('s')).toBe(count('f'));
    expect(count('s')).toBeGreaterThan(0);
    expect(count('i')).toBe(anomalies.length);
    const instants = trace.traceEvents.filter((e) => e.ph === 'i').map((e) => e.args.type);
    expect(instants.sort()).toEqual(anomalies.map((a) => a.type).sort());
    // Args come from the file's lines, not the compact columns (which drop them).
    const listed = new Map(
      events.flatMap((e) => (e.type === 'llm.response' ? e.calls.map((c) => [c.id, c.args] as const) : [])),
    );
    for (const c of calls) {
      if (c.ph !== 'X') continue;
      expect(c.args.args).toEqual(listed.get(c.args.call as string) ?? null);
    }
  });

  it('is the same for a live run holding the same events', () => {
    const fromFile = exportRun(loadLikeTheWorker(text).get(run)!, 'chrome', anomalies);
    const fromLive = exportRun({ kind: 'events', run, events }, 'chrome', anomalies);
    expect(fromLive.text).toBe(fromFile.text);
  });
});

describe('exportStream', () => {
  it('streams a loaded run from its compact model, args from the lines, with progress to the end', () => {
    const text = exampleText('stale-read');
    const [run, events] = [...readTraceText(text).runs][0]!;
    const source = loadLikeTheWorker(text).get(run)! as Extract<ExportSource, { kind: 'lines' }>;
    const reader = new CompactTraceReader();
    reader.push(text);
    const model = buildRunModel(run, reader.finish().runs.get(run)!);
    const progress: number[] = [];
    const s = exportStream({ ...source, model }, 'chrome', anomaliesOf(run, events), (d) => progress.push(d));
    const doc = JSON.parse([...s.chunks].join('')) as { traceEvents: ChromeTraceEvent[] };
    const check = doc.traceEvents.find((e) => e.ph === 'X' && e.args.call === 'call_check');
    expect(check && check.ph === 'X' && check.args.args).toEqual({ sku: 'A-1' });
    expect(progress.at(-1)).toBe(events.length);
    expect(exportRun({ ...source, model }, 'chrome', anomaliesOf(run, events)).text).toBe(
      exportRun({ kind: 'events', run, events }, 'chrome', anomaliesOf(run, events)).text,
    );
  });
});

describe('exportFileName', () => {
  it('names the file after the run, with characters file systems reject replaced', () => {
    expect(exportFileName('impatient', 'chrome')).toBe('impatient.trace.json');
    expect(exportFileName('a/b:c*?"<>|\\d', 'jsonl')).toBe('a_b_c_______d.jsonl');
    expect(exportFileName('..hidden', 'jsonl')).toBe('_hidden.jsonl');
    expect(exportFileName('', 'jsonl')).toBe('run.jsonl');
  });
});
