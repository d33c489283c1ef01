// `pnpm bench` for the importers: OTLP JSON import against the cost of JSON.parse on the same text,
// measured in the same run, so the ratio stays meaningful on any machine.

import { importTraceText } from '../src/import-trace.ts';
import { type AgentScript, recordAgentOtlp } from '../src/testing/record-genai-agent.ts';

const TURNS = 400;
const CALLS = 4;
const script: AgentScript = { conversationId: 'bench', turns: [] };
for (let k = 0; k < TURNS; k++) {
  const t = k * 100;
  script.turns.push({
    start: t,
    end: t + 10,
    calls: Array.from({ length: CALLS }, (_, i) => ({
      id: `c${k}_${i}`,
      name: `tool${i}`,
      start: t + 11,
      end: t + 20 + i * 15,
    })),
    results: k === 0 ? [] : Array.from({ length: CALLS }, (_, i) => `c${k - 1}_${i}`),
  });
}
const text = JSON.stringify(recordAgentOtlp(script));

function best(fn: () => unknown, rounds = 7): number {
  let min = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

best(() => importTraceText(text), 2);
const parse = best(() => JSON.parse(text));
const imported = best(() => importTraceText(text));
const events = importTraceText(text).runs.get('bench')!.length;
const spans = TURNS * (CALLS + 1);
console.log(`OTLP import: ${spans} GenAI spans (${(text.length / 1e6).toFixed(1)} MB) -> ${events} events`);
console.log(
  `  JSON.parse baseline ${parse.toFixed(1)} ms, import ${imported.toFixed(1)} ms, ratio ${(imported / parse).toFixed(2)}x`,
);
console.log(`  ${Math.round(spans / (imported / 1000)).toLocaleString('en')} spans/s`);
