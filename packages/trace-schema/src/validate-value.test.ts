import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTraceText } from './trace-reader.ts';
import { validateEvent } from './validate.ts';
import { checkJsonValue, jsonTextIsClean, loneSurrogateIndex, MAX_NESTING_DEPTH } from './validate-value.ts';

const base = { v: 1, run: 'r', seq: 0, t: 1 };
const nested = (levels: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
};

describe('unpaired surrogates', () => {
  it('finds lone high and low surrogates but accepts pairs', () => {
    expect(loneSurrogateIndex('plain')).toBe(-1);
    expect(loneSurrogateIndex('emoji 😀 ok')).toBe(-1);
    expect(loneSurrogateIndex('x\ud800')).toBe(1);
    expect(loneSurrogateIndex('\udc00x')).toBe(0);
    expect(loneSurrogateIndex('😀'.slice(0, 1))).toBe(0);
    expect(loneSurrogateIndex('ab\udc00\ud800')).toBe(2);
  });

  it.each([
    [{ ...base, run: 'x\ud800', type: 'run.end' }, 'run'],
    [{ ...base, type: 'run.start', agent: 'agent \udfff' }, 'agent'],
    [{ ...base, type: 'tool.start', turn: 1, call: 'c\ud83d' }, 'call'],
    [{ ...base, type: 'llm.response', turn: 1, calls: [{ id: 'a', name: 'n\ud800' }] }, 'calls[0].name'],
    [
      {
        ...base,
        type: 'llm.response',
        turn: 1,
        calls: [{ id: 'a', name: 'n', args: { q: ['ok', 'b\ud800'] } }],
      },
      'calls[0].args.q[1]',
    ],
    [
      { ...base, type: 'tool.end', turn: 1, call: 'a', ok: true, result: { 'k\ud800': 1 } },
      'result["k\\ud800"]',
    ],
    [
      { ...base, type: 'tool.end', turn: 1, call: 'a', ok: true, writes: [{ key: '\udc00', version: 1 }] },
      'writes[0].key',
    ],
    [{ ...base, type: 'state.read', key: 'k\ud800', version: 0 }, 'key'],
    [{ ...base, type: 'run.end', 'extra\ud800': true }, '["extra\\ud800"]'],
  ])('rejects %j naming field %s', (event, field) => {
    const r = validateEvent(event);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.field).toBe(field);
      expect(r.error.message).toMatch(/unpaired surrogate U\+D[89A-F][0-9A-F]{2} at index \d+/);
      // The message itself stays well-formed, so it can be stored, logged and sent as JSON.
      expect(loneSurrogateIndex(r.error.message)).toBe(-1);
    }
  });

  it('names the line in a JSONL text, where \\ud800 escapes decode to lone surrogates', () => {
    const good = JSON.stringify({ ...base, type: 'run.end' });
    const read = readTraceText(`${good}\n{"v":1,"run":"x\\ud800","seq":1,"t":1,"type":"run.end"}\n`);
    expect(read.errors).toEqual([expect.objectContaining({ line: 2, field: 'run' })]);
  });
});

describe('nesting depth', () => {
  it('accepts nesting up to the cap and rejects one level more with the path to it', () => {
    // The event is level 1 and `result` level 2, so the value may hold MAX - 1 levels.
    const ok = {
      ...base,
      type: 'tool.end',
      turn: 1,
      call: 'a',
      ok: true,
      result: nested(MAX_NESTING_DEPTH - 1),
    };
    expect(validateEvent(ok).ok).toBe(true);
    const deep = { ...ok, result: nested(MAX_NESTING_DEPTH) };
    const r = validateEvent(deep);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.field).toMatch(/^result(\.a)+$/);
      expect(r.error.message).toMatch(/nesting is deeper than 100 levels/);
    }
  });

  it('rejects 100,000 levels without overflowing the stack', () => {
    const text = `{"v":1,"run":"r","seq":0,"t":1,"type":"run.end","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const read = readTraceText(text);
    expect(read.errors[0]).toMatchObject({ line: 1, message: expect.stringMatching(/nesting is deeper/) });
    expect(checkJsonValue(JSON.parse(text))).toMatchObject({ message: expect.stringMatching(/deeper/) });
  });
});

describe('jsonTextIsClean (the reader skips the walk on its say-so)', () => {
  const surrogates = fc.constantFrom(
    '\ud800',
    '\udbff',
    '\udc00',
    '\udfff',
    '😀',
    '😀'.slice(0, 1),
    'é',
    'x',
  );
  const str = fc.array(fc.oneof(fc.string(), surrogates), { maxLength: 4 }).map((p) => p.join(''));
  const deep = fc.integer({ min: 1, max: 140 }).map((n) => nested(n));
  const value = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      str,
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      deep,
      fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(str, tie('v'), { maxKeys: 4 }),
    ),
  })).v;

  it('is never true for a value the walk rejects', () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = JSON.stringify(v);
        if (jsonTextIsClean(text)) expect(checkJsonValue(JSON.parse(text))).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  it('sends surrogate escapes, raw lone surrogates and deep nesting to the walk', () => {
    expect(jsonTextIsClean('{"a":"\\ud800"}')).toBe(false);
    expect(jsonTextIsClean('{"a":"\\uDC00x"}')).toBe(false);
    expect(jsonTextIsClean('{"\\udbff":1}')).toBe(false);
    expect(jsonTextIsClean('{"a":"\ud800"}')).toBe(false);
    expect(jsonTextIsClean(JSON.stringify(nested(MAX_NESTING_DEPTH + 1)))).toBe(false);
    expect(jsonTextIsClean(JSON.stringify({ a: [1, 2], b: '😀 \\u0041' }))).toBe(true);
    expect(jsonTextIsClean(JSON.stringify(nested(MAX_NESTING_DEPTH)))).toBe(true);
  });

  it('leaves the reader reporting the same errors as the walk', () => {
    const line = (x: string) => `{"v":1,"run":"r","seq":0,"t":1,"type":"run.end","x":${x}}`;
    expect(readTraceText(line('"\\ud800"')).errors[0]).toMatchObject({ field: 'x' });
    expect(readTraceText(line(JSON.stringify(nested(MAX_NESTING_DEPTH)))).errors[0]).toMatchObject({
      message: expect.stringMatching(/deeper/),
    });
    expect(readTraceText(line(JSON.stringify(nested(MAX_NESTING_DEPTH - 2)))).errors).toEqual([]);
  });
});
