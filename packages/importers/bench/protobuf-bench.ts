// `pnpm bench` for the OTLP transports, in one run so the ratios stay meaningful on any machine:
// OTLP JSON import against JSON.parse of the same text, and OTLP protobuf decode + import
// (importTraceBytes: decode, OTLP JSON shape, map, order) against the protobuf decode alone.
import root from 'otlp-transformer-protobuf/build/src/generated/root.js';
import { importTraceText } from '../src/import-trace.ts';
import { importTraceBytes } from '../src/import-trace-bytes.ts';
import { type AgentScript, recordAgentOtlp } from '../src/testing/record-genai-agent.ts';
import { recordAgentOtlpProtobuf } from '../src/testing/record-otlp-protobuf.ts';

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
const bytes = recordAgentOtlpProtobuf(script);
const request = (
  root as unknown as {
    opentelemetry: {
      proto: {
        collector: { trace: { v1: { ExportTraceServiceRequest: { decode(b: Uint8Array): unknown } } } };
      };
    };
  }
).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/** Median of interleaved rounds: each round times every measure once, so drift hits all alike. */
function medians(measures: Record<string, () => unknown>, rounds = 5): Record<string, number> {
  const times: Record<string, number[]> = {};
  for (const k of Object.keys(measures)) times[k] = [];
  for (let r = 0; r < rounds; r++)
    for (const [k, fn] of Object.entries(measures)) {
      const t0 = performance.now();
      fn();
      times[k]!.push(performance.now() - t0);
    }
  const out: Record<string, number> = {};
  for (const [k, list] of Object.entries(times))
    out[k] = list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  return out;
}

const pb = () => {
  const res = importTraceBytes(bytes, { source: 'bench.pb' });
  if (!res.ok) throw new Error(res.errors.join('\n'));
  return res;
};
// Warm-up, and a check that both encodings give the same events.
const fromJson = importTraceText(text).runs.get('bench')!;
const fromPb = pb().runs.get('bench')!;
if (fromJson.length !== fromPb.length) throw new Error('JSON and protobuf imports differ');
const m = medians({
  parse: () => JSON.parse(text),
  jsonImport: () => importTraceText(text),
  decode: () => request.decode(bytes),
  pbImport: pb,
});
const spans = TURNS * (CALLS + 1) + 1;
console.log(
  `OTLP transports: ${spans} spans -> ${fromPb.length} events; JSON ${(text.length / 1e6).toFixed(1)} MB, protobuf ${(bytes.length / 1e6).toFixed(1)} MB`,
);
console.log(
  `  JSON: JSON.parse ${m.parse!.toFixed(1)} ms, import ${m.jsonImport!.toFixed(1)} ms, ratio ${(m.jsonImport! / m.parse!).toFixed(2)}x`,
);
console.log(
  `  protobuf: decode ${m.decode!.toFixed(1)} ms, decode + import ${m.pbImport!.toFixed(1)} ms, ratio ${(m.pbImport! / m.decode!).toFixed(2)}x`,
);
console.log(`  protobuf decode + import vs JSON import: ${(m.pbImport! / m.jsonImport!).toFixed(2)}x`);
