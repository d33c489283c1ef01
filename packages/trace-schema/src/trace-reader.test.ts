import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deepEqual } from './deep-equal.ts';
import { traceEventJsonSchema } from './events.ts';
import { readTraceStream } from './read-trace-stream.ts';
import { CompactTraceReader, formatLineError, readTraceText, TraceReader } from './trace-reader.ts';

const ev = (seq: number, extra: Record<string, unknown> = {}, run = 'r') =>
  JSON.stringify({ v: 1, run, seq, t: 1000 + seq, type: 'llm.request', turn: 1, ...extra });

describe('TraceReader', () => {
  it('sorts each run by seq and keeps runs in order of first appearance', () => {
    const text = [ev(2), ev(0, {}, 'b'), ev(0), ev(1)].join('\n');
    const { runs, errors } = readTraceText(text);
    expect(errors).toEqual([]);
    expect([...runs.keys()]).toEqual(['r', 'b']);
    expect(runs.get('r')!.map((e) => e.seq)).toEqual([0, 1, 2]);
  });

  it('drops exact repeats, even with other key order, and counts them', () => {
    const a = ev(0);
    const reordered = JSON.stringify({ type: 'llm.request', turn: 1, t: 1000, seq: 0, run: 'r', v: 1 });
    const { runs, errors, duplicates } = readTraceText([a, ev(1), a, reordered].join('\n'));
    expect(errors).toEqual([]);
    expect(duplicates).toBe(2);
    expect(runs.get('r')).toHaveLength(2);
  });

  it('rejects a conflicting repeat of (run, seq) naming both lines', () => {
    const { errors } = readTraceText([ev(0), ev(1), ev(0, { turn: 2 })].join('\n'));
    expect(errors).toHaveLength(1);
    expect(formatLineError('t.jsonl', errors[0]!)).toBe(
      't.jsonl:3: field seq: run "r" seq 0 repeats line 1 with different content',
    );
  });

  it('reports every bad line with its number and field, ignoring blank lines', () => {
    const text = [ev(0), '', '{not json', ev(1, { turn: 'x' }), '   ', JSON.stringify({ v: 1 })].join('\r\n');
    const { errors } = readTraceText(text);
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [3, '(line)'],
      [4, 'turn'],
      [6, 'type'],
    ]);
    expect(errors[0]!.message).toMatch(/not valid JSON/);
  });

  it('caps collected errors but keeps counting', () => {
    const r = new TraceReader({ maxErrors: 2 });
    r.push('x\ny\nz\n');
    const res = r.finish();
    expect(res.errors).toHaveLength(2);
    expect(r.errorTotal).toBe(3);
  });

  it('handles lines split across chunks, a BOM, CRLF and a missing final newline', async () => {
    const text = `\ufeff${ev(1)}\r\n${ev(0)}`;
    const bytes = new TextEncoder().encode(text);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    const seen: number[] = [];
    const res = await readTraceStream(chunks(), { onProgress: (b) => seen.push(b) });
    expect(res.errors).toEqual([]);
    expect(res.runs.get('r')!.map((e) => e.seq)).toEqual([0, 1]);
    expect(seen[seen.length - 1]).toBe(bytes.length);
  });

  it('keeps multi-byte characters intact across chunk boundaries', async () => {
    const text = ev(0, { note: 'héllo ✓ 日本' });
    const bytes = new TextEncoder().encode(text);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
    }
    const res = await readTraceStream(chunks());
    expect((res.runs.get('r')![0] as unknown as { note: string }).note).toBe('héllo ✓ 日本');
  });
});

describe('CompactTraceReader', () => {
  const read = (text: string, hashRepeats?: boolean) => {
    const r = new CompactTraceReader({ hashRepeats });
    r.push(text);
    return r.finish();
  };
  it('keeps what analysis needs in columns, sorted, and rebuilds events on demand', () => {
    const end = JSON.stringify({
      v: 1,
      run: 'r',
      seq: 1,
      t: 5,
      type: 'tool.end',
      turn: 2,
      call: 'a',
      ok: true,
      result: 'big',
      writes: [{ key: 'k', version: 3 }],
    });
    const { runs, errors } = read([end, ev(0)].join('\n'));
    expect(errors).toEqual([]);
    const run = runs.get('r')!;
    expect([run.seq(0), run.seq(1)]).toEqual([0, 1]);
    expect(run.line(1)).toBe(1);
    expect(run.event(1)).toMatchObject({
      type: 'tool.end',
      turn: 2,
      call: 'a',
      ok: true,
      writes: [{ key: 'k', version: 3 }],
    });
    expect(run.event(1)).not.toHaveProperty('result', 'big');
  });
  it('drops byte-identical resends by hash, and reports a repeat with other bytes', () => {
    const a = ev(0);
    expect(read([a, ev(1), a].join('\n'))).toMatchObject({ errors: [], duplicates: 1 });
    const reordered = JSON.stringify({ type: 'llm.request', turn: 1, t: 1000, seq: 0, run: 'r', v: 1 });
    expect(read([a, reordered].join('\n')).errors).toEqual([
      { line: 2, field: 'seq', message: 'run "r" seq 0 repeats line 1 with different content', repeatOf: 1 },
    ]);
  });
  it('lets a caller that keeps the text decide exactly, ignoring key order', () => {
    const a = ev(0);
    const reordered = JSON.stringify({ type: 'llm.request', turn: 1, t: 1000, seq: 0, run: 'r', v: 1 });
    const changed = ev(0, { turn: 2 });
    const text = [a, ev(1), reordered, changed];
    const r = new CompactTraceReader({
      sameContent: (x, y) => deepEqual(JSON.parse(text[x - 1]!), JSON.parse(text[y - 1]!)),
    });
    r.push(text.join('\n'));
    const res = r.finish();
    expect(res.duplicates).toBe(1);
    expect(res.errors.map((e) => [e.line, e.repeatOf])).toEqual([[4, 1]]);
    expect(res.runs.get('r')!.length).toBe(2);
  });
  it('without hashing, reports every repeat of a seq for the caller to decide', () => {
    const a = ev(0);
    const res = read([a, ev(1), a].join('\n'), false);
    expect(res.errors.map((e) => [e.line, e.repeatOf])).toEqual([[3, 1]]);
  });
});

describe('deepEqual', () => {
  it('compares JSON structurally', () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
  });
});

describe('docs/trace-format-v1.schema.json', () => {
  it('is in sync with the TypeBox definitions (regenerate with pnpm --filter @causelane/trace-schema schema)', () => {
    const onDisk = JSON.parse(
      readFileSync(new URL('../../../docs/trace-format-v1.schema.json', import.meta.url), 'utf8'),
    );
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(traceEventJsonSchema)));
  });
});
