import { describe, expect, it } from 'vitest';
import { LineStore } from './line-store.ts';

const enc = new TextEncoder();

function storeOf(text: string, chunkSize: number): LineStore {
  const bytes = enc.encode(text);
  const s = new LineStore();
  for (let i = 0; i < bytes.length; i += chunkSize) s.push(bytes.subarray(i, i + chunkSize));
  return s;
}

describe('LineStore', () => {
  const text = '\uFEFF{"a":1}\r\n\n{"b":"é → ✓"}\n{"c":[1,2,3]}';
  for (const size of [1, 2, 3, 7, 1000]) {
    it(`returns each line whatever the chunking (${size}-byte chunks)`, () => {
      const s = storeOf(text, size);
      expect(s.text(1)).toBe('{"a":1}');
      expect(s.text(2)).toBe('');
      expect(s.text(3)).toBe('{"b":"é → ✓"}');
      expect(s.text(4)).toBe('{"c":[1,2,3]}');
      expect(s.text(5)).toBeNull();
      expect(s.text(0)).toBeNull();
      expect(s.byteLength).toBe(enc.encode(text).length);
    });
  }

  it('numbers lines past a trailing newline like the reader does', () => {
    const s = storeOf('x\ny\n', 2);
    expect(s.text(2)).toBe('y');
    expect(s.text(3)).toBe('');
  });

  it('handles many lines (the offset table grows)', () => {
    const lines = Array.from({ length: 70_000 }, (_, i) => `{"i":${i}}`);
    const s = storeOf(`${lines.join('\n')}\n`, 4096);
    expect(s.text(1)).toBe('{"i":0}');
    expect(s.text(65_537)).toBe('{"i":65536}');
    expect(s.text(70_000)).toBe('{"i":69999}');
  });
});
