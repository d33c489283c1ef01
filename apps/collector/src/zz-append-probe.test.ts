import { recordAgentOtlp, type AgentScript } from '@causelane/importers/testing';
import { it } from 'vitest';
import { postOtlp } from './testing/otlp-requests.ts';
import { startTestCollector } from './testing/test-collector.ts';

it('probe', async () => {
  const turns: AgentScript['turns'] = [];
  let t = 0;
  for (let k = 0; k < 400; k++) {
    const prev = turns.at(-1);
    turns.push({ start: t, end: t + 5, calls: [{ id: `a${k}`, name: 'search', start: t + 6, end: t + 9 }, { id: `b${k}`, name: 'calc', start: t + 6, end: t + 8 }], results: prev ? prev.calls.map((c) => c.id) : undefined });
    t += 12;
  }
  const full = recordAgentOtlp({ conversationId: 'long', turns }) as any;
  const rs = full.resourceSpans[0];
  const spans = [...rs.scopeSpans[0].spans].sort((a: any, b: any) => Number(BigInt(a.endTimeUnixNano) - BigInt(b.endTimeUnixNano)));
  const c = await startTestCollector();
  const times: number[] = [];
  for (let i = 0; i < spans.length; i++) {
    const t0 = performance.now();
    const res = await postOtlp(c.url, { resourceSpans: [{ ...rs, scopeSpans: [{ ...rs.scopeSpans[0], spans: [spans[i]] }] }] });
    if (res.status !== 200) throw new Error(await res.text());
    times.push(performance.now() - t0);
  }
  const avg = (a: number[]) => (a.reduce((x, y) => x + y, 0) / a.length).toFixed(1);
  console.log('spans', spans.length, 'first50', avg(times.slice(0, 50)), 'last50', avg(times.slice(-50)));
  await c.dispose();
}, 600_000);
