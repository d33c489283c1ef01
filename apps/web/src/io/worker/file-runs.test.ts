import { analyzeRuns } from '@causelane/analysis';
import { readCompactTraceStream, readTraceText, sameEventLine } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { LineStore } from '../../model/line-store.ts';
import { exampleText } from '../../testing/load-example.ts';
import type { SummaryBatch } from '../worker-protocol.ts';
import { FileRuns } from './file-runs.ts';

/** The four public examples in one file: runs guarded, impatient, edits, inventory (file order). */
const TEXT = ['causal-timeout', 'impatient-loop', 'lost-update', 'stale-read'].map(exampleText).join('');

async function fileRuns(text = TEXT): Promise<FileRuns> {
  const lines = new LineStore();
  const bytes = new TextEncoder().encode(text);
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096);
  }
  const read = await readCompactTraceStream(chunks(), {
    sameContent: (a, b) => sameEventLine(lines.text(a), lines.text(b)),
    onChunk: (c) => lines.push(c),
  });
  return new FileRuns(read.runs, lines);
}

/** A clock the test moves: each analyzed run "takes" `step` ms. */
function steppingClock(step: number) {
  let t = 0;
  return () => (t += step);
}

describe('FileRuns', () => {
  it('analyzes nothing until asked, then the asked run first, then the rest in file order', async () => {
    const f = await fileRuns();
    expect(f.order).toEqual(['guarded', 'impatient', 'edits', 'inventory']);
    expect(f.done).toBe(0);
    const { cols } = f.columns('edits');
    expect(cols.run).toBe('edits');
    expect(f.done).toBe(1);
    expect(f.isAnalyzed('guarded')).toBe(false);
    expect(f.next()).toBe('guarded');

    const batches: SummaryBatch[] = [];
    // A batch per run (batchMs 0): the order the background pass takes them shows.
    await f.analyzeRest({ pause: async () => {}, report: (b) => batches.push(b), batchMs: 0 });
    expect(batches.flatMap((b) => b.summaries.map((s) => s.run))).toEqual([
      'edits',
      'guarded',
      'impatient',
      'inventory',
    ]);
    expect(batches.map((b) => b.done)).toEqual([2, 3, 4, 4]);
    expect(batches.at(-1)).toEqual({ summaries: [], done: 4, total: 4 });
  });

  it("reports each run's counts as analyzeRuns (causelane analyze) gives them", async () => {
    const f = await fileRuns();
    const batches: SummaryBatch[] = [];
    await f.analyzeRest({ pause: async () => {}, report: (b) => batches.push(b) });
    const got = Object.fromEntries(
      batches.flatMap((b) => b.summaries).map(({ run, ...c }) => [run, c] as const),
    );
    const want = Object.fromEntries(
      analyzeRuns(readTraceText(TEXT).runs).runs.map((r) => [r.run, r.anomalies]),
    );
    expect(got).toEqual(want);
    expect(Object.values(want).some((c) => c.error + c.warning > 0)).toBe(true);
  });

  it('a run opened while the pass pauses is analyzed at once and not again', async () => {
    const f = await fileRuns();
    f.analyze('guarded');
    const order: string[] = [];
    let pauses = 0;
    await f.analyzeRest({
      pause: async () => {
        // The user opens the last run while the pass waits after its first slice.
        if (pauses++ === 0) f.columns('inventory');
      },
      report: (b) => order.push(...b.summaries.map((s) => s.run)),
      sliceMs: 1,
      batchMs: 0,
      now: steppingClock(1),
    });
    expect(order).toEqual(['guarded', 'impatient', 'inventory', 'edits']);
    expect(f.done).toBe(4);
  });

  it('pauses only once a slice of work is spent, and batches reports by time', async () => {
    const f = await fileRuns();
    f.analyze('guarded');
    let pauses = 0;
    const batches: SummaryBatch[] = [];
    await f.analyzeRest({
      pause: async () => {
        pauses++;
      },
      report: (b) => batches.push(b),
      sliceMs: 2,
      batchMs: 1000,
      now: steppingClock(1),
    });
    // The clock moves 1 ms per reading: a pause after every second run, one batch at the end.
    expect(pauses).toBe(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.summaries.map((s) => s.run)).toEqual(['guarded', 'impatient', 'edits', 'inventory']);
  });

  it('stops without a last batch once a newer file replaced it', async () => {
    const f = await fileRuns();
    let stop = false;
    const batches: SummaryBatch[] = [];
    await f.analyzeRest({
      pause: async () => {
        stop = true;
      },
      report: (b) => batches.push(b),
      stopped: () => stop,
      sliceMs: 0,
      batchMs: 1000,
    });
    expect(f.done).toBe(1);
    expect(batches).toEqual([]);
  });

  it('a run the file does not hold is an error, not an empty run', async () => {
    const f = await fileRuns();
    expect(() => f.analyze('nope')).toThrow('run "nope" is not in this file');
  });
});
