import { describe, expect, it } from 'vitest';
import { pointerToField, validateEvent } from './validate.ts';

const base = { v: 1, run: 'r', seq: 0, t: 1 };

describe('validateEvent', () => {
  it('accepts every event type with its required fields, keeping extra fields', () => {
    const ok = [
      { ...base, type: 'run.start', agent: 'a', mode: 'naive', meta: { x: 1 }, custom: true },
      { ...base, type: 'llm.request', turn: 1 },
      { ...base, type: 'llm.response', turn: 1, calls: [{ id: 'a', name: 'n', args: { q: 1 } }] },
      { ...base, type: 'tool.start', turn: 1, call: 'a' },
      { ...base, type: 'tool.end', turn: 1, call: 'a', ok: true, reads: [{ key: 'k', version: 0 }] },
      { ...base, type: 'tool.commit', turn: 1, call: 'a', synthetic: true },
      { ...base, type: 'tool.timeout', turn: 1, call: 'a' },
      { ...base, type: 'tool.orphan', turn: 1, call: 'a', reason: 'late' },
      { ...base, type: 'state.read', key: 'k', version: 2 },
      { ...base, type: 'state.write', key: 'k', version: 3, turn: 2, call: 'a' },
      { ...base, type: 'run.end', status: 'ok' },
    ];
    for (const e of ok) {
      const r = validateEvent(e);
      expect(r.ok, JSON.stringify(e)).toBe(true);
      if (r.ok) expect(r.event).toBe(e);
    }
  });

  it.each([
    [{ ...base, v: 2, type: 'run.end' }, 'v', /unsupported format version 2/],
    [{ ...base, type: 'tool.explode' }, 'type', /unknown event type "tool.explode"/],
    [{ ...base, type: 'llm.request' }, 'turn', /required for llm.request/],
    [{ ...base, type: 'llm.request', turn: 0 }, 'turn', /must be >= 1, got 0/],
    [{ ...base, type: 'llm.request', turn: 1.5 }, 'turn', /integer/],
    [{ ...base, seq: -1, type: 'run.end' }, 'seq', /must be >= 0/],
    [{ ...base, run: '', type: 'run.end' }, 'run', /got ""/],
    [{ ...base, run: 'x'.repeat(201), type: 'run.end' }, 'run', /200/],
    [{ ...base, t: 'now', type: 'run.end' }, 't', /number/],
    [{ ...base, type: 'tool.end', turn: 1, call: 'a', ok: 'yes' }, 'ok', /boolean/],
    [
      { ...base, type: 'tool.end', turn: 1, call: 'a', ok: true, reads: [{ key: 'k', version: -1 }] },
      'reads[0].version',
      />= 0/,
    ],
    [{ ...base, type: 'llm.response', turn: 1, calls: [{ id: 'a' }] }, 'calls[0].name', /missing/],
    [{ ...base, type: 'run.start', mode: 'fast' }, 'mode', /fast/],
  ])('rejects %j naming field %s', (value, field, message) => {
    const r = validateEvent(value);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.field).toBe(field);
      expect(r.error.message).toMatch(message);
    }
  });

  it('rejects non-objects', () => {
    for (const v of [null, 3, 'x', [1]]) {
      const r = validateEvent(v);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/JSON object/);
    }
  });

  it('turns JSON pointers into readable field paths', () => {
    expect(pointerToField('/reads/0/version')).toBe('reads[0].version');
    expect(pointerToField('', 'turn')).toBe('turn');
    expect(pointerToField('')).toBe('(event)');
  });
});
