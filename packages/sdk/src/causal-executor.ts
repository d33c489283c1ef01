// The enforcing executor: turns in strict logical-clock order owned by the loop that announces
// them, a batch's calls in parallel (ordered only where they conflict on a state key, see
// executor/batch-run.ts), deadlines it enforces itself, and one atomic commit in call-index order
// before the model may be called again. Late results go to the orphan buffer.
import type { KeyVersion } from '@causelane/trace-schema';
import type { ToolResultEntry } from './agent-context.ts';
import { type Clock, realClock } from './clock.ts';
import { type BatchHost, BatchRun, type Slot } from './executor/batch-run.ts';
import { checkedOptions } from './executor/executor-options.ts';
import type { Batch, BatchEnv, Executor, OrphanedResult, TurnTicket } from './executor.ts';

export interface CausalExecutorOptions {
  /** A call's deadline, from its start: a positive number of ms, or Infinity for none. Default 30 s. */
  callTimeoutMs?: number;
  /** The whole batch's deadline, from its start: a positive, finite number of ms. Default 120 s. */
  batchTimeoutMs?: number;
  /** Hand tools the highest version seen per key, so a lagging replica can be waited out. Default true. */
  readYourWrites?: boolean;
  clock?: Clock;
}

export class CausalExecutor implements Executor, BatchHost {
  readonly mode = 'causal' as const;
  readonly callTimeoutMs: number;
  readonly batchTimeoutMs: number;
  readonly clock: Clock;
  private readonly readYourWrites: boolean;
  private lastTurn = 0;
  private openTurn: number | null = null;
  /** The ticket beforeRequest handed out for the next turn; once one was, every turn needs its own. */
  private announced: TurnTicket | undefined;
  private ticketed = false;
  /** Highest version seen written per key (committed, or landed late): the read-your-writes floor. */
  private readonly floor = new Map<string, number>();
  readonly inDoubt = new Map<string, string>();
  /** Timed-out calls whose answer has not come yet, and who waits for them to reach zero. */
  private stragglerCount = 0;
  private readonly stragglerWaiters: (() => void)[] = [];
  /** Commits are serialised through this queue, so two batches' updates can never interleave. */
  private commitQueue: Promise<void> = Promise.resolve();
  private readonly orphanBuffer: OrphanedResult[] = [];

  /** Throws an Error naming the option when one is not usable (NaN, a string, negative, …). */
  constructor(opts: CausalExecutorOptions = {}) {
    const o = checkedOptions(opts);
    this.callTimeoutMs = o.callTimeoutMs;
    this.batchTimeoutMs = o.batchTimeoutMs;
    this.readYourWrites = o.readYourWrites;
    this.clock = o.clock ?? realClock;
  }

  get orphans(): readonly OrphanedResult[] {
    return this.orphanBuffer;
  }

  /** The last turn whose batch started (the logical clock). */
  get turn(): number {
    return this.lastTurn;
  }

  /**
   * Announces the model call for `turn`, which must be the next one, once. The returned ticket
   * makes the caller the owner of that turn: its batch runs only with `batch.ticket` set to it, so
   * no one else (a timed-out tool holding the executor) can take it.
   */
  beforeRequest(turn: number): TurnTicket {
    if (this.openTurn !== null) {
      throw new Error(
        `cannot call the model for turn ${turn}: the batch of turn ${this.openTurn} has not closed`,
      );
    }
    const next = this.lastTurn + 1;
    if (turn !== next) throw new Error(`cannot call the model for turn ${turn}: the next turn is ${next}`);
    if (this.announced)
      throw new Error(
        `cannot call the model for turn ${turn}: beforeRequest(${turn}) was already called, and its caller owns the turn`,
      );
    this.ticketed = true;
    this.announced = { turn };
    return this.announced;
  }

  readonly minVersion = (key: string): number => (this.readYourWrites ? (this.floor.get(key) ?? 0) : 0);

  noteWrites(writes: readonly KeyVersion[]): void {
    for (const w of writes) if (w.version > (this.floor.get(w.key) ?? -1)) this.floor.set(w.key, w.version);
  }

  straggling(): void {
    this.stragglerCount++;
  }

  orphaned(orphan: OrphanedResult, straggler: boolean): void {
    this.orphanBuffer.push(orphan);
    if (!straggler) return;
    this.stragglerCount--;
    if (this.stragglerCount === 0) for (const wake of this.stragglerWaiters.splice(0)) wake();
  }

  async runBatch(batch: Batch, env: BatchEnv): Promise<void> {
    const { turn, calls } = batch;
    if (this.openTurn !== null) {
      throw new Error(`turn ${turn} cannot start: the batch of turn ${this.openTurn} has not closed`);
    }
    if (turn !== this.lastTurn + 1) {
      throw new Error(
        `turn ${turn} cannot start: turn ids go up by one and the last turn was ${this.lastTurn}`,
      );
    }
    if (this.ticketed && (this.announced === undefined || batch.ticket !== this.announced)) {
      throw new Error(
        this.announced === undefined
          ? `turn ${turn} cannot start: call beforeRequest(${turn}) first; this executor's turns belong to the loop that announces them`
          : `turn ${turn} cannot start: it belongs to the loop that called beforeRequest(${turn}); pass the ticket it returned`,
      );
    }
    const ids = new Set<string>();
    for (const c of calls) {
      if (ids.has(c.id))
        throw new Error(`turn ${turn} lists call id ${c.id} twice; each call needs its own id`);
      ids.add(c.id);
    }
    this.lastTurn = turn;
    this.openTurn = turn;
    this.announced = undefined;
    try {
      const slots = await new BatchRun(this, turn, calls, env).run();
      await this.commit(turn, slots, env);
    } finally {
      this.openTurn = null;
    }
  }

  /** One serialised update: every call's commit in index order, then the context append, atomically. */
  private commit(turn: number, slots: readonly Slot[], env: BatchEnv): Promise<void> {
    const step = this.commitQueue.then(() => {
      const { tracer } = env;
      const entries: ToolResultEntry[] = new Array(slots.length);
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i]!;
        const call = s.spec.id;
        if (s.kind === 'real') {
          tracer.emit({ type: 'tool.commit', turn, call });
          const o = s.outcome;
          entries[i] = o.ok
            ? { role: 'tool', turn, call, name: s.spec.name, ok: true, result: o.result }
            : { role: 'tool', turn, call, name: s.spec.name, ok: false, error: o.error ?? 'failed' };
        } else {
          tracer.emit({ type: 'tool.commit', turn, call, synthetic: true });
          entries[i] = {
            role: 'tool',
            turn,
            call,
            name: s.spec.name,
            ok: false,
            error: s.error,
            synthetic: true,
          };
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
