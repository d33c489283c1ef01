// Shared set-up of the anomaly rule tests: the anomaly keys of a built trace, its anomalies, and a
// clean two-call turn followed by turn 2.
import { analyzeEvents } from '../analyze.ts';
import { anomalyKey } from '../anomaly.ts';
import { type TraceBuilder, traceBuilder } from './trace-builder.ts';

export const keys = (b: TraceBuilder) => analyzeEvents(b.events).anomalies.map(anomalyKey).sort();
export const only = (b: TraceBuilder) => analyzeEvents(b.events).anomalies;

/** A clean two-call turn followed by turn 2. */
export const clean = () =>
  traceBuilder()
    .req(1)
    .res(1, 'a', 'b')
    .start(1, 'a')
    .start(1, 'b')
    .end(1, 'a')
    .end(1, 'b')
    .commit(1, 'a')
    .commit(1, 'b')
    .req(2);
