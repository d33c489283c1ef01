// Synthetic traces for property tests and benchmarks: correct causal schedules, optionally with
// exactly one injected fault per run. Deterministic for a given seed.
import {
  type EventBody,
  type KeyVersion,
  seededRandom,
  type ToolCallSpec,
  type TraceEvent,
} from '@causelane/trace-schema';
import type { AnomalyType } from '../anomaly.ts';

export interface SynthOptions {
  run?: string;
  seed: number;
  turns: number;
  /** Largest fan-out of a turn (at least 1). */
  maxCalls: number;
  keys?: number;
  /** Chance that a call times out (its late result is then orphaned). */
  timeoutRate?: number;
  /** Faults to inject, each as one extra turn of its own. */
  faults?: readonly FaultType[];
  startT?: number;
}

/** Faults the generator can inject; each yields exactly the anomaly of the same name. */
export type FaultType = Exclude<AnomalyType, never> | 'orphaned-result-dropped';

/** The anomaly type and severity each injected fault produces. */
export const FAULT_ANOMALY: Record<FaultType, { type: AnomalyType; severity: 'error' | 'warning' | 'info' }> =
  {
    'premature-llm-call': { type: 'premature-llm-call', severity: 'error' },
    'late-commit': { type: 'late-commit', severity: 'error' },
    'commit-order': { type: 'commit-order', severity: 'warning' },
    'orphaned-result': { type: 'orphaned-result', severity: 'info' },
    'orphaned-result-dropped': { type: 'orphaned-result', severity: 'warning' },
    'stale-read': { type: 'stale-read', severity: 'error' },
    'rw-race': { type: 'rw-race', severity: 'warning' },
    'ww-conflict': { type: 'ww-conflict', severity: 'warning' },
    'unmatched-result': { type: 'unmatched-result', severity: 'error' },
  };

interface Emitter {
  ev(body: EventBody): void;
  events: TraceEvent[];
}

function emitter(run: string, startT: number, rnd: () => number): Emitter {
  let seq = 0;
  let t = startT;
  const events: TraceEvent[] = [];
  return {
    events,
    ev(body) {
      t += 0.5 + rnd() * 20;
      events.push({ v: 1, run, seq: seq++, t: Math.round(t * 1000) / 1000, ...body } as TraceEvent);
    },
  };
}

type Op = { kind: 'none' } | { kind: 'read'; key: string } | { kind: 'write'; key: string };

/** Generates one run. Without faults it is a correct causal schedule: nothing above `info`. */
export function synthesizeRun(opts: SynthOptions): TraceEvent[] {
  const rnd = seededRandom(opts.seed);
  const run = opts.run ?? `synth-${opts.seed}`;
  const { ev, events } = emitter(run, opts.startT ?? 1_760_000_000_000, rnd);
  const keyCount = opts.keys ?? 4;
  const versions = new Map<string, number>();
  const bump = (key: string) => {
    const v = (versions.get(key) ?? 0) + 1;
    versions.set(key, v);
    return v;
  };
  const read = (key: string): KeyVersion => ({ key, version: versions.get(key) ?? 0 });
  const faults = [...(opts.faults ?? [])];
  const faultAt = new Map<number, FaultType>();
  for (const f of faults) {
    let turn = 1 + Math.floor(rnd() * (opts.turns + faults.length));
    while (faultAt.has(turn)) turn++;
    faultAt.set(turn, f);
  }
  const totalTurns = opts.turns + faults.length;
  let callNo = 0;
  const newId = () => `c${++callNo}`;
  /** Late results of timed-out calls, delivered after the next request. */
  let late: { turn: number; id: string; orphan: boolean }[] = [];
  const deliverLate = () => {
    for (const l of late) {
      ev({ type: 'tool.end', turn: l.turn, call: l.id, ok: true, result: 'late' });
      if (l.orphan) ev({ type: 'tool.orphan', turn: l.turn, call: l.id, reason: 'late' });
    }
    late = [];
  };

  ev({ type: 'run.start', agent: 'synth', mode: faults.length ? 'naive' : 'causal' });
  for (let turn = 1; turn <= totalTurns + 1; turn++) {
    ev({ type: 'llm.request', turn });
    if (rnd() < 0.5) deliverLate();
    if (turn === totalTurns + 1) {
      ev({ type: 'llm.response', turn, calls: [] });
      break;
    }
    const fault = faultAt.get(turn);
    if (fault) {
      injectFault(fault, turn, { ev, newId, bump, read, key: `k${Math.floor(rnd() * keyCount)}`, late });
      deliverLate();
      continue;
    }
    // A correct batch: conflicting calls run one after another in call order, writers before the
    // readers of their key (so no read is older than a write the model sees with it).
    const n = 1 + Math.floor(rnd() * opts.maxCalls);
    const ops: Op[] = [];
    const writtenHere = new Set<string>();
    const readHere = new Set<string>();
    for (let i = 0; i < n; i++) {
      const key = `k${Math.floor(rnd() * keyCount)}`;
      const r = rnd();
      if (r < 0.3 && !readHere.has(key)) {
        ops.push({ kind: 'write', key });
        writtenHere.add(key);
      } else if (r < 0.6) {
        ops.push({ kind: 'read', key });
        readHere.add(key);
      } else ops.push({ kind: 'none' });
    }
    const calls: ToolCallSpec[] = ops.map((op) => ({
      id: newId(),
      name: op.kind === 'none' ? 'compute' : `${op.kind}_state`,
      args: op,
    }));
    ev({ type: 'llm.response', turn, calls });
    // Waves: a call waits for every earlier call that touches one of its keys with a write.
    const timedOut = new Set<number>();
    const done = new Set<number>();
    const pending = ops.map((_, i) => i);
    while (pending.length > 0) {
      const wave = pending.filter(
        (i) =>
          !pending.some(
            (j) => j < i && ops[j]!.kind !== 'none' && ops[i]!.kind !== 'none' && conflicts(ops[i]!, ops[j]!),
          ),
      );
      for (const i of wave) ev({ type: 'tool.start', turn, call: calls[i]!.id });
      const order = [...wave].sort(() => rnd() - 0.5);
      for (const i of order) {
        const op = ops[i]!;
        const id = calls[i]!.id;
        if (op.kind === 'none' && rnd() < (opts.timeoutRate ?? 0.05)) {
          ev({ type: 'tool.timeout', turn, call: id });
          timedOut.add(i);
          late.push({ turn, id, orphan: true });
        } else if (op.kind === 'write')
          ev({
            type: 'tool.end',
            turn,
            call: id,
            ok: true,
            writes: [{ key: op.key, version: bump(op.key) }],
          });
        else if (op.kind === 'read')
          ev({ type: 'tool.end', turn, call: id, ok: true, result: 'v', reads: [read(op.key)] });
        else ev({ type: 'tool.end', turn, call: id, ok: rnd() > 0.1, result: 'r' });
        done.add(i);
      }
      for (const i of wave) pending.splice(pending.indexOf(i), 1);
    }
    for (let i = 0; i < n; i++) {
      ev({ type: 'tool.commit', turn, call: calls[i]!.id, ...(timedOut.has(i) ? { synthetic: true } : {}) });
    }
  }
  deliverLate();
  ev({ type: 'run.end', status: 'ok' });
  return events;
}

function conflicts(a: Op, b: Op): boolean {
  if (a.kind === 'none' || b.kind === 'none' || a.key !== b.key) return false;
  return a.kind === 'write' || b.kind === 'write';
}

interface FaultCtx {
  ev: Emitter['ev'];
  newId: () => string;
  bump: (key: string) => number;
  read: (key: string) => KeyVersion;
  key: string;
  late: { turn: number; id: string; orphan: boolean }[];
}

function injectFault(fault: FaultType, turn: number, x: FaultCtx): void {
  const { ev, key } = x;
  const a = x.newId();
  const b = x.newId();
  const calls = [
    { id: a, name: 'tool_a' },
    { id: b, name: 'tool_b' },
  ];
  const start = () => {
    ev({ type: 'tool.start', turn, call: a });
    ev({ type: 'tool.start', turn, call: b });
  };
  ev({ type: 'llm.response', turn, calls });
  switch (fault) {
    case 'premature-llm-call': // a hangs forever and nobody waits for it
      start();
      ev({ type: 'tool.end', turn, call: b, ok: true });
      ev({ type: 'tool.commit', turn, call: b });
      return;
    case 'late-commit': // a times out, but its real result is committed after the next request
      start();
      ev({ type: 'tool.end', turn, call: b, ok: true });
      ev({ type: 'tool.timeout', turn, call: a });
      ev({ type: 'tool.commit', turn, call: b });
      ev({ type: 'llm.request', turn: turn + 1 });
      ev({ type: 'tool.end', turn, call: a, ok: true });
      ev({ type: 'tool.commit', turn, call: a });
      return;
    case 'commit-order':
      start();
      ev({ type: 'tool.end', turn, call: b, ok: true });
      ev({ type: 'tool.end', turn, call: a, ok: true });
      ev({ type: 'tool.commit', turn, call: b });
      ev({ type: 'tool.commit', turn, call: a });
      return;
    case 'orphaned-result':
    case 'orphaned-result-dropped':
      start();
      ev({ type: 'tool.end', turn, call: b, ok: true });
      ev({ type: 'tool.timeout', turn, call: a });
      ev({ type: 'tool.commit', turn, call: a, synthetic: true });
      ev({ type: 'tool.commit', turn, call: b });
      x.late.push({ turn, id: a, orphan: fault === 'orphaned-result' });
      return;
    case 'stale-read': // b writes first; a then reads a lagging replica's older version
      ev({ type: 'tool.start', turn, call: b });
      ev({ type: 'tool.end', turn, call: b, ok: true, writes: [{ key, version: x.bump(key) }] });
      ev({ type: 'tool.start', turn, call: a });
      ev({ type: 'tool.end', turn, call: a, ok: true, reads: [{ key, version: x.read(key).version - 1 }] });
      ev({ type: 'tool.commit', turn, call: a });
      ev({ type: 'tool.commit', turn, call: b });
      return;
    case 'rw-race': // concurrent, and this time the read happened to see the write
      start();
      ev({ type: 'tool.end', turn, call: b, ok: true, writes: [{ key, version: x.bump(key) }] });
      ev({ type: 'tool.end', turn, call: a, ok: true, reads: [x.read(key)] });
      ev({ type: 'tool.commit', turn, call: a });
      ev({ type: 'tool.commit', turn, call: b });
      return;
    case 'ww-conflict':
      start();
      ev({ type: 'tool.end', turn, call: a, ok: true, writes: [{ key, version: x.bump(key) }] });
      ev({ type: 'tool.end', turn, call: b, ok: true, writes: [{ key, version: x.bump(key) }] });
      ev({ type: 'tool.commit', turn, call: a });
      ev({ type: 'tool.commit', turn, call: b });
      return;
    case 'unmatched-result':
      start();
      ev({ type: 'tool.end', turn, call: a, ok: true });
      ev({ type: 'tool.end', turn, call: b, ok: true });
      ev({ type: 'tool.commit', turn, call: a });
      ev({ type: 'tool.commit', turn, call: b });
      ev({ type: 'tool.commit', turn, call: `${a}-retry` });
      return;
  }
}
