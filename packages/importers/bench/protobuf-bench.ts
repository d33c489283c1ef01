// `pnpm bench` for OTLP protobuf: importTraceBytes (decode, OTLP JSON shape, map, order) against the
// protobufjs decode of the same bytes alone (the official opentelemetry-proto code, the floor), on
// every shape of bench-shapes.ts; each shape also checks that JSON and protobuf give the same events.

import { loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import root from 'otlp-transformer-protobuf/build/src/generated/root.js';
import { importTraceText } from '../src/import-trace.ts';
import { importTraceBytes } from '../src/import-trace-bytes.ts';
import { ratioRounds, selectedShapes, warmUp } from './bench-shapes.ts';

const request = (
  root as unknown as {
    opentelemetry: {
      proto: {
        collector: { trace: { v1: { ExportTraceServiceRequest: { decode(b: Uint8Array): unknown } } } };
      };
    };
  }
).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
console.log(`OTLP protobuf import vs protobufjs decode alone, median of ${ROUNDS} interleaved rounds`);
for (const shape of selectedShapes()) {
  const rec = shape.record();
  const bytes = rec.protobuf();
  const pb = () => {
    const res = importTraceBytes(bytes, { source: `${shape.name}.pb` });
    if (!res.ok) throw new Error(res.errors.join('\n'));
    return res;
  };
  // Warm-up, and a check that both encodings give the same events.
  const fromPb = pb();
  if (!isDeepStrictEqual(importTraceText(rec.json()).runs, fromPb.runs))
    throw new Error(`${shape.name}: JSON and protobuf imports differ`);
  warmUp(pb);
  warmUp(() => request.decode(bytes), 500);
  let events = 0;
  for (const list of fromPb.runs.values()) events += list.length;
  const r = ratioRounds(() => request.decode(bytes), pb, ROUNDS);
  console.log(`  ${shape.name}: ${(bytes.length / 1e6).toFixed(1)} MB of protobuf, ${events} events`);
  console.log(
    `    decode ${r.baseline.toFixed(1)} ms, importTraceBytes ${r.measured.toFixed(1)} ms; ratio ${r.ratio.toFixed(2)}x (rounds ${r.ratios.map((x) => x.toFixed(2)).join(', ')}; CPU time ${r.cpuRatio.toFixed(2)}x); load ${loadavg()[0]!.toFixed(2)}`,
  );
}
