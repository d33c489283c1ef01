// The enforcing executor: turns in strict logical-clock order, a batch's calls in parallel (ordered
// only where they conflict on a state key), deadlines it enforces itself, and one atomic commit
// in call-index order before the model may be called again. Late results go to the orphan buffer.
import type { KeyVersion, ToolCallSpec } from '@causelane/trace-schema';
import type { ToolResultEntry } from './agent-context.ts';
import { type Clock, realClock } from './clock.ts';
import { conflictSchedule } from './conflict-schedule.ts';
import { type Batch, type BatchEnv, type CallOutcome, type Executor, errorText, type OrphanedResult } from './executor.ts';
import { endFields, invokeTool } from './invoke-tool.ts';
import { accessOf } from './tool.ts';

export interface CausalExecutorOptions {
  /** A call's deadline, from its start. Default 30 s. */
  callTimeoutMs?: number;
  /** The whole batch's deadline, from its start. Default 120 s. */
  batchTimeoutMs?: number;
  /** Hand tools the highest version seen per key, so a lagging replica can be waited out. Default true. */
  readYourWrites?: boolean;
  clock?: Clock;
}

/** How a call ended for the commit: its real outcome, or a stand-in with the reason. */
type Slot = { spec: ToolCallSpec; index: number } & (
  | { kind: 'real'; outcome: CallOutcome }
  | { kind: 'synthetic'; error: string }
);

export class CausalExecutor implements Executor {
  readonly mode = 'causal' as const;
  private readonly callTimeoutMs: number;
  private readonly batchTimeoutMs: number;
  private readonly readYourWrites: boolean;
  private readonly clock: Clock;
  private lastTurn = 0;
  private openTurn: number | null = null;
  /** Highest version seen written per key (committed, or landed late): the read-your-writes floor. */
  private readonly floor = new Map<string, number>();
  /** Keys written by a call that timed out and has not answered: their state is unknown. */
  private readonly inDoubt = new Map<string, string>();
  private readonly stragglers = new Set<Promise<unknown>>();
  /** Commits are serialised through this queue, so two batches' updates can never interleave. */
  private commitQueue: Promise<void> = Promise.resolve();
  private readonly orphanBuffer: OrphanedResult[] = [];

  constructor(opts: CausalExecutorOptions = {}) {
    this.callTimeoutMs = opts.callTimeoutMs ?? 30_000;
    this.batchTimeoutMs = opts.batchTimeoutMs ?? 120_000;
    this.readYourWrites = opts.readYourWrites ?? true;
    this.clock = opts.clock ?? realClock;
  }

  get orphans(): readonly OrphanedResult[] {
    return this.orphanBuffer;
  }

  /** The last turn whose batch started (the logical clock). */
  get turn(): number {
    return this.lastTurn;
  }

  beforeRequest(turn: number): void {
    if (this.openTurn !== null) {
      throw new Error(`cannot call the model for turn ${turn}: the batch of turn ${this.openTurn} has not closed`);
    }
  }

  private minVersion = (key: string): number => (this.readYourWrites ? (this.floor.get(key) ?? 0) : 0);

  private noteWrites(writes: readonly KeyVersion[]): void {
    for (const w of writes) if (w.version > (this.floor.get(w.key) ?? -1)) this.floor.set(w.key, w.version);
  }

  async runBatch(batch: Batch, env: BatchEnv): Promise<void> {
    const { turn } = batch;
    if (this.openTurn !== null) {
      throw new Error(`turn ${turn} cannot start: the batch of turn ${this.openTurn} has not closed`);
    }
    if (turn !== this.lastTurn + 1) {
      throw new Error(`turn ${turn} cannot start: turn ids go up by one and the last turn was ${this.lastTurn}`);
    }
    const ids = new Set<string>();
    for (const c of batch.calls) {
      if (ids.has(c.id)) throw new Error(`turn ${turn} lists call id ${c.id} twice; each call needs its own id`);
      ids.add(c.id);
    }
    this.lastTurn = turn;
    this.openTurn = turn;
    try {
      const slots = await this.dispatch(batch, env);
      await this.commit(turn, slots, env);
    } finally {
      this.openTurn = null;
    }
  }

  /** Starts every call as soon as the calls it conflicts with are done; resolves when all are resolved. */
  private async dispatch(batch: Batch, env: BatchEnv): Promise<Slot[]> {
    const { turn, calls } = batch;
    const { tracer } = env;
    const batchAbort = new AbortController();
    const batchDeadline = this.clock.sleep(this.batchTimeoutMs, batchAbort.signal).then(
      () => 'deadline' as const,
      () => 'cancelled' as const,
    );
    const access = calls.map((c) => accessOf(env.tools.get(c.name), c.args));
    const preds = conflictSchedule(access);
    // One promise per call, created before any call runs, since a call may wait on a later index.
    const finish: ((slot: Slot) => void)[] = [];
    const settled = calls.map(() => new Promise<Slot>((resolve) => finish.push(resolve)));
    const runCall = async (spec: ToolCallSpec, index: number): Promise<Slot> => {
      const waitFor = preds[index]!.map((p) => settled[p]!);
      if (waitFor.length > 0) {
        const first = await Promise.race([Promise.all(waitFor), batchDeadline]);
        if (first === 'deadline' || first === 'cancelled') {
          return { spec, index, kind: 'synthetic', error: 'not run: the batch deadline passed while it waited' };
        }
      }
      const keys = [...access[index]!.reads, ...access[index]!.writes];
      const doubtful = keys.find((k) => this.inDoubt.has(k));
      if (doubtful !== undefined) {
        const by = this.inDoubt.get(doubtful);
        return { spec, index, kind: 'synthetic', error: `not run: ${doubtful} has an unconfirmed write from call ${by}` };
      }
      tracer.emit({ type: 'tool.start', turn, call: spec.id });
      const abort = new AbortController();
      const timer = new AbortController();
      const callDeadline = this.clock
        .sleep(this.callTimeoutMs, timer.signal)
        .then(() => 'deadline' as const, () => 'cancelled' as const);
      const running = invokeTool(env.tools.get(spec.name), spec, turn, abort.signal, this.minVersion);
      const first = await Promise.race([running, callDeadline, batchDeadline]);
      timer.abort();
      if (first !== 'deadline' && first !== 'cancelled') {
        return this.arrived(turn, spec, index, first, env);
      }
      tracer.emit({ type: 'tool.timeout', turn, call: spec.id });
      abort.abort(new Error(`timed out in turn ${turn}`));
      for (const k of access[index]!.writes) this.inDoubt.set(k, spec.id);
      const late = running.then((outcome) => this.lateArrival(turn, spec, outcome, access[index]!.writes, env));
      this.stragglers.add(late);
      void late.finally(() => this.stragglers.delete(late));
      const limit = first === 'deadline' ? 'its deadline' : 'the batch deadline';
      return { spec, index, kind: 'synthetic', error: `timed out: no result before ${limit}` };
    };
    calls.forEach((spec, index) => {
      void runCall(spec, index)
        .catch((err): Slot => ({ spec, index, kind: 'synthetic', error: `not run: ${errorText(err)}` }))
        .then(finish[index]!);
    });
    const slots = await Promise.all(settled);
    batchAbort.abort(new Error('batch closed'));
    return slots;
  }

  private arrived(turn: number, spec: ToolCallSpec, index: number, o: CallOutcome, env: BatchEnv): Slot {
    if (o.answeredAs !== undefined) {
      // The answer names another call id: it is no answer to this call and never reaches the context.
      const error = `the tool answered as call ${o.answeredAs}, which the model never asked for; answer kept out of the context`;
      env.tracer.emit({ type: 'tool.end', turn, call: spec.id, ok: false, error });
      this.orphanBuffer.push({ turn, call: spec.id, name: spec.name, reason: 'unknown-call', ...orphanFields(o) });
      this.noteWrites(o.writes);
      return { spec, index, kind: 'synthetic', error };
    }
    env.tracer.emit({ type: 'tool.end', turn, call: spec.id, ...endFields(o) });
    this.noteWrites(o.writes);
    return { spec, index, kind: 'real', outcome: o };
  }

  private lateArrival(turn: number, spec: ToolCallSpec, o: CallOutcome, declared: string[], env: BatchEnv): void {
    env.tracer.emit({ type: 'tool.end', turn, call: spec.id, ...endFields(o) });
    env.tracer.emit({ type: 'tool.orphan', turn, call: spec.id, reason: 'late' });
    this.orphanBuffer.push({ turn, call: spec.id, name: spec.name, reason: 'late', ...orphanFields(o) });
    this.noteWrites(o.writes);
    for (const k of declared) if (this.inDoubt.get(k) === spec.id) this.inDoubt.delete(k);
  }

  /** One serialised update: every call's commit in index order, then the context append, atomically. */
  private commit(turn: number, slots: Slot[], env: BatchEnv): Promise<void> {
    const step = this.commitQueue.then(() => {
      const entries: ToolResultEntry[] = [];
      for (const s of [...slots].sort((a, b) => a.index - b.index)) {
        const base = { role: 'tool' as const, turn, call: s.spec.id, name: s.spec.name };
        if (s.kind === 'real') {
          env.tracer.emit({ type: 'tool.commit', turn, call: s.spec.id });
          const o = s.outcome;
          entries.push({ ...base, ok: o.ok, ...(o.ok ? { result: o.result } : { error: o.error ?? 'failed' }) });
        } else {
          env.tracer.emit({ type: 'tool.commit', turn, call: s.spec.id, synthetic: true });
          entries.push({ ...base, ok: false, error: s.error, synthetic: true });
        }
      }
      env.commit(entries);
    });
    this.commitQueue = step.catch(() => {});
    return step;
  }

  async settle(ms: number): Promise<void> {
    if (this.stragglers.size === 0) return;
    const stop = new AbortController();
    await Promise.race([Promise.all([...this.stragglers]), this.clock.sleep(ms, stop.signal).catch(() => {})]);
    stop.abort();
  }
}

function orphanFields(o: CallOutcome): Pick<OrphanedResult, 'ok' | 'result' | 'error' | 'writes' | 'answeredAs'> {
  return {
    ok: o.ok,
    ...(o.ok ? { result: o.result } : { error: o.error ?? 'failed' }),
    writes: o.writes,
    ...(o.answeredAs !== undefined ? { answeredAs: o.answeredAs } : {}),
  };
}
