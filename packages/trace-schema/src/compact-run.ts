// Columnar store of one run's events for big traces (analysis only: args, results, meta dropped):
// typed arrays per field, an aux column to the few that carry more, no per-event object kept alive.

import { CallIds } from './call-ids.ts';
import {
  decodeEvent,
  type Encoded,
  encodeEvent,
  F_OK,
  F_SYNTHETIC,
  type Payload,
} from './compact-payload.ts';
import type { EventColumns } from './event-columns.ts';
import { EVENT_TYPES, type EventType, type KeyVersion, type TraceEvent } from './events.ts';
import { grow } from './grow.ts';
import { KeyColumns } from './key-columns.ts';

/** Type name to column code, prototype-less (a plain property load on the hot path). */
const TYPE_CODE: Record<string, number> = Object.assign(
  Object.create(null),
  Object.fromEntries(EVENT_TYPES.map((t, i) => [t, i])),
);
const RESPONSE = TYPE_CODE['llm.response']!;
const TOOL_END = TYPE_CODE['tool.end']!;

export interface RepeatConflict {
  line: number;
  firstLine: number;
  seq: number;
}

/** See CompactRun.columns(). The arrays are views: do not write to them. */
export interface CompactColumns {
  readonly seq: Float64Array;
  readonly t: Float64Array;
  readonly type: Uint8Array;
  readonly turn: Int32Array;
  readonly call: Int32Array;
  readonly ids: readonly string[];
}

export class CompactRun implements EventColumns {
  length = 0;
  private seqs = new Float64Array(1024);
  private ts = new Float64Array(1024);
  private types = new Uint8Array(1024);
  private flags = new Uint8Array(1024);
  private turns = new Int32Array(1024);
  private calls = new Int32Array(1024);
  /** Only kept when the reader hashes lines (empty otherwise: 8 bytes an event saved). */
  private hashes: Float64Array;
  private lines = new Uint32Array(1024);
  /** Per event, by type: listing start (llm.response), KeyVersions offset (tool.end), payload index, or -1. */
  private aux = new Int32Array(1024);
  /** Object payloads of the events that have one (few: run.start/end, state events, orphans). */
  private readonly payloads: Payload[] = [];
  /** tool.end reads and writes, as columns (see endKeys). */
  readonly keyColumns = new KeyColumns();
  private sorted = true;
  /** Call ids interned per run, and the calls each llm.response listed. */
  private readonly callIds = new CallIds();
  private readonly enc: Encoded = { turn: 0, call: -1, flags: 0, payload: undefined, aux: -1 };

  constructor(
    readonly run: string,
    options: { hashes?: boolean } = {},
  ) {
    this.hashes = new Float64Array(options.hashes === false ? 0 : 1024);
  }

  /** How many distinct call ids the run names (callIndex values are below it). */
  get callCount(): number {
    return this.callIds.count;
  }

  /**
   * Appends a validated event. `hash` identifies its full content, for telling repeats apart; NaN
   * means "not hashed", and every repeat of its seq is then reported for the caller to decide.
   */
  add(e: TraceEvent, hash: number, line: number): void {
    const n = this.length;
    if (n === this.seqs.length) {
      const cap = n * 2;
      this.seqs = grow(this.seqs, cap);
      this.ts = grow(this.ts, cap);
      this.types = grow(this.types, cap);
      this.flags = grow(this.flags, cap);
      this.turns = grow(this.turns, cap);
      this.calls = grow(this.calls, cap);
      this.aux = grow(this.aux, cap);
      if (this.hashes.length > 0) this.hashes = grow(this.hashes, cap);
      this.lines = grow(this.lines, cap);
    }
    if (n > 0 && this.seqs[n - 1]! >= e.seq) this.sorted = false;
    this.seqs[n] = e.seq;
    this.ts[n] = e.t;
    this.types[n] = TYPE_CODE[e.type]!;
    if (this.hashes.length > 0) this.hashes[n] = hash;
    this.lines[n] = line;
    const enc = this.enc;
    encodeEvent(e, this.callIds, this.keyColumns, enc);
    this.flags[n] = enc.flags;
    this.turns[n] = enc.turn;
    this.calls[n] = enc.call;
    if (enc.payload !== undefined) {
      this.aux[n] = this.payloads.length;
      this.payloads.push(enc.payload);
      enc.payload = undefined;
    } else this.aux[n] = enc.aux;
    this.length = n + 1;
  }

  /** Sorts by seq (stable), drops exact repeats, reports conflicting ones. Returns the repeats dropped. */
  finish(
    onConflict: (c: RepeatConflict) => void,
    /** Decides whether two lines hold the same event; by default their hashes must match. */
    sameContent?: (firstLine: number, line: number) => boolean,
  ): number {
    const n = this.length;
    let order: Uint32Array | null = null;
    if (!this.sorted) {
      const idx = new Uint32Array(n);
      for (let i = 0; i < n; i++) idx[i] = i;
      const s = this.seqs;
      order = idx.sort((a, b) => s[a]! - s[b]! || a - b);
    }
    let out = 0;
    let dropped = 0;
    const at = (k: number) => (order ? order[k]! : k);
    const keep = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      const i = at(k);
      if (out > 0) {
        const prev = keep[out - 1]!;
        if (this.seqs[prev] === this.seqs[i]) {
          // Without hashes (or with NaN ones) and no sameContent, every repeat goes to onConflict.
          const same = sameContent
            ? sameContent(this.lines[prev]!, this.lines[i]!)
            : this.hashes.length > 0 && this.hashes[prev] === this.hashes[i];
          if (same) dropped++;
          else onConflict({ line: this.lines[i]!, firstLine: this.lines[prev]!, seq: this.seqs[i]! });
          continue;
        }
      }
      keep[out++] = i;
    }
    if (order || out !== n) this.permute(keep.subarray(0, out));
    return dropped;
  }

  private permute(keep: Uint32Array): void {
    const n = keep.length;
    const pick = <T extends Float64Array | Int32Array | Uint8Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      for (let k = 0; k < n; k++) b[k] = a[keep[k]!]!;
      return b;
    };
    this.seqs = pick(this.seqs);
    this.ts = pick(this.ts);
    this.types = pick(this.types);
    this.flags = pick(this.flags);
    this.turns = pick(this.turns);
    this.calls = pick(this.calls);
    this.lines = pick(this.lines);
    this.aux = pick(this.aux);
    this.hashes = new Float64Array(0);
    this.length = n;
  }

  seq(i: number): number {
    return this.seqs[i]!;
  }

  type(i: number): EventType {
    return EVENT_TYPES[this.types[i]!]!;
  }

  t(i: number): number {
    return this.ts[i]!;
  }

  turn(i: number): number {
    return this.turns[i]!;
  }

  call(i: number): string | undefined {
    const c = this.calls[i]!;
    return c >= 0 ? this.callIds.ids[c] : undefined;
  }

  /** Interned call index of the i-th event (an index into `columns().ids`), or -1. */
  callIndex(i: number): number {
    return this.calls[i]!;
  }

  /** How many calls the i-th event (an llm.response) lists. */
  listedCount(i: number): number {
    return this.types[i] === RESPONSE ? this.callIds.listedCountAt(this.aux[i]!) : 0;
  }

  /** Interned index of the k-th call the i-th event (an llm.response) lists. */
  listedCallIndex(i: number, k: number): number {
    return this.callIds.listedIndex(this.aux[i]! + k);
  }

  /** Name of the k-th call the i-th event (an llm.response) lists. */
  listedName(i: number, k: number): string {
    return this.callIds.listedName(this.aux[i]! + k);
  }

  /** The interned index of a call id, or -1 when the run never names it. */
  callIndexOf(id: string): number {
    return this.callIds.indexOf(id);
  }

  /** The call id of an interned index. */
  callId(index: number): string {
    return this.callIds.ids[index]!;
  }

  /** For a tool.end: its offset in `keyColumns` (-1 when it reads and writes nothing); else -1. */
  endKeys(i: number): number {
    return this.types[i] === TOOL_END ? this.aux[i]! : -1;
  }

  /** Whether the i-th event is a tool.end with ok: true. */
  ok(i: number): boolean {
    return (this.flags[i]! & F_OK) !== 0;
  }

  synthetic(i: number): boolean {
    return (this.flags[i]! & F_SYNTHETIC) !== 0;
  }

  /** Line of the input that held the i-th event. */
  line(i: number): number {
    return this.lines[i]!;
  }

  /**
   * Read-only views of the columns, `length` long, for consumers that scan every event (a
   * timeline) and would otherwise rebuild an object per event. `type` indexes EVENT_TYPES; `call`
   * indexes `ids` (-1 when the event names no call); `turn` is 0 for events without one.
   */
  columns(): CompactColumns {
    const n = this.length;
    return {
      seq: this.seqs.subarray(0, n),
      t: this.ts.subarray(0, n),
      type: this.types.subarray(0, n),
      turn: this.turns.subarray(0, n),
      call: this.calls.subarray(0, n),
      ids: this.callIds.ids,
    };
  }

  event(i: number): TraceEvent {
    const c = this.calls[i]!;
    const type = EVENT_TYPES[this.types[i]!]!;
    const a = this.aux[i]!;
    let listed: { id: string; name: string }[] | undefined;
    let reads: KeyVersion[] | undefined;
    let writes: KeyVersion[] | undefined;
    let payload: Payload | undefined;
    if (type === 'tool.end') {
      if (a >= 0) {
        reads = this.keyColumns.reads(a);
        writes = this.keyColumns.writes(a);
      }
    } else if (type === 'llm.response') {
      const n = this.listedCount(i);
      listed = new Array(n);
      for (let k = 0; k < n; k++)
        listed[k] = { id: this.callIds.ids[this.listedCallIndex(i, k)]!, name: this.listedName(i, k) };
    } else if (a >= 0) payload = this.payloads[a];
    return decodeEvent(
      type,
      this.run,
      this.seqs[i]!,
      this.ts[i]!,
      this.turns[i]!,
      c >= 0 ? this.callIds.ids[c] : undefined,
      this.flags[i]!,
      payload,
      listed,
      reads,
      writes,
    );
  }
}

/**
 * FNV-1a (32-bit) of a line. It only has to tell apart two events that already share (run, seq),
 * so a 1-in-4-billion collision per such pair is enough, at one multiply per character.
 */
export function hashLine(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
