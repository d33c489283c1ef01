import { describe, expect, it } from 'vitest';
import { sameEventLine } from './same-event-line.ts';

describe('sameEventLine', () => {
  it('ignores key order and spacing', () => {
    expect(sameEventLine('{"seq":1,"run":"r"}', '{ "run": "r", "seq": 1 }')).toBe(true);
  });

  it('tells different content apart', () => {
    expect(sameEventLine('{"seq":1,"run":"r"}', '{"seq":1,"run":"s"}')).toBe(false);
    expect(sameEventLine('{"seq":1}', '{"seq":1,"extra":null}')).toBe(false);
  });

  it('a missing or broken line is never the same event', () => {
    expect(sameEventLine(null, '{"seq":1}')).toBe(false);
    expect(sameEventLine('{"seq":1}', undefined)).toBe(false);
    expect(sameEventLine('{"seq":1', '{"seq":1}')).toBe(false);
  });
});
