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

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const time = (fn: () => unknown): number => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Warm-up, then interleaved rounds: each round's ratio divides by the JSON.parse of the same round,
// so load from other processes cancels out; the median of those ratios is the figure.
importTraceText(text);
importTraceText(text);
const parses: number[] = [];
const imports: number[] = [];
const ratios: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const p = time(() => JSON.parse(text));
  const i = time(() => importTraceText(text));
  parses.push(p);
  imports.push(i);
  ratios.push(i / p);
}
const events = importTraceText(text).runs.get('bench')!.length;
const spans = TURNS * (CALLS + 1);
const ratio = median(ratios);
console.log(`OTLP import: ${spans} GenAI spans (${(text.length / 1e6).toFixed(1)} MB) -> ${events} events`);
console.log(
  `  JSON.parse baseline median ${median(parses).toFixed(1)} ms, import median ${median(imports).toFixed(1)} ms (${ROUNDS} interleaved rounds)`,
);
console.log(
  `  ratio import / JSON.parse: median ${ratio.toFixed(2)}x of ${ratios.map((x) => x.toFixed(2)).join(', ')} (goal <= 2x) ${ratio <= 2 ? 'MET' : 'NOT MET'}`,
);
console.log(`  ${Math.round(spans / (median(imports) / 1000)).toLocaleString('en')} spans/s`);
