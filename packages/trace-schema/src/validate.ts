// Runtime validation of untrusted events: compiled TypeBox checks on the hot path, and a precise
// "field: what is wrong" message only when a check fails.
import { Compile } from 'typebox/compile';
import { EVENT_TYPES, eventSchemas, type TraceEvent, VERSION } from './events.ts';
import { checkJsonValue, jsonTextIsClean } from './validate-value.ts';

export interface FieldError {
  /** Dotted path of the offending field (`reads[0].version`), or `(line)` for the whole value. */
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; event: TraceEvent } | { ok: false; error: FieldError };

type Checker = {
  Check(v: unknown): boolean;
  Errors(v: unknown): { keyword: string; instancePath: string; params: unknown; message: string }[];
};
/** One compiled check per type, in a prototype-less map: an unknown `type` finds nothing, not a method. */
const checkers: Record<string, Checker | undefined> = Object.assign(
  Object.create(null),
  Object.fromEntries(EVENT_TYPES.map((t) => [t, Compile(eventSchemas[t])])),
);

/** `/reads/0/version` becomes `reads[0].version`. */
export function pointerToField(pointer: string, extra?: string): string {
  const parts = pointer.split('/').slice(1);
  if (extra) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(event)';
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const s = JSON.stringify(value);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/**
 * Checks an untrusted value against the format. `text`, when given, is the JSON text `value` was
 * parsed from: it lets the Unicode and nesting checks run as native scans of the text.
 */
export function validateEvent(value: unknown, text?: string): ValidationResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: { field: '(event)', message: 'an event must be a JSON object' } };
  }
  const rec = value as Record<string, unknown>;
  if (rec.v !== VERSION) {
    return {
      ok: false,
      error: {
        field: 'v',
        message: `unsupported format version ${describe(rec.v)}; this reader accepts v: 1`,
      },
    };
  }
  const checker = typeof rec.type === 'string' ? checkers[rec.type] : undefined;
  if (checker === undefined) {
    return {
      ok: false,
      error: {
        field: 'type',
        message: `unknown event type ${describe(rec.type)}; expected one of ${EVENT_TYPES.join(', ')}`,
      },
    };
  }
  // Before the schema: the schema's own error walk must never meet a value nested without bound.
  const unsafe = text !== undefined && jsonTextIsClean(text) ? null : checkJsonValue(value);
  if (unsafe) return { ok: false, error: unsafe };
  if (checker.Check(value)) return { ok: true, event: value as TraceEvent };
  const first = checker.Errors(value)[0];
  if (!first) return { ok: false, error: { field: '(event)', message: 'does not match the format' } };
  if (first.keyword === 'required') {
    const missing = (first.params as { requiredProperties?: string[] }).requiredProperties?.[0];
    return {
      ok: false,
      error: {
        field: pointerToField(first.instancePath, missing),
        message: `required for ${rec.type}, but missing`,
      },
    };
  }
  const got = first.instancePath
    .split('/')
    .slice(1)
    .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);
  return {
    ok: false,
    error: { field: pointerToField(first.instancePath), message: `${first.message}, got ${describe(got)}` },
  };
}
