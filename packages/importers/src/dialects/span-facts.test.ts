// indexed (flattened `prefix.N.suffix` attributes) against its plain definition on random keys:
// digits, leading zeros, signs, blanks, exponents, long numbers, keys out of order.
import { seededRandom } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { indexed } from './span-facts.ts';

/** The definition, as written before the one-pass version: slice, Number, sort by N. */
function reference(attrs: Record<string, unknown>, prefix: string): Record<string, unknown>[] {
  const out = new Map<number, Record<string, unknown>>();
  for (const k in attrs) {
    if (!k.startsWith(prefix)) continue;
    const rest = k.slice(prefix.length);
    const dot = rest.indexOf('.');
    if (dot <= 0) continue;
    const n = Number(rest.slice(0, dot));
    if (!Number.isInteger(n)) continue;
    let rec = out.get(n);
    if (!rec) {
      rec = {};
      out.set(n, rec);
    }
    rec[rest.slice(dot + 1)] = attrs[k];
  }
  return [...out].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

const SEGMENTS = [
  '0',
  '1',
  '2',
  '10',
  '007',
  '-1',
  '+3',
  ' 4',
  '1e2',
  '0x1',
  '1.5',
  '',
  'a',
  '9007199254740993',
  '1234567890123456',
];

describe('indexed', () => {
  it('equals the plain definition on random flattened attributes', () => {
    const rand = seededRandom(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    for (let trial = 0; trial < 500; trial++) {
      const attrs: Record<string, unknown> = {};
      const count = Math.floor(rand() * 30);
      for (let i = 0; i < count; i++) {
        const n = rand() < 0.6 ? String(Math.floor(rand() * 12)) : pick(SEGMENTS);
        const prefix = rand() < 0.9 ? 'llm.input_messages.' : 'llm.output_messages.';
        const rest =
          rand() < 0.95
            ? `.${pick(['message.role', 'message.content', 'message.tool_calls.0.tool_call.id'])}`
            : '';
        attrs[`${prefix}${n}${rest}`] = i;
      }
      expect(indexed(attrs, 'llm.input_messages.')).toEqual(reference(attrs, 'llm.input_messages.'));
    }
  });
});
