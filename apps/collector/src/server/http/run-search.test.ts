import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRun, startTestCollector, type TestCollector } from '../../testing/test-collector.ts';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector();
});
afterAll(async () => {
  await c.close();
});

const post = (events: unknown[]) =>
  fetch(`${c.url}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: `${events.map((e) => JSON.stringify(e)).join('\n')}\n`,
  });
const ids = async (query: string) =>
  (await (await fetch(`${c.url}/api/runs${query}`)).json()) as {
    runs: { id: string }[];
    next: string | null;
  };

describe('GET /api/runs?q=', () => {
  it('keeps runs whose id or agent holds the text, case-insensitively, and pages within them', async () => {
    for (const id of ['Alpha-1', 'alpha-2', 'beta-1']) expect((await post(sampleRun(id))).status).toBe(201);
    const agentRun = sampleRun('gamma-1').map((e) =>
      e.type === 'run.start' ? { ...e, agent: 'ALPHA-bot' } : e,
    );
    expect((await post(agentRun)).status).toBe(201);
    expect((await ids('?q=ALPHA')).runs.map((r) => r.id).sort()).toEqual(['Alpha-1', 'alpha-2', 'gamma-1']);
    const first = await ids('?q=alpha&limit=2');
    expect(first.runs).toHaveLength(2);
    const rest = await ids(`?q=alpha&limit=2&cursor=${encodeURIComponent(first.next!)}`);
    expect([...first.runs, ...rest.runs].map((r) => r.id).sort()).toEqual(['Alpha-1', 'alpha-2', 'gamma-1']);
    expect(rest.next).toBeNull();
    expect((await ids('?q=nothing-like-it')).runs).toEqual([]);
  });
  it('refuses an overlong search with a clear 400', async () => {
    const res = await fetch(`${c.url}/api/runs?q=${'x'.repeat(201)}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('q:');
  });
});
