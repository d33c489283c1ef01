// indexed (flattened `prefix.N.suffix` attributes) against its plain definition on random keys:
// digits, leading zeros, signs, blanks, exponents, long numbers, keys out of order; indexedEach
// (one pass for several prefixes) against indexed per prefix.
import { seededRandom } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { indexed, indexedEach } from './span-facts.ts';

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

/** Random flattened attributes of input and output messages, N in any order, some not integers. */
function randomAttrs(rand: () => number): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
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
  return attrs;
}

/** Records with their keys in order (toEqual ignores key order; the importer's output does not). */
const exact = (recs: Record<string, unknown>[]) => JSON.stringify(recs.map((r) => Object.entries(r)));

describe('indexed', () => {
  it('equals the plain definition on random flattened attributes', () => {
    const rand = seededRandom(7);
    for (let trial = 0; trial < 500; trial++) {
      const attrs = randomAttrs(rand);
      expect(exact(indexed(attrs, 'llm.input_messages.'))).toBe(
        exact(reference(attrs, 'llm.input_messages.')),
      );
    }
  });

  it('puts a record created after a later N was revisited in N order', () => {
    const attrs = { 'p.0.a': 1, 'p.2.a': 2, 'p.0.b': 3, 'p.1.a': 4 };
    expect(indexed(attrs, 'p.')).toEqual([{ a: 1, b: 3 }, { a: 4 }, { a: 2 }]);
  });
});

describe('indexedEach', () => {
  it('equals indexed per prefix on random flattened attributes', () => {
    const rand = seededRandom(11);
    const prefixes = ['llm.output_messages.', 'llm.input_messages.', 'llm.', 'x.'];
    for (let trial = 0; trial < 500; trial++) {
      const attrs = randomAttrs(rand);
      const each = indexedEach(attrs, prefixes);
      prefixes.forEach((p, i) => {
        expect(exact(each[i]!)).toBe(exact(reference(attrs, p)));
      });
    }
  });
});
