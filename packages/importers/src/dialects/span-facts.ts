// The vocabulary every instrumentation dialect maps a span into (a model call, a tool execution or
// an agent invocation), and the small attribute readers the dialects share. Values stay plain JSON:
// the collector stores these facts as they are and re-derives runs from them.
import type { ToolCallSpec } from '@causelane/trace-schema';
import { describeValue, ImportError } from '../import-error.ts';

export interface RawSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  /** Undefined while the span is still open (live use). */
  endMs: number | undefined;
  attributes: Readonly<Record<string, unknown>>;
  events: readonly { name: string; attributes: Readonly<Record<string, unknown>> }[];
  error: boolean;
  statusMessage?: string;
  /** service.name of the resource, if any. */
  service?: string;
  /** service.name + process.pid + service.instance.id of the resource: spans of one agent process. */
  process?: string;
  /** JSON path of the span, for error messages. */
  where: string;
}

export type Attrs = Readonly<Record<string, unknown>>;

export interface StateOp {
  key: string;
  version: number;
}

/** One tool result in a model call's input, as the context holds it. */
export interface InputResult {
  /** The call id, when the instrumentation recorded it. */
  id?: string;
  /** The result's text, to bind it to a tool span when the id is missing. */
  content?: string;
  /** Which assistant message with calls (0, 1, ... in the input) the result answers; by position. */
  group: number;
  /** Its position among that group's results. */
  index: number;
}

export interface ModelCallFacts {
  /** Calls asked for, in order; undefined when the output was not recorded. */
  calls: ToolCallSpec[] | undefined;
  /** True when the calls carry no ids (ids here are `<spanId>#<index>` stand-ins). */
  anonymousCalls?: boolean;
  /**
   * Tool results in the input, in context order: the call id itself when recorded (the common
   * case, kept small), else its position and text; undefined when the input was not recorded.
   */
  results: (InputResult | string)[] | undefined;
  /** One short fingerprint per input message, to tell which call continues which conversation. */
  inputPrint?: string[];
}

export interface ToolFacts {
  callId: string | undefined;
  toolName: string;
  args?: unknown;
  result?: unknown;
  /** The result as text, matched against id-less tool results in later inputs. */
  resultText?: string;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** JSON-valued attributes arrive as strings on the wire and as values from live SDK spans. */
export function jsonAttr(attrs: Attrs, key: string, where: string): unknown {
  const v = attrs[key];
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    throw new ImportError(`${where}.attributes[${key}]`, `not valid JSON: ${describeValue(v)}`);
  }
}

/** Like jsonAttr, but a value that is not JSON stays as it is (free-form input/output values). */
export function looseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const c = v.trimStart()[0];
  if (c !== '{' && c !== '[' && c !== '"') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** N of `prefix.N.` in `k` (N from `from` to `dot`), when it is an integer; undefined otherwise. */
function indexIn(k: string, from: number, dot: number): number | undefined {
  // Up to 15 decimal digits (the usual case) is the number Number() reads, exactly.
  if (dot - from <= 15) {
    let n = 0;
    let i = from;
    for (; i < dot; i++) {
      const c = k.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
    }
    if (i === dot) return n;
  }
  const n = Number(k.slice(from, dot));
  return Number.isInteger(n) ? n : undefined;
}

/** One prefix's `prefix.N.suffix` records while the keys are read: by N, and the last one touched. */
class IndexedRecords {
  readonly byN = new Map<number, Record<string, unknown>>();
  ascending = true;
  /** N of the last record created (for `ascending`), and of the last one touched. */
  lastCreated = -Infinity;
  lastN = Number.NaN;
  lastRec: Record<string, unknown> | undefined;
  constructor(readonly prefix: string) {}
  /** Files `k` (known to start with the prefix) under its N, if it has one. */
  add(k: string, value: unknown): void {
    const p = this.prefix.length;
    const dot = k.indexOf('.', p);
    if (dot <= p) return;
    const n = indexIn(k, p, dot);
    if (n === undefined) return;
    // A message's keys come together: the record of the previous key, without a Map lookup.
    let rec = n === this.lastN ? this.lastRec : this.byN.get(n);
    if (!rec) {
      rec = {};
      this.byN.set(n, rec);
      if (n < this.lastCreated) this.ascending = false;
      this.lastCreated = n;
    }
    if (n !== this.lastN) {
      this.lastN = n;
      this.lastRec = rec;
    }
    rec[k.slice(dot + 1)] = value;
  }
  records(): Record<string, unknown>[] {
    // Instrumentations write N ascending: then the map's order is already the answer.
    if (this.ascending) return [...this.byN.values()];
    return [...this.byN].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  }
}

/** Collects `prefix.N.suffix` values of flattened attributes, by N ascending. */
export function indexed(attrs: Attrs, prefix: string): Record<string, unknown>[] {
  const recs = new IndexedRecords(prefix);
  for (const k in attrs) if (k.startsWith(prefix)) recs.add(k, attrs[k]);
  return recs.records();
}

/**
 * indexed for several prefixes in one pass over the keys: a span of OpenInference's ~45 flattened
 * attributes is a dictionary-mode object in V8, whose for-in collects and orders its keys each time.
 */
export function indexedEach(attrs: Attrs, prefixes: readonly string[]): Record<string, unknown>[][] {
  const all = prefixes.map((p) => new IndexedRecords(p));
  for (const k in attrs)
    for (let i = 0; i < all.length; i++) if (k.startsWith(all[i]!.prefix)) all[i]!.add(k, attrs[k]);
  return all.map((r) => r.records());
}

/** Sub-records of one flattened record: `tool_calls.M.x` -> [{x}, ...] by M. */
export function nested(rec: Record<string, unknown>, prefix: string): Record<string, unknown>[] {
  return indexed(rec, prefix);
}

export function hasPrefix(attrs: Attrs, prefix: string): boolean {
  for (const k in attrs) if (k.startsWith(prefix)) return true;
  return false;
}

/** A canonical key for tool arguments, so a JSON string and an object compare equal. */
export function argsKey(args: unknown): string {
  const v = looseJson(args);
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

/** A short fingerprint of one message: role plus what identifies its content. */
export function messagePrint(role: unknown, ids: readonly string[], text: unknown): string {
  const t = typeof text === 'string' ? text : text == null ? '' : JSON.stringify(text);
  return `${String(role ?? '?')}|${ids.join(',')}|${t.length}:${t.slice(0, 24)}`;
}

/**
 * Groups tool results by the assistant message they answer: results that follow an assistant
 * message (after any number of assistant messages in a row) form one group, numbered in input order.
 */
export class ResultGrouper {
  readonly results: (InputResult | string)[];
  constructor(results: (InputResult | string)[] = []) {
    this.results = results;
  }
  private group = -1;
  private index = 0;
  private afterAssistant = false;
  /** A grouper in this one's state, to go on with more messages; its results start with these. */
  copy(): ResultGrouper {
    const g = new ResultGrouper(this.results.slice());
    g.group = this.group;
    g.index = this.index;
    g.afterAssistant = this.afterAssistant;
    return g;
  }
  assistant(): void {
    this.afterAssistant = true;
  }
  result(id: string | undefined, content: unknown): void {
    if (this.afterAssistant || this.group < 0) {
      this.group++;
      this.index = 0;
      this.afterAssistant = false;
    }
    const index = this.index++;
    if (id) {
      this.results.push(id);
      return;
    }
    // The text is only needed to bind a result that has no id.
    const r: InputResult = { group: this.group, index };
    if (typeof content === 'string') r.content = content;
    this.results.push(r);
  }
}

const STATE_KEYS = { reads: 'causelane.state.reads', writes: 'causelane.state.writes' } as const;

/**
 * The state convention for tool spans: `causelane.state.reads` / `causelane.state.writes`, each a
 * JSON array of `{ "key": string, "version": integer >= 0 }` (see docs/importers.md).
 */
export function stateOps(attrs: Attrs, which: keyof typeof STATE_KEYS, where: string): StateOp[] | undefined {
  const key = STATE_KEYS[which];
  if (attrs[key] === undefined) return undefined;
  const v = jsonAttr(attrs, key, where);
  const at = `${where}.attributes[${key}]`;
  if (!Array.isArray(v))
    throw new ImportError(at, `expected a JSON array of {key, version}, got ${describeValue(v)}`);
  return v.map((op, i) => {
    const o = op as { key?: unknown; version?: unknown } | null;
    if (typeof o?.key !== 'string' || o.key === '')
      throw new ImportError(`${at}[${i}].key`, `expected a non-empty string, got ${describeValue(o?.key)}`);
    if (typeof o.version !== 'number' || !Number.isInteger(o.version) || o.version < 0)
      throw new ImportError(
        `${at}[${i}].version`,
        `expected an integer >= 0, got ${describeValue(o.version)}`,
      );
    return { key: o.key, version: o.version };
  });
}
