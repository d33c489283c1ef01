import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceText, type TraceEvent } from '@causelane/trace-schema';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JsonlFileSink } from './sinks/jsonl-file-sink.ts';
import { MemorySink } from './sinks/memory-sink.ts';
import type { SinkAck, TraceSink } from './sinks/trace-sink.ts';
import { Tracer, TraceSinkError } from './tracer.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('Tracer', () => {
  it('stamps v, run, a per-run monotonic seq and wall-clock t', async () => {
    const sink = new MemorySink();
    let now = 1000;
    const tracer = new Tracer({ run: 'r1', sinks: [sink], now: () => now++ });
    tracer.emit({ type: 'run.start', mode: 'causal' });
    tracer.emit({ type: 'llm.request', turn: 1 });
    tracer.emit({ type: 'run.end', status: 'ok' });
    await tracer.close();
    expect(sink.events.map((e) => [e.v, e.run, e.seq, e.t, e.type])).toEqual([
      [1, 'r1', 0, 1000, 'run.start'],
      [1, 'r1', 1, 1001, 'llm.request'],
      [1, 'r1', 2, 1002, 'run.end'],
    ]);
  });

  it('writes in batches, never one sink call per event, and keeps order', async () => {
    const batches: number[] = [];
    const sink = new MemorySink((b) => batches.push(b.length));
    const tracer = new Tracer({ sinks: [sink], batchSize: 10, flushIntervalMs: 10_000 });
    for (let i = 0; i < 25; i++) tracer.emit({ type: 'llm.request', turn: i + 1 });
    expect(batches).toEqual([]); // emit() never writes synchronously
    await tracer.flush();
    expect(batches).toEqual([10, 10, 5]);
    expect(sink.events.map((e) => e.seq)).toEqual([...Array(25).keys()]);
  });

  it('flushes a partial batch after the interval without an explicit flush', async () => {
    const sink = new MemorySink();
    const tracer = new Tracer({ sinks: [sink], flushIntervalMs: 5 });
    tracer.emit({ type: 'run.start' });
    await new Promise((r) => setTimeout(r, 40));
    expect(sink.events).toHaveLength(1);
    await tracer.close();
  });

  it('never calls a sink concurrently', async () => {
    let active = 0;
    let maxActive = 0;
    const slow: TraceSink = {
      async write(batch): Promise<SinkAck> {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        return { stored: batch.length, duplicates: 0 };
      },
      flush: async () => {},
      close: async () => {},
    };
    const tracer = new Tracer({ sinks: [slow], batchSize: 2 });
    for (let i = 0; i < 10; i++) tracer.emit({ type: 'llm.request', turn: i + 1 });
    await tracer.close();
    expect(maxActive).toBe(1);
  });

  it('reports a failing sink at flush, naming the run', async () => {
    const broken: TraceSink = {
      write: async () => {
        throw new Error('disk full');
      },
      flush: async () => {},
      close: async () => {},
    };
    const tracer = new Tracer({ run: 'r-broken', sinks: [broken] });
    tracer.emit({ type: 'run.start' });
    await expect(tracer.flush()).rejects.toThrow('trace sink failed for run r-broken: disk full');
  });

  it('keeps writing the other sinks after one fails, and reports what the failed one misses', async () => {
    const broken: TraceSink = {
      write: async () => {
        throw new Error('disk full');
      },
      flush: async () => {},
      close: async () => {},
    };
    const sink = new MemorySink();
    const tracer = new Tracer({ run: 'r-half', sinks: [broken, sink], batchSize: 3 });
    for (let i = 0; i < 7; i++) tracer.emit({ type: 'llm.request', turn: i + 1 });
    await expect(tracer.close()).rejects.toThrow(
      'trace sink failed for run r-half: disk full (sink 0: 7 of 7 events not acknowledged)',
    );
    expect(sink.events.map((e) => e.seq)).toEqual([...Array(7).keys()]);
  });

  it('never lets a sink that stops answering hold up the others or close() for ever', async () => {
    let closed = false;
    const stuck: TraceSink = {
      write: () => new Promise<SinkAck>(() => {}), // a collector that never acks
      flush: () => new Promise<void>(() => {}),
      close: async () => {
        closed = true;
      },
    };
    const sink = new MemorySink();
    const tracer = new Tracer({ run: 'r-stuck', sinks: [stuck, sink], batchSize: 2, flushTimeoutMs: 30 });
    for (let i = 0; i < 9; i++) tracer.emit({ type: 'llm.request', turn: i + 1 });
    await new Promise((r) => setTimeout(r, 10));
    expect(sink.events).toHaveLength(8); // four full batches went out while the stuck sink sat on its first
    const err: unknown = await tracer.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TraceSinkError);
    expect((err as TraceSinkError).failures).toMatchObject([{ index: 0, unacknowledged: 9 }]);
    expect((err as Error).message).toContain('no ack within 30 ms');
    expect(sink.events).toHaveLength(9);
    expect(closed).toBe(true); // told to close anyway, so it can release its socket
  });

  it('bounds a sink whose close() never returns', async () => {
    const sink = new MemorySink();
    const hanging: TraceSink = {
      write: async (b) => ({ stored: b.length, duplicates: 0 }),
      flush: async () => {},
      close: () => new Promise<void>(() => {}),
    };
    const tracer = new Tracer({ run: 'r-hang', sinks: [sink, hanging], flushTimeoutMs: 20 });
    tracer.emit({ type: 'run.start' });
    await expect(tracer.close()).rejects.toThrow(
      'close did not finish within 20 ms (sink 1: 0 of 1 events not acknowledged)',
    );
  });

  it('bounds each sink by its own timeout: a slow file is waited for while a dead collector is given up on', async () => {
    const slow: TraceSink = {
      write: async (b) => {
        await new Promise((r) => setTimeout(r, 60));
        return { stored: b.length, duplicates: 0 };
      },
      flush: async () => {},
      close: async () => {},
    };
    const dead: TraceSink = {
      write: () => new Promise<SinkAck>(() => {}),
      flush: () => new Promise<void>(() => {}),
      close: async () => {},
    };
    const tracer = new Tracer({
      run: 'r-timed',
      sinks: [
        { sink: slow, timeoutMs: Number.POSITIVE_INFINITY },
        { sink: dead, timeoutMs: 10 },
      ],
      flushTimeoutMs: 1, // the default, for sinks without their own: neither here
    });
    tracer.emit({ type: 'run.start' });
    const err: unknown = await tracer.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TraceSinkError);
    expect((err as TraceSinkError).failures).toMatchObject([{ index: 1, sink: dead, unacknowledged: 1 }]);
    expect((err as Error).message).toContain('no ack within 10 ms');
  });

  it('gives flush and close of one sink a single deadline, not one each', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const stuck: TraceSink = {
        write: () => new Promise<SinkAck>(() => {}),
        flush: () => new Promise<void>(() => {}),
        close: () => new Promise<void>(() => {}),
      };
      const tracer = new Tracer({ run: 'r-deadline', sinks: [{ sink: stuck, timeoutMs: 1000 }] });
      tracer.emit({ type: 'run.start' });
      let settled = false;
      const closing = tracer.close().then(
        () => {},
        () => {},
      );
      void closing.then(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(999);
      expect(settled).toBe(false);
      // A few ms for the close() that is still started (and given what is left: nothing) at the deadline.
      await vi.advanceTimersByTimeAsync(5);
      expect(settled).toBe(true); // before: another 1000 ms for close()
      await closing;
    } finally {
      vi.useRealTimers();
    }
  });

  it('forgives a sink that was only late: every event acked and close() resolved', async () => {
    // Acks its writes only when closed (a sink that batches until the end).
    const waiting: (() => void)[] = [];
    const lazy: TraceSink = {
      write: (b) =>
        new Promise<SinkAck>((resolve) => waiting.push(() => resolve({ stored: b.length, duplicates: 0 }))),
      flush: () => new Promise<void>(() => {}),
      close: async () => {
        for (const ack of waiting.splice(0)) ack();
      },
    };
    const tracer = new Tracer({ run: 'r-late', sinks: [lazy], flushTimeoutMs: 10 });
    tracer.emit({ type: 'run.start' });
    tracer.emit({ type: 'run.end', status: 'ok' });
    await expect(tracer.close()).resolves.toBeUndefined();
  });

  it('still reports a late sink that is missing events after close()', async () => {
    const lazy: TraceSink = {
      write: () => new Promise<SinkAck>(() => {}),
      flush: async () => {},
      close: async () => {},
    };
    const tracer = new Tracer({ run: 'r-lost', sinks: [lazy], flushTimeoutMs: 10 });
    tracer.emit({ type: 'run.start' });
    await expect(tracer.close()).rejects.toThrow(
      'no ack within 10 ms (sink 0: 1 of 1 events not acknowledged)',
    );
  });

  it('drops and counts what is emitted after close, without throwing', async () => {
    const sink = new MemorySink();
    const tracer = new Tracer({ run: 'r', sinks: [sink] });
    tracer.emit({ type: 'run.start' });
    await tracer.close();
    expect(tracer.emit({ type: 'run.end' })).toBeUndefined();
    expect(tracer.droppedAfterClose).toBe(1);
    expect(tracer.emitted).toBe(1);
    expect(sink.events).toHaveLength(1);
  });

  it('MemorySink drops an exact resend of (run, seq)', async () => {
    const sink = new MemorySink();
    const e: TraceEvent = { v: 1, run: 'r', seq: 0, t: 1, type: 'run.start' };
    expect(await sink.write([e])).toEqual({ stored: 1, duplicates: 0 });
    expect(await sink.write([e])).toEqual({ stored: 0, duplicates: 1 });
    expect(sink.events).toHaveLength(1);
  });
});

describe('JsonlFileSink', () => {
  it('writes a valid JSONL trace that the reader accepts, creating the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causelane-sink-'));
    dirs.push(dir);
    const path = join(dir, 'runs', 'a.jsonl');
    const tracer = new Tracer({ run: 'file-run', sinks: [new JsonlFileSink(path)], batchSize: 3 });
    tracer.emit({ type: 'run.start', mode: 'naive' });
    tracer.emit({ type: 'llm.request', turn: 1 });
    tracer.emit({ type: 'llm.response', turn: 1, calls: [{ id: 'c1', name: 'x', args: { a: 1 } }] });
    tracer.emit({ type: 'run.end', status: 'ok' });
    await tracer.close();
    const parsed = readTraceText(readFileSync(path, 'utf8'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.runs.get('file-run')?.map((e) => e.type)).toEqual([
      'run.start',
      'llm.request',
      'llm.response',
      'run.end',
    ]);
  });
});
