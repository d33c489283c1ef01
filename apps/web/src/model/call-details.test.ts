import { buildRunModel } from '@causelane/analysis';
import { synthesizeRun } from '@causelane/analysis/testing';
import { CompactTraceReader, readTraceText, toJsonl } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { exampleText } from '../testing/load-example.ts';
import { callDetails, callPayloadFromLines } from './call-details.ts';
import { LineStore } from './line-store.ts';

describe('call details of a compact run', () => {
  // The worker keeps only compact columns and the file's bytes: the inspector must still show
  // exactly what the full events say, args and results included.
  const texts = {
    'stale-read': exampleText('stale-read'),
    'causal-timeout': exampleText('causal-timeout'),
    synth: toJsonl(synthesizeRun({ seed: 3, turns: 12, maxCalls: 4, faults: ['late-commit', 'stale-read'] })),
  };
  for (const [name, text] of Object.entries(texts)) {
    it(`match the full events' details (${name})`, () => {
      const [run, events] = [...readTraceText(text).runs][0]!;
      const full = buildRunModel(run, events);
      const reader = new CompactTraceReader();
      const lines = new LineStore();
      const bytes = new TextEncoder().encode(text);
      for (let i = 0; i < bytes.length; i += 100) {
        lines.push(bytes.subarray(i, i + 100));
        reader.push(new TextDecoder().decode(bytes.subarray(i, i + 100)));
      }
      const compact = reader.finish().runs.get(run)!;
      const lean = buildRunModel(run, compact);
      expect(full.calls.length).toBeGreaterThan(1);
      let withArgs = 0;
      for (const c of full.calls) {
        const payload = callPayloadFromLines(lean, compact, (l) => lines.text(l), c.id);
        expect(callDetails(lean, c.id, payload)).toEqual(callDetails(full, c.id));
        if (c.args !== undefined) withArgs++;
      }
      // causal-timeout's calls carry no args: the other two prove args and results come through.
      if (name !== 'causal-timeout') expect(withArgs).toBeGreaterThan(0);
      expect(callPayloadFromLines(lean, compact, (l) => lines.text(l), 'no-such-call')).toBeUndefined();
    });
  }
});

describe('call lifecycle', () => {
  it('is listed in seq order: a timeout comes before the late tool.end it abandoned', () => {
    const [run, events] = [...readTraceText(exampleText('causal-timeout')).runs][0]!;
    const steps = callDetails(buildRunModel(run, events), 'web')!.lifecycle;
    expect(steps.map((s) => s.seq)).toEqual([...steps.map((s) => s.seq)].sort((a, b) => a - b));
    expect(steps.map((s) => s.label).indexOf('timeout')).toBeLessThan(
      steps.map((s) => s.label).indexOf('end'),
    );
  });
});
