import { seededRandom } from '@causelane/trace-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetMessageHistories, parseMessageHistory } from './message-history-json.ts';

afterEach(() => forgetMessageHistories());

describe('parseMessageHistory', () => {
  it('parses a growing history from where it grew, equal to a full parse', () => {
    const msgs = Array.from({ length: 30 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      parts: [{ n: i }],
    }));
    for (let n = 1; n <= msgs.length; n++) {
      const text = JSON.stringify(msgs.slice(0, n));
      expect(parseMessageHistory(text)).toEqual(JSON.parse(text));
    }
  });

  it('is exact where a prefix is not an extension: numbers, strings, other histories, bad JSON', () => {
    const cases = [
      '[1,2]',
      '[1,23]',
      '[1,2,3]',
      '["a,"]',
      '["a,","b"]',
      '[{"a":1}]',
      '[{"a":1},2]',
      '[]',
      '[ ]',
    ];
    for (const text of cases) expect(parseMessageHistory(text)).toEqual(JSON.parse(text));
    parseMessageHistory('[1,2]');
    expect(() => parseMessageHistory('[1,2,}]')).toThrow();
    expect(parseMessageHistory('[1,2] ')).toEqual([1, 2]);
    expect(() => parseMessageHistory('[1,2,3] x')).toThrow();
    expect(parseMessageHistory('{"a":[1]}')).toEqual({ a: [1] });
  });

  it('keeps interleaved conversations apart', () => {
    const a = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => `a${i}`));
    const b = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => `b${i}`));
    for (let n = 1; n < 10; n++) {
      expect(parseMessageHistory(a(n))).toEqual(JSON.parse(a(n)));
      expect(parseMessageHistory(b(n))).toEqual(JSON.parse(b(n)));
    }
  });

  it('takes the last output message as parsed, and stays exact around it (random histories)', () => {
    const rand = seededRandom(11);
    const values = [1, 12, '1', 'a,', { a: [1] }, [2], null, true, { role: 'assistant', parts: [] }];
    const pick = () => values[Math.floor(rand() * values.length)];
    for (let trial = 0; trial < 300; trial++) {
      const history: unknown[] = [pick()];
      for (let step = 0; step < 8; step++) {
        const output = pick();
        const outText = JSON.stringify([output]);
        expect(parseMessageHistory(outText)).toEqual([output]);
        history.push(output);
        for (let k = Math.floor(rand() * 3); k > 0; k--) history.push(pick());
        let text = JSON.stringify(history);
        // Now and then an output's text that only starts the next element, or junk after the end.
        if (rand() < 0.1) text = text.replace(outText.slice(1, -1), `${outText.slice(1, -1)}0`);
        if (rand() < 0.05) text += ' x';
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          expect(() => parseMessageHistory(text)).toThrow();
          continue;
        }
        expect(parseMessageHistory(text)).toEqual(expected);
      }
      forgetMessageHistories();
    }
  });
});
