import { afterEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '../model/app-store.ts';
import { refreshRunList, setRunListQuery } from './run-list.ts';

const run = (id: string) => ({
  id,
  agent: null,
  mode: null,
  status: 'ok',
  start: 1,
  end: 2,
  events: 1,
  anomalies: { error: 0, warning: 0, info: 0 },
});

/** A fetch whose answers the test releases one by one; it records the URLs asked for. */
function controlledFetch() {
  const asked: string[] = [];
  const pending: ((ids: string[]) => void)[] = [];
  const fetch = vi.fn((url: string) => {
    asked.push(url);
    return new Promise<Response>((resolve) => {
      pending.push((ids) => resolve(new Response(JSON.stringify({ runs: ids.map(run), next: null }))));
    });
  });
  return { asked, pending, fetch };
}

afterEach(() => vi.unstubAllGlobals());

describe('run list refresh', () => {
  it('coalesces refreshes asked while one is in flight, so a busy collector still gets its list shown', async () => {
    vi.stubGlobal('sessionStorage', { getItem: () => null });
    const f = controlledFetch();
    vi.stubGlobal('fetch', f.fetch);
    const first = refreshRunList();
    for (let i = 0; i < 5; i++) void refreshRunList();
    expect(f.asked).toHaveLength(1);
    f.pending.shift()!(['old']);
    await vi.waitFor(() => expect(f.asked).toHaveLength(2));
    f.pending.shift()!(['old', 'new']);
    await first;
    expect(appStore.getState().runList.map((r) => r.id)).toEqual(['old', 'new']);
    expect(f.asked).toHaveLength(2);
  });

  it('drops an answer for a search the user has since changed', async () => {
    vi.stubGlobal('sessionStorage', { getItem: () => null });
    const f = controlledFetch();
    vi.stubGlobal('fetch', f.fetch);
    const done = setRunListQuery('alpha');
    void setRunListQuery('beta');
    f.pending.shift()!(['alpha-run']);
    await vi.waitFor(() => expect(f.asked).toHaveLength(2));
    expect(f.asked[1]).toContain('q=beta');
    f.pending.shift()!(['beta-run']);
    await done;
    expect(appStore.getState().runList.map((r) => r.id)).toEqual(['beta-run']);
  });
});
