import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TimelineColumns } from '../model/timeline-columns.ts';

/** The worker's `open` answers, released by the test. */
const opened: { run: string; resolve: (c: TimelineColumns) => void }[] = [];
vi.mock('../io/trace-worker-client.ts', () => ({
  traceWorker: () => ({
    open: (run: string) => new Promise<TimelineColumns>((resolve) => opened.push({ run, resolve })),
  }),
}));

// Activating a run leaves replay, which cancels its animation frame.
vi.stubGlobal('cancelAnimationFrame', () => {});

const { appStore } = await import('../model/app-store.ts');
const { loadExample } = await import('../testing/load-example.ts');
const { fetchRun, newFileLoaded } = await import('./fetch-run.ts');
const { putLoadedFile } = await import('./put-runs.ts');
const { activateRun } = await import('./selection.ts');

const a = loadExample('impatient-loop').cols;
const b = loadExample('lost-update').cols;
const c = loadExample('stale-read').cols;

beforeEach(() => {
  opened.length = 0;
  newFileLoaded();
  putLoadedFile([a.run, b.run, c.run], a, {});
});

describe('opening a run of the loaded file', () => {
  it('asks the worker once for a run not held yet, and not at all for one held', async () => {
    expect(await fetchRun(a.run)).toBe(a);
    const p1 = fetchRun(b.run);
    const p2 = fetchRun(b.run);
    expect(opened.map((o) => o.run)).toEqual([b.run]);
    opened[0]!.resolve(b);
    expect(await p1).toBe(b);
    expect(await p2).toBe(b);
    expect(appStore.getState().runs[b.run]).toBe(b);
    expect(appStore.getState().runCounts[b.run]).toBeDefined();
    expect(await fetchRun('not-a-run')).toBeNull();
    expect(opened).toHaveLength(1);
  });

  it('shows the run only once its columns are there, and the last pick wins', async () => {
    const first = activateRun(b.run);
    const second = activateRun(c.run);
    expect(appStore.getState().activeRun).toBe(a.run);
    opened.find((o) => o.run === c.run)!.resolve(c);
    await second;
    expect(appStore.getState().activeRun).toBe(c.run);
    opened.find((o) => o.run === b.run)!.resolve(b);
    await first;
    expect(appStore.getState().activeRun).toBe(c.run);
  });

  it("drops an older file's run that arrives after a new file was loaded", async () => {
    const p = fetchRun(b.run);
    newFileLoaded();
    putLoadedFile([c.run, b.run], c, {});
    opened[0]!.resolve(b);
    expect(await p).toBeNull();
    expect(appStore.getState().runs[b.run]).toBeUndefined();
  });
});
