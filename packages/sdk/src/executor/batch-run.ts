// One batch of the causal executor, from dispatch to the moment every call is resolved: starts each
// call once its conflicting predecessors are done, enforces the call and batch deadlines with one
// timer, refuses what must not run, and hands late answers back to the executor as orphans.
import type { ToolCallSpec } from '@causelane/trace-schema';
import type { BatchEnv, CallOutcome } from '../executor.ts';
import { CallRecorder, endFields, invokeTool } from '../invoke-tool.ts';
import { firstInDoubt, orphanOf } from './batch-helpers.ts';
import type { BatchHost, Slot } from './batch-host.ts';
import { type CallAccess, conflictSchedule } from './conflict-schedule.ts';
import { declaredAccess } from './declared-access.ts';

export type { BatchHost, Slot } from './batch-host.ts';

const WAITING = 0;
const RUNNING = 1;
const REFUSED = 2;
/** Timers may fire a hair early on a real clock; a deadline is due within half a millisecond. */
const EARLY_MS = 0.5;
const NO_ACCESS: CallAccess = { reads: [], writes: [] };

export class BatchRun {
  private readonly n: number;
  private readonly state: Uint8Array;
  private readonly deadline: Float64Array;
  private readonly slots: (Slot | undefined)[];
  private readonly contexts: (CallRecorder | undefined)[];
  private readonly access: CallAccess[] | undefined;
  /** Refusals found before dispatch (an access() that threw), by index. */
  private readonly refusals: (string | undefined)[] | undefined;
  private readonly waitingOn: Int32Array | undefined;
  private readonly dependents: number[][] | undefined;
  private readonly batchDeadline: number;
  private remaining: number;
  private readyQueue: number[] = [];
  /**
   * Keys a timed-out call of this batch may still be reading, with how many such calls: a writer
   * of one must not run beside it (an rw-race the trace would show), so it is refused instead.
   */
  private readonly straggling = new Map<string, { call: string; count: number }>();
  private draining = false;
  private timerAt = Number.POSITIVE_INFINITY;
  private cancelTimer: (() => void) | undefined;
  private resolve!: (slots: Slot[]) => void;
  readonly done: Promise<Slot[]>;

  constructor(
    private readonly host: BatchHost,
    private readonly turn: number,
    private readonly calls: readonly ToolCallSpec[],
    private readonly env: BatchEnv,
  ) {
    const n = calls.length;
    this.n = n;
    this.remaining = n;
    this.state = new Uint8Array(n);
    this.deadline = new Float64Array(n);
    this.slots = new Array(n);
    this.contexts = new Array(n);
    this.batchDeadline = host.clock.now() + host.batchTimeoutMs;
    this.done = new Promise<Slot[]>((r) => {
      this.resolve = r;
    });
    let access: CallAccess[] | undefined;
    let refusals: (string | undefined)[] | undefined;
    for (let i = 0; i < n; i++) {
      const tool = env.tools.get(calls[i]!.name);
      if (!tool?.access) continue;
      access ??= new Array<CallAccess>(n).fill(NO_ACCESS);
      try {
        access[i] = declaredAccess(tool, calls[i]!.args);
      } catch (err) {
        refusals ??= new Array(n);
        refusals[i] = `not run: ${err instanceof Error ? err.message : 'access() threw'}`;
      }
    }
    this.access = access;
    this.refusals = refusals;
    const preds = access ? conflictSchedule(access) : undefined;
    if (preds?.some((p) => p.length > 0)) {
      const dependents: number[][] = new Array(n);
      const waitingOn = new Int32Array(n);
      for (let j = 0; j < n; j++) dependents[j] = [];
      for (let j = 0; j < n; j++) {
        const p = preds[j]!;
        waitingOn[j] = p.length;
        for (let k = 0; k < p.length; k++) dependents[p[k]!]!.push(j);
      }
      this.dependents = dependents;
      this.waitingOn = waitingOn;
    }
  }

  /** Starts every call that waits on nothing; the promise `done` resolves when all are resolved. */
  run(): Promise<Slot[]> {
    if (this.n === 0) this.resolve([]);
    const waitingOn = this.waitingOn;
    for (let i = 0; i < this.n; i++) if (!waitingOn || waitingOn[i] === 0) this.readyQueue.push(i);
    this.drain();
    if (this.remaining > 0) this.arm(this.batchDeadline);
    return this.done;
  }

  /** Starts queued calls one by one; a start that settles at once only queues its dependents (no recursion). */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    const q = this.readyQueue;
    for (let k = 0; k < q.length; k++) this.start(q[k]!);
    q.length = 0;
    this.draining = false;
  }

  /** The guard: a call starts once, only while waiting, never after the batch deadline. */
  private start(i: number): void {
    if (this.state[i] !== WAITING || this.slots[i] !== undefined) return;
    const spec = this.calls[i]!;
    const host = this.host;
    const refusal = this.refusals?.[i];
    if (refusal !== undefined) {
      this.refuse(i, refusal);
      return;
    }
    const now = host.clock.now();
    if (this.batchDeadline <= now + EARLY_MS) {
      this.refuse(i, 'not run: the batch deadline passed while it waited');
      return;
    }
    const access = this.access?.[i];
    if (access && host.inDoubt.size > 0) {
      const doubtful = firstInDoubt(access, host.inDoubt);
      if (doubtful !== undefined) {
        this.refuse(
          i,
          `not run: ${doubtful} has an unconfirmed write from call ${host.inDoubt.get(doubtful)}`,
        );
        return;
      }
    }
    if (access && this.straggling.size > 0) {
      for (const k of access.writes) {
        const reader = this.straggling.get(k);
        if (reader) {
          this.refuse(i, `not run: ${k} is still being read by timed-out call ${reader.call}`);
          return;
        }
      }
    }
    this.state[i] = RUNNING;
    this.env.tracer.emit({ type: 'tool.start', turn: this.turn, call: spec.id });
    const due = Math.min(now + host.callTimeoutMs, this.batchDeadline);
    this.deadline[i] = due;
    this.arm(due);
    const ctx = new CallRecorder(this.turn, spec.id, host.minVersion);
    this.contexts[i] = ctx;
    invokeTool(this.env.tools.get(spec.name), spec, ctx).then((o) => this.answered(i, o));
  }

  private refuse(i: number, error: string): void {
    this.state[i] = REFUSED;
    this.settle(i, { kind: 'synthetic', spec: this.calls[i]!, error });
  }

  private settle(i: number, slot: Slot): void {
    if (this.slots[i] !== undefined) return;
    this.slots[i] = slot;
    this.remaining--;
    const deps = this.dependents?.[i];
    if (deps && deps.length > 0) {
      const waitingOn = this.waitingOn!;
      for (const d of deps) if (--waitingOn[d]! === 0) this.readyQueue.push(d);
      this.drain();
    }
    if (this.remaining === 0) {
      this.cancelTimer?.();
      this.cancelTimer = undefined;
      this.resolve(this.slots as Slot[]);
    }
  }

  /** The call's one answer. Runs in a floating promise, so it must never throw. */
  private answered(i: number, o: CallOutcome): void {
    const straggler = this.slots[i] !== undefined;
    try {
      if (straggler) this.late(i, o);
      else this.settle(i, this.arrived(i, o));
    } catch (err) {
      // Recording failed (a tracer that throws): the call still resolves, the batch never hangs.
      const error = `answer could not be recorded: ${err instanceof Error ? err.message : 'unknown error'}`;
      if (!straggler) this.settle(i, { kind: 'synthetic', spec: this.calls[i]!, error });
    }
  }

  private arrived(i: number, o: CallOutcome): Slot {
    const spec = this.calls[i]!;
    const { tracer } = this.env;
    const turn = this.turn;
    if (o.answeredAs === undefined) {
      tracer.emit({ type: 'tool.end', turn, call: spec.id, ...endFields(o) });
      if (o.writes.length > 0) this.host.noteWrites(o.writes);
      return { kind: 'real', spec, outcome: o };
    }
    // The answer names another call id: it is no answer to this call and never reaches the context.
    // The tool did run, so its reads and writes are real and stay in the trace; the answer itself
    // is recorded as orphaned, as the spec's tool.orphan says.
    const error = `the tool answered as call ${o.answeredAs}, which the model never asked for; answer kept out of the context`;
    const { reads, writes } = endFields(o);
    this.host.orphaned(orphanOf(turn, spec, 'unknown-call', o), false);
    this.host.noteWrites(o.writes);
    tracer.emit({
      type: 'tool.end',
      turn,
      call: spec.id,
      ok: false,
      error,
      ...(reads ? { reads } : {}),
      ...(writes ? { writes } : {}),
    });
    tracer.emit({ type: 'tool.orphan', turn, call: spec.id, reason: 'cancelled' });
    return { kind: 'synthetic', spec, error };
  }

  /** A timed-out call answered: orphan buffer first (it must never be lost), then the trace. */
  private late(i: number, o: CallOutcome): void {
    const spec = this.calls[i]!;
    this.host.noteWrites(o.writes);
    const access = this.access?.[i];
    if (access) {
      for (const k of access.writes) if (this.host.inDoubt.get(k) === spec.id) this.host.inDoubt.delete(k);
      for (const k of access.reads) {
        const r = this.straggling.get(k);
        if (r && --r.count === 0) this.straggling.delete(k);
      }
    }
    this.host.orphaned(orphanOf(this.turn, spec, 'late', o), true);
    const { tracer } = this.env;
    tracer.emit({ type: 'tool.end', turn: this.turn, call: spec.id, ...endFields(o) });
    tracer.emit({ type: 'tool.orphan', turn: this.turn, call: spec.id, reason: 'late' });
  }

  private arm(at: number): void {
    if (at >= this.timerAt || this.remaining === 0) return;
    this.cancelTimer?.();
    this.timerAt = at;
    const clock = this.host.clock;
    this.cancelTimer = clock.setTimer(Math.max(0, at - clock.now()), () => this.onTimer());
  }

  private onTimer(): void {
    this.timerAt = Number.POSITIVE_INFINITY;
    this.cancelTimer = undefined;
    const now = this.host.clock.now() + EARLY_MS;
    const batchDue = this.batchDeadline <= now;
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.n; i++) {
      if (this.slots[i] !== undefined) continue;
      if (this.state[i] === RUNNING) {
        const due = this.deadline[i]!;
        if (due <= now) this.timeOut(i, due === this.batchDeadline ? 'the batch deadline' : 'its deadline');
        else if (due < next) next = due;
      } else if (batchDue) this.refuse(i, 'not run: the batch deadline passed while it waited');
      else if (this.batchDeadline < next) next = this.batchDeadline;
    }
    if (next < Number.POSITIVE_INFINITY) this.arm(next);
  }

  private timeOut(i: number, why: string): void {
    const spec = this.calls[i]!;
    this.env.tracer.emit({ type: 'tool.timeout', turn: this.turn, call: spec.id });
    this.contexts[i]!.abort(new Error(`timed out in turn ${this.turn}`));
    this.host.straggling();
    const access = this.access?.[i];
    if (access) {
      for (const k of access.writes) this.host.inDoubt.set(k, spec.id);
      for (const k of access.reads) {
        const r = this.straggling.get(k);
        if (r) r.count++;
        else this.straggling.set(k, { call: spec.id, count: 1 });
      }
    }
    this.settle(i, { kind: 'synthetic', spec, error: `timed out: no result before ${why}` });
  }
}
