// Property-based tests of the analyzer over generated schedules (fast-check).
import { CompactTraceReader, readTraceText, type TraceEvent, toJsonl } from '@causelane/trace-schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeEvents, analyzeRuns } from './analyze.ts';
import { ANOMALY_TYPES, anomalyKey } from './anomaly.ts';
import { arbitraryEventBody } from './testing/arbitrary-events.ts';
import { FAULT_ANOMALY, type FaultType, synthesizeRun } from './testing/synth.ts';

const schedule = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  turns: fc.integer({ min: 1, max: 6 }),
  maxCalls: fc.integer({ min: 1, max: 6 }),
  keys: fc.integer({ min: 1, max: 4 }),
  timeoutRate: fc.constantFrom(0, 0.1, 0.3),
});
const faults = Object.keys(FAULT_ANOMALY) as FaultType[];

/** Any schema-valid event with small ids, so references collide often. */
const anyEvent = (run: string) => arbitraryEventBody().map((body) => ({ v: 1, run, t: 0, ...body }));
const anyTrace = fc
  .array(anyEvent('r'), { maxLength: 40 })
  .map((evs) => evs.map((e, seq) => ({ ...e, seq, t: seq }) as unknown as TraceEvent));

describe('analyzer properties', () => {
  it('never throws on a valid trace, and every anomaly is well-formed', () => {
    fc.assert(
      fc.property(anyTrace, (events) => {
        const { anomalies } = analyzeEvents(events);
        for (const a of anomalies) {
          expect(ANOMALY_TYPES).toContain(a.type);
          expect(a.seqs.length).toBeGreaterThan(0);
          expect(a.seqs).toEqual([...a.seqs].sort((x, y) => x - y));
          expect(a.message).not.toMatch(/undefined|NaN/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same result when the file lines are shuffled and some repeated', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyTrace,
          schedule.map((s) => synthesizeRun({ ...s, faults: ['commit-order', 'stale-read'] })),
        ),
        fc.infiniteStream(fc.nat()),
        fc.array(fc.nat(), { maxLength: 10 }),
        (events, rnd, repeats) => {
          const lines = toJsonl(events).trimEnd().split('\n').filter(Boolean);
          const shuffled = [...lines];
          const it = rnd[Symbol.iterator]();
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = it.next().value! % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          for (const r of repeats) if (lines.length) shuffled.push(lines[r % lines.length]!);
          const a = readTraceText(lines.join('\n'));
          const b = readTraceText(shuffled.join('\n'));
          expect(b.errors).toEqual([]);
          expect(analyzeRuns(b.runs)).toEqual(analyzeRuns(a.runs));
          // The compact columnar reader used for big files must agree exactly.
          const compact = new CompactTraceReader();
          compact.push(shuffled.join('\n'));
          const c = compact.finish();
          expect(c.errors).toEqual([]);
          expect(c.duplicates).toBe(b.duplicates);
          expect(analyzeRuns(c.runs)).toEqual(analyzeRuns(a.runs));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds nothing above info in correct causal schedules', () => {
    fc.assert(
      fc.property(schedule, (s) => {
        const { anomalies } = analyzeEvents(synthesizeRun(s));
        expect(anomalies.filter((a) => a.severity !== 'info')).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('finds exactly the anomaly of one injected fault', () => {
    fc.assert(
      fc.property(schedule, fc.constantFrom(...faults), (s, fault) => {
        const events = synthesizeRun({ ...s, timeoutRate: 0, faults: [fault] });
        const found = analyzeEvents(events).anomalies.map(anomalyKey);
        const want = FAULT_ANOMALY[fault];
        expect(found).toHaveLength(1);
        expect(found[0]).toMatch(new RegExp(`^synth-${s.seed}\\|${want.type}\\|${want.severity}\\|`));
      }),
      { numRuns: 500 },
    );
  });
});
