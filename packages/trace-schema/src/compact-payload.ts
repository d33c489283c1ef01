// CompactRun's per-type payloads: what each event type keeps beyond the typed columns (encode, on
// add) and how the event object is rebuilt from columns and payload (decode, on event(i)).
import type { KeyVersion, TraceEvent } from './events.ts';
import type { KeyColumns } from './key-columns.ts';

export const F_OK = 1;
export const F_SYNTHETIC = 2;

/** The fields beyond the columns that some event types carry (only those analysis reads). */
export interface Payload {
  agent?: string;
  mode?: 'naive' | 'causal' | 'unknown';
  status?: 'ok' | 'error' | 'cancelled';
  reason?: 'timeout' | 'late' | 'cancelled';
  key?: string;
  version?: number;
}

/** The column values of one event besides seq, t and type, written by encodeEvent. */
export interface Encoded {
  turn: number;
  call: number;
  flags: number;
  /** An object payload (run.start, run.end, state events, tool.orphan), or undefined. */
  payload: Payload | undefined;
  /**
   * The aux column: for an llm.response the start of its calls in the listing columns (-1 when it
   * lists none), for a tool.end the offset of its reads/writes in KeyColumns (-1 when none);
   * otherwise set by CompactRun to the payload's index.
   */
  aux: number;
}

/** Interns a call id into a small integer, per run. */
export interface CallInterner {
  /** Any call id (a listed one, or one named by a state event). */
  intern(id: string): number;
  /** A call id named by a tool event: most often one the latest response listed. */
  internTool(id: string): number;
  /** Notes the calls an llm.response lists (interning each id); returns where they start, -1 if none. */
  listCalls(calls: readonly { id: string; name: string }[]): number;
}

/** Splits a validated event into column values and payload (fields analysis never reads are dropped). */
export function encodeEvent(e: TraceEvent, ids: CallInterner, kv: KeyColumns, out: Encoded): void {
  let flags = 0;
  let turn = 0;
  let call = -1;
  let aux = -1;
  let payload: Payload | undefined;
  switch (e.type) {
    case 'run.start':
      if (e.agent !== undefined || e.mode !== undefined) payload = { agent: e.agent, mode: e.mode };
      break;
    case 'run.end':
      if (e.status !== undefined) payload = { status: e.status };
      break;
    case 'llm.request':
      turn = e.turn;
      break;
    case 'llm.response':
      turn = e.turn;
      aux = ids.listCalls(e.calls);
      break;
    case 'state.read':
    case 'state.write':
      turn = e.turn ?? 0;
      call = e.call === undefined ? -1 : ids.intern(e.call);
      payload = { key: e.key, version: e.version };
      break;
    default:
      turn = e.turn;
      call = ids.internTool(e.call);
      if (e.type === 'tool.end') {
        if (e.ok) flags |= F_OK;
        if (e.reads?.length || e.writes?.length) aux = kv.add(e.reads, e.writes);
      } else if (e.type === 'tool.commit' && e.synthetic) flags |= F_SYNTHETIC;
      else if (e.type === 'tool.orphan' && e.reason !== undefined) payload = { reason: e.reason };
  }
  out.turn = turn;
  out.call = call;
  out.flags = flags;
  out.aux = aux;
  out.payload = payload;
}

/** Rebuilds the event (only the fields analysis needs). Literal shapes per type keep it monomorphic. */
export function decodeEvent(
  type: TraceEvent['type'],
  run: string,
  seq: number,
  t: number,
  turn: number,
  /** Call id, or undefined when the event names none. */
  call: string | undefined,
  flags: number,
  p: Payload | undefined,
  /** For an llm.response: its calls, rebuilt from the listing columns. */
  listed?: { id: string; name: string }[],
  /** For a tool.end: its reads and writes, rebuilt from KeyColumns (undefined when both were empty or absent). */
  reads?: KeyVersion[],
  writes?: KeyVersion[],
): TraceEvent {
  switch (type) {
    case 'run.start':
      return { v: 1, run, seq, t, type, agent: p?.agent, mode: p?.mode };
    case 'run.end':
      return { v: 1, run, seq, t, type, status: p?.status };
    case 'llm.request':
      return { v: 1, run, seq, t, type, turn };
    case 'llm.response':
      return { v: 1, run, seq, t, type, turn, calls: listed ?? [] };
    case 'state.read':
    case 'state.write':
      return { v: 1, run, seq, t, type, key: p!.key!, version: p!.version!, turn: turn || undefined, call };
    case 'tool.end':
      return {
        v: 1,
        run,
        seq,
        t,
        type,
        turn,
        call: call!,
        ok: (flags & F_OK) !== 0,
        reads,
        writes,
      };
    case 'tool.commit':
      return { v: 1, run, seq, t, type, turn, call: call!, synthetic: (flags & F_SYNTHETIC) !== 0 };
    case 'tool.orphan':
      return { v: 1, run, seq, t, type, turn, call: call!, reason: p?.reason };
    default:
      return { v: 1, run, seq, t, type, turn, call: call! };
  }
}
