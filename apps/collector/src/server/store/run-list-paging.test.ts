// `GET /api/runs` pages: `limit` and the `next` cursor walk every run once, newest first, and a bad
// limit or cursor is a 400 naming the parameter, never a 500.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sampleRun, startTestCollector, type TestCollector } from '../../testing/test-collector.ts';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector();
  for (let i = 0; i < 7; i++) {
    const body = sampleRun(`page-${i}`)
      .map((e) => JSON.stringify(e))
      .join('\n');
    expect((await fetch(`${c.url}/api/runs`, { method: 'POST', body })).status).toBe(201);
  }
});
afterAll(() => c.dispose());

type Page = { runs: { id: string }[]; next: string | null };

it('walks every run once, newest first, three at a time', async () => {
  const seen: string[] = [];
  let url = `${c.url}/api/runs?limit=3`;
  for (;;) {
    const page = (await (await fetch(url)).json()) as Page;
    expect(page.runs.length).toBeLessThanOrEqual(3);
    seen.push(...page.runs.map((r) => r.id));
    if (!page.next) break;
    url = `${c.url}/api/runs?limit=3&cursor=${encodeURIComponent(page.next)}`;
  }
  expect(seen).toEqual(['page-6', 'page-5', 'page-4', 'page-3', 'page-2', 'page-1', 'page-0']);
  const all = (await (await fetch(`${c.url}/api/runs`)).json()) as Page;
  expect(all.next).toBeNull();
  expect(all.runs.map((r) => r.id)).toEqual(seen);
});

it('answers a bad limit or cursor with 400 naming it', async () => {
  for (const [query, field] of [
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=999999', 'limit'],
    ['cursor=nonsense', 'cursor'],
  ] as const) {
    const res = await fetch(`${c.url}/api/runs?${query}`);
    expect(res.status, query).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(new RegExp(`^${field}: `));
  }
});
