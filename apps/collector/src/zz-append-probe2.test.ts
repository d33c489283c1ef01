import { recordAgentOtlp, type AgentScript } from '@causelane/importers/testing';
import { otlpGenAiSpans, runOfSpans, spansToEvents } from '@causelane/importers';
import { analyzeRuns } from '@causelane/analysis';
import { it } from 'vitest';

it('probe2', async () => {
  const turns: AgentScript['turns'] = [];
  let t = 0;
  for (let k = 0; k < 400; k++) {
    const prev = turns.at(-1);
    turns.push({ start: t, end: t + 5, calls: [{ id: `a${k}`, name: 'search', start: t + 6, end: t + 9 }, { id: `b${k}`, name: 'calc', start: t + 6, end: t + 8 }], results: prev ? prev.calls.map((c) => c.id) : undefined });
    t += 12;
  }
  const full = recordAgentOtlp({ conversationId: 'long', turns }) as any;
  const spans = otlpGenAiSpans([full]);
  const bodies = spans.map((s) => JSON.stringify(s));
  let t0 = performance.now();
  for (let i = 0; i < 5; i++) bodies.map((b) => JSON.parse(b));
  console.log('parse', ((performance.now() - t0) / 5).toFixed(1));
  t0 = performance.now();
  for (let i = 0; i < 5; i++) runOfSpans(spans);
  console.log('runOfSpans', ((performance.now() - t0) / 5).toFixed(1));
  t0 = performance.now();
  let ev: any[] = [];
  for (let i = 0; i < 5; i++) ev = spansToEvents('long', spans, { source: 'otlp' });
  console.log('spansToEvents', ((performance.now() - t0) / 5).toFixed(1), ev.length);
  t0 = performance.now();
  for (let i = 0; i < 5; i++) ev.map((e) => JSON.stringify(e));
  console.log('stringify', ((performance.now() - t0) / 5).toFixed(1));
  t0 = performance.now();
  for (let i = 0; i < 3; i++) analyzeRuns(new Map([['long', ev]]));
  console.log('analyze', ((performance.now() - t0) / 3).toFixed(1));
}, 600_000);
