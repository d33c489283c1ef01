// `pnpm bench` for the importers: OTLP JSON import against JSON.parse of the same text, on every
// shape of bench-shapes.ts, measured in the same run so the ratios stay meaningful on any machine.
import { loadavg } from 'node:os';
import { importTraceText } from '../src/import-trace.ts';
import { ratioRounds, selectedShapes, warmUp } from './bench-shapes.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const GOAL = 2;
let met = true;
console.log(`OTLP JSON import vs JSON.parse, median of ${ROUNDS} interleaved rounds (goal <= ${GOAL}x)`);
for (const shape of selectedShapes()) {
  const text = shape.record().json();
  const res = importTraceText(text);
  warmUp(() => importTraceText(text));
  let events = 0;
  for (const list of res.runs.values()) events += list.length;
  const r = ratioRounds(
    () => JSON.parse(text),
    () => importTraceText(text),
    ROUNDS,
  );
  const ok = r.ratio <= GOAL;
  met &&= ok;
  console.log(
    `  ${shape.name}: ${shape.about}; ${(text.length / 1e6).toFixed(1)} MB, ${res.runs.size} run(s), ${events} events`,
  );
  console.log(
    `    JSON.parse ${r.baseline.toFixed(1)} ms, import ${r.measured.toFixed(1)} ms; ratio ${r.ratio.toFixed(2)}x (rounds ${r.ratios.map((x) => x.toFixed(2)).join(', ')}; CPU time ${r.cpuRatio.toFixed(2)}x) ${ok ? 'MET' : 'NOT MET'}; load ${loadavg()[0]!.toFixed(2)}`,
  );
}
console.log(`  all shapes within ${GOAL}x: ${met ? 'MET' : 'NOT MET'}`);
