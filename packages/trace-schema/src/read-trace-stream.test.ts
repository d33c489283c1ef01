import { describe, expect, it } from 'vitest';
import { readCompactTraceStream, readTraceStream } from './read-trace-stream.ts';

const line = (seq: number, extra = '') =>
  `{"v":1,"run":"r","seq":${seq},"t":${seq},"type":"llm.request","turn":1${extra}}\n`;

async function* bytes(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield new TextEncoder().encode(p);
}

describe('readCompactTraceStream hooks', () => {
  it('hands each raw chunk to onChunk before reading it, split lines included', async () => {
    const text = line(0) + line(1);
    const seen: Uint8Array[] = [];
    const res = await readCompactTraceStream(bytes(text.slice(0, 30), text.slice(30)), {
      onChunk: (c) => seen.push(c),
    });
    expect(seen.map((c) => new TextDecoder().decode(c)).join('')).toBe(text);
    expect(res.runs.get('r')?.length).toBe(2);
  });

  it('counts every bad line in errorTotal, past maxErrors', async () => {
    const res = await readCompactTraceStream(bytes('x\ny\nz\n', line(0)), { maxErrors: 1 });
    expect(res.errors.map((e) => e.line)).toEqual([1]);
    expect(res.errorTotal).toBe(3);
  });

  it('asks sameContent about a repeated seq instead of hashing', async () => {
    const asked: [number, number][] = [];
    const res = await readCompactTraceStream(bytes(line(0), line(0, ',"x":1')), {
      sameContent: (a, b) => {
        asked.push([a, b]);
        return false;
      },
    });
    expect(asked).toEqual([[1, 2]]);
    expect(res.errors[0]).toMatchObject({ line: 2, field: 'seq', repeatOf: 1 });
  });
});

describe('readTraceStream onEvent', () => {
  it('sees every valid event with its line, repeats included', async () => {
    const seen: [number, number][] = [];
    const res = await readTraceStream(bytes(line(0), 'bad\n', line(1), line(1)), {
      onEvent: (ev, n) => seen.push([ev.seq, n]),
    });
    expect(seen).toEqual([
      [0, 1],
      [1, 3],
      [1, 4],
    ]);
    expect(res.duplicates).toBe(1);
    expect(res.errorTotal).toBe(1);
  });
});
