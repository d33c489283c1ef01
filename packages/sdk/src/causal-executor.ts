// The enforcing executor: turns in strict logical-clock order, a batch's calls in parallel (ordered
// only where they conflict on a state key), deadlines it enforces itself, and one atomic commit
// in call-index order before the model may be called again. Late results go to the orphan buffer.
import type { KeyVersion, ToolCallSpec } from '@causelane/trace-schema';
import type { ToolResultEntry } from './agent-context.ts';
import { type Clock, realClock } from './clock.ts';
import { conflictSchedule } from './conflict-schedule.ts';
import type { Batch, BatchEnv, CallOutcome, Executor, OrphanedResult } from './executor.ts';
import { CallRecorder, endFields, invokeTool } from './invoke-tool.ts';
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
  /** Timed-out calls whose answer has not come yet, and who waits for them to reach zero. */
  private stragglerCount = 0;
  private readonly stragglerWaiters: (() => void)[] = [];
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
      throw new Error(
        `cannot call the model for turn ${turn}: the batch of turn ${this.openTurn} has not closed`,
      );
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
      throw new Error(
        `turn ${turn} cannot start: turn ids go up by one and the last turn was ${this.lastTurn}`,
      );
    }
    const ids = new Set<string>();
    for (const c of batch.calls) {
      if (ids.has(c.id))
        throw new Error(`turn ${turn} lists call id ${c.id} twice; each call needs its own id`);
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

  /**
   * Starts every call as soon as the calls it conflicts with are done; resolves when every call is
   * resolved (answered, timed out, or refused). One timer per batch, armed for the earliest deadline,
   * instead of a timer and an AbortController per call: that is most of the executor's overhead.
   */
  private dispatch(batch: Batch, env: BatchEnv): Promise<Slot[]> {
    const { turn, calls } = batch;
    const { tracer } = env;
    const n = calls.length;
    const access = calls.map((c) => accessOf(env.tools.get(c.name), c.args));
    const preds = conflictSchedule(access);
    const dependents: number[][] = calls.map(() => []);
    const waitingOn = preds.map((p, j) => {
      for (const i of p) dependents[i]!.push(j);
      return p.length;
    });
    const slots: (Slot | undefined)[] = new Array(n);
    const running: boolean[] = new Array(n).fill(false);
    const deadline: number[] = new Array(n).fill(Number.POSITIVE_INFINITY);
    const contexts: (CallRecorder | undefined)[] = new Array(n);
    const batchDeadline = this.clock.now() + this.batchTimeoutMs;
    let remaining = n;
    let timerAt = Number.POSITIVE_INFINITY;
    let cancelTimer: (() => void) | undefined;

    return new Promise<Slot[]>((resolveBatch) => {
      const arm = (at: number) => {
        if (at >= timerAt) return;
        cancelTimer?.();
        timerAt = at;
        cancelTimer = this.clock.setTimer(Math.max(0, at - this.clock.now()), onTimer);
      };
      const settle = (i: number, slot: Slot) => {
        if (slots[i]) return;
        slots[i] = slot;
        remaining--;
        for (const d of dependents[i]!) if (--waitingOn[d]! === 0) start(d);
        if (remaining === 0) {
          cancelTimer?.();
          resolveBatch(slots as Slot[]);
        }
      };
      const timeOut = (i: number, why: string) => {
        const spec = calls[i]!;
        tracer.emit({ type: 'tool.timeout', turn, call: spec.id });
        contexts[i]?.abort(new Error(`timed out in turn ${turn}`));
        this.stragglerCount++;
        for (const k of access[i]!.writes) this.inDoubt.set(k, spec.id);
        settle(i, { spec, index: i, kind: 'synthetic', error: `timed out: no result before ${why}` });
      };
      const onTimer = () => {
        timerAt = Number.POSITIVE_INFINITY;
        cancelTimer = undefined;
        // Timers may fire a hair early on a real clock; a call is due within half a millisecond.
        const now = this.clock.now() + 0.5;
        let next = Number.POSITIVE_INFINITY;
        for (let i = 0; i < n; i++) {
          if (slots[i]) continue;
          if (running[i]) {
            if (deadline[i]! <= now)
              timeOut(i, deadline[i] === batchDeadline ? 'the batch deadline' : 'its deadline');
            else next = Math.min(next, deadline[i]!);
          } else if (batchDeadline <= now) {
            const error = 'not run: the batch deadline passed while it waited';
            settle(i, { spec: calls[i]!, index: i, kind: 'synthetic', error });
          } else next = Math.min(next, batchDeadline);
        }
        if (next < Number.POSITIVE_INFINITY) arm(next);
      };
      const start = (i: number) => {
        const spec = calls[i]!;
        const keys = [...access[i]!.reads, ...access[i]!.writes];
        const doubtful = keys.find((k) => this.inDoubt.has(k));
        if (doubtful !== undefined) {
          const error = `not run: ${doubtful} has an unconfirmed write from call ${this.inDoubt.get(doubtful)}`;
          settle(i, { spec, index: i, kind: 'synthetic', error });
          return;
        }
        tracer.emit({ type: 'tool.start', turn, call: spec.id });
        running[i] = true;
        deadline[i] = Math.min(this.clock.now() + this.callTimeoutMs, batchDeadline);
        arm(deadline[i]!);
        const ctx = new CallRecorder(turn, spec.id, this.minVersion);
        contexts[i] = ctx;
        invokeTool(env.tools.get(spec.name), spec, ctx).then((outcome) => {
          if (!slots[i]) settle(i, this.arrived(turn, spec, i, outcome, env));
          else this.lateArrival(turn, spec, outcome, access[i]!.writes, env);
        });
      };
      if (n === 0) resolveBatch([]);
      for (let i = 0; i < n; i++) if (waitingOn[i] === 0) start(i);
      if (remaining > 0 && running.some((r, i) => !r && !slots[i])) arm(batchDeadline);
    });
  }

  private arrived(turn: number, spec: ToolCallSpec, index: number, o: CallOutcome, env: BatchEnv): Slot {
    if (o.answeredAs !== undefined) {
      // The answer names another call id: it is no answer to this call and never reaches the context.
      const error = `the tool answered as call ${o.answeredAs}, which the model never asked for; answer kept out of the context`;
      // The tool did run: its reads and writes are real, so the trace keeps them (the analyzer needs
      // the writes), and the answer itself is recorded as orphaned, as the spec's tool.orphan says.
      const { reads, writes } = endFields(o);
      env.tracer.emit({
        type: 'tool.end',
        turn,
        call: spec.id,
        ok: false,
        error,
        ...(reads ? { reads } : {}),
        ...(writes ? { writes } : {}),
      });
      env.tracer.emit({ type: 'tool.orphan', turn, call: spec.id, reason: 'cancelled' });
      this.orphanBuffer.push({
        turn,
        call: spec.id,
        name: spec.name,
        reason: 'unknown-call',
        ...orphanFields(o),
      });
      this.noteWrites(o.writes);
      return { spec, index, kind: 'synthetic', error };
    }
    env.tracer.emit({ type: 'tool.end', turn, call: spec.id, ...endFields(o) });
    this.noteWrites(o.writes);
    return { spec, index, kind: 'real', outcome: o };
  }

  private lateArrival(
    turn: number,
    spec: ToolCallSpec,
    o: CallOutcome,
    declared: string[],
    env: BatchEnv,
  ): void {
    this.stragglerCount--;
    if (this.stragglerCount === 0) for (const wake of this.stragglerWaiters.splice(0)) wake();
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
          entries.push({
            ...base,
            ok: o.ok,
            ...(o.ok ? { result: o.result } : { error: o.error ?? 'failed' }),
          });
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
    if (this.stragglerCount === 0) return;
    await new Promise<void>((resolve) => {
      const cancel = this.clock.setTimer(ms, resolve);
      this.stragglerWaiters.push(() => {
        cancel();
        resolve();
      });
    });
  }
}

function orphanFields(
  o: CallOutcome,
): Pick<OrphanedResult, 'ok' | 'result' | 'error' | 'writes' | 'answeredAs'> {
  return {
    ok: o.ok,
    ...(o.ok ? { result: o.result } : { error: o.error ?? 'failed' }),
    writes: o.writes,
    ...(o.answeredAs !== undefined ? { answeredAs: o.answeredAs } : {}),
  };
}
