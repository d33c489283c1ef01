import { describe, expect, it } from 'vitest';
import { appStore } from '../model/app-store.ts';
import { loadExample } from '../testing/load-example.ts';
import { putFileRun, putLoadedFile, putRunCounts, putRuns } from './put-runs.ts';

const get = appStore.getState;

describe('a loaded file in the store', () => {
  it('holds every run in order, only the active one analyzed; the others have no count until theirs arrive', () => {
    const { cols } = loadExample('impatient-loop');
    let writes = 0;
    const stop = appStore.subscribe(() => writes++);
    const ids = Array.from({ length: 2000 }, (_, i) => (i === 5 ? cols.run : `r${i}`));
    putLoadedFile(ids, cols, { sourceName: 'many.jsonl' });
    stop();
    expect(writes).toBe(1);
    const s = get();
    expect(s.runOrder).toHaveLength(2000);
    expect(s.activeRun).toBe(cols.run);
    expect(Object.keys(s.runs)).toEqual([cols.run]);
    expect(Object.keys(s.windows)).toEqual([cols.run]);
    expect(s.runCounts[cols.run]!.error).toBeGreaterThan(0);
    expect(s.runCounts.r0).toBeUndefined();
    expect(s.analyzing).toEqual({ done: 1, total: 2000 });
    expect(s.sourceName).toBe('many.jsonl');

    putRunCounts({ summaries: [{ run: 'r0', error: 0, warning: 0, info: 0 }], done: 2, total: 2000 });
    expect(get().runCounts.r0).toEqual({ error: 0, warning: 0, info: 0 });
    expect(get().runCounts.r1).toBeUndefined();
    expect(get().analyzing).toEqual({ done: 2, total: 2000 });
    putRunCounts({ summaries: [{ run: 'r1', error: 2, warning: 1, info: 0 }], done: 2000, total: 2000 });
    expect(get().runCounts.r1).toEqual({ error: 2, warning: 1, info: 0 });
    expect(get().analyzing).toBeNull();
  });

  it("a single run's file shows no analysis under way", () => {
    const { cols } = loadExample('stale-read');
    putLoadedFile([cols.run], cols, {});
    expect(get().analyzing).toBeNull();
    expect(get().runOrder).toEqual([cols.run]);
  });

  it('a run opened later gets its columns and whole window without moving the others', () => {
    const a = loadExample('impatient-loop').cols;
    const b = loadExample('lost-update').cols;
    putLoadedFile([a.run, b.run], a, {});
    const w = get().windows[a.run];
    putFileRun(b);
    expect(Object.keys(get().runs).sort()).toEqual([a.run, b.run].sort());
    expect(get().windows[a.run]).toBe(w);
    expect(get().windows[b.run]).toBeDefined();
    expect(get().runOrder).toEqual([a.run, b.run]);
  });

  it("a live run of a file run's name takes its counts from its own columns", () => {
    const a = loadExample('impatient-loop').cols;
    putLoadedFile([a.run, 'other'], a, {});
    putRuns([{ ...a, anomalies: [] }], false);
    expect(get().runCounts[a.run]).toBeUndefined();
    expect(get().runOrder).toEqual([a.run, 'other']);
  });
});
