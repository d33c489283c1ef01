// The enforcing half every drop-in adapter shares: the framework's model call announces a turn, the
// model's answer opens one executor batch, and each tool invocation the framework makes is parked
// until the executor runs it and resolved only after the batch has committed, in call order.
import type { ToolCallSpec } from '@causelane/trace-schema';
import type { ToolResultEntry } from '../../agent-context.ts';
import { CausalExecutor } from '../../causal-executor.ts';
import type { Executor, OrphanedResult, TurnTicket } from '../../executor.ts';
import { scopeCallIds } from '../../run-agent.ts';
import type { Tool, ToolContext } from '../../tool.ts';
import type { Tracer } from '../../tracer.ts';
import { newSlot, type SessionOutcome, type Slot, type ToolRun } from './call-slot.ts';

export type { SessionOutcome, ToolRun } from './call-slot.ts';

import { NotingContext, type ToolDeclarations } from './tool-state.ts';

export interface SessionOptions {
  tracer: Tracer;
  /** Default: a `CausalExecutor` with its default deadlines. */
  executor?: Executor;
  /** Per tool name: the keys it reads and writes, and how to read versions from its result. */
  tools?: ToolDeclarations;
  agent?: string;
  meta?: Record<string, unknown>;
  // No `otel` option here: a framework's tool span also covers the call's wait in the executor's
  // queue, so state on it would show a race the executor prevented. The enforced trace carries it.
  /** How long `end()` waits for timed-out calls, so their late results reach the trace. Default 0. */
  settleMs?: number;
}

/** A call the model asked for, with the provider's id. */
export interface ModelCall {
  id: string;
  name: string;
  args?: unknown;
}

export class CausalSession {
  readonly executor: Executor;
  private readonly tracer: Tracer;
  private started = false;
  private ended = false;
  private turn = 0;
  /** A turn announced whose model answer has not come (a retried model call reuses it). */
  private pending: { turn: number; ticket: TurnTicket | undefined } | undefined;
  private readonly usedIds = new Set<string>();
  /** The latest turn's calls, by the provider's id (what the framework's invocation names). */
  private slots = new Map<string, Slot>();
  private batch: Promise<void> = Promise.resolve();

  constructor(private readonly opts: SessionOptions) {
    this.tracer = opts.tracer;
    this.executor = opts.executor ?? new CausalExecutor();
  }

  /** Results kept out of the context (late answers of timed-out calls). */
  get orphans(): readonly OrphanedResult[] {
    return this.executor.orphans;
  }

  /** `model`: what the framework calls the model, the agent's name when none was given. */
  private start(model?: string): void {
    if (this.started) return;
    this.started = true;
    this.tracer.emit({
      type: 'run.start',
      mode: this.executor.mode,
      ...((this.opts.agent ?? model) ? { agent: this.opts.agent ?? model } : {}),
      ...(this.opts.meta ? { meta: this.opts.meta } : {}),
    });
  }

  /**
   * The framework is about to call the model. Throws while the previous turn's batch is open (the
   * barrier). A retry before the model answered stays in the same turn.
   */
  modelCallStarting(model?: string): number {
    if (this.ended) throw new Error('this Causelane session has ended; start a new one for a new run');
    this.start(model);
    if (this.pending) return this.pending.turn;
    const turn = this.turn + 1;
    const ticket = this.executor.beforeRequest(turn);
    this.turn = turn;
    this.pending = { turn, ticket };
    this.tracer.emit({ type: 'llm.request', turn });
    return turn;
  }

  /**
   * The model answered turn `turn` and asked for `calls` (none ends the turn). Opens the batch;
   * `refusal(call)` names calls the framework will not run (input failing the tool's schema).
   */
  modelAnswered(
    turn: number,
    calls: readonly ModelCall[],
    refusal?: (call: ModelCall) => string | undefined | Promise<string | undefined>,
  ): void {
    if (!this.pending || this.pending.turn !== turn)
      throw new Error(
        `Causelane: a model answer for turn ${turn} came, but turn ${this.pending?.turn ?? 'none'} is open`,
      );
    const { ticket } = this.pending;
    this.pending = undefined;
    const specs: ToolCallSpec[] = calls.map((c) => ({
      id: c.id,
      name: c.name,
      ...(c.args !== undefined ? { args: c.args } : {}),
    }));
    const scoped = scopeCallIds(turn, specs, this.usedIds);
    this.tracer.emit({ type: 'llm.response', turn, calls: scoped.calls });
    if (calls.length === 0) {
      // An empty batch still closes the turn on the executor's clock, so a later model call in the
      // same session (the next user message) is turn + 1 there too.
      this.batch = this.executor
        .runBatch(
          { turn, calls: [], ...(ticket ? { ticket } : {}) },
          { tools: new Map(), tracer: this.tracer, commit: () => {} },
        )
        .catch(() => {});
      return;
    }
    const slots = new Map<string, Slot>();
    const byTrace = new Map<string, Slot>();
    calls.forEach((c, i) => {
      const slot = newSlot(c.id, scoped.calls[i]!.id, refusal ? () => refusal(c) : undefined);
      slots.set(c.id, slot);
      byTrace.set(slot.traceId, slot);
    });
    this.slots = slots;
    const tools = new Map<string, Tool>();
    for (const c of calls) {
      if (tools.has(c.name)) continue;
      const decl = this.opts.tools?.[c.name];
      tools.set(c.name, {
        name: c.name,
        ...(decl?.access ? { access: decl.access } : {}),
        run: (_args, ctx) => this.runSlot(byTrace.get(ctx.call), ctx),
      });
    }
    let closed = false;
    const deliver = (slot: Slot) => {
      const e = slot.entry;
      if (!e || slot.settled) return;
      if (e.ok) slot.resolve({ ok: true, value: slot.real ? slot.real.value : e.result });
      else
        slot.resolve({
          ok: false,
          error: e.error ?? 'failed',
          synthetic: e.synthetic === true,
          ...(slot.thrown && e.synthetic !== true ? { thrown: slot.thrown.error } : {}),
        });
    };
    const commit = (entries: readonly ToolResultEntry[]) => {
      for (const e of entries) {
        const slot = byTrace.get(e.call);
        if (!slot || slot.entry) continue;
        slot.entry = e;
        // An executor that lets the loop go on early commits after its batch resolved.
        if (closed) deliver(slot);
      }
    };
    const ordered = [...byTrace.values()];
    this.batch = this.executor
      .runBatch(
        { turn, calls: scoped.calls, ...(ticket ? { ticket } : {}) },
        { tools, tracer: this.tracer, commit },
      )
      .then(
        () => {
          // Only now, with the batch closed, may the framework see results (and call the model again).
          closed = true;
          for (const s of ordered) deliver(s);
        },
        (err: unknown) => {
          const error = err instanceof Error ? err : new Error(String(err));
          for (const s of ordered) if (!s.settled) s.reject(error);
        },
      );
  }

  private async runSlot(slot: Slot | undefined, ctx: ToolContext): Promise<unknown> {
    if (!slot) throw new Error(`Causelane: no call ${ctx.call} in turn ${ctx.turn}`);
    const refused = slot.refusal ? await slot.refusal() : undefined;
    if (refused !== undefined) throw new Error(refused);
    if (!slot.run) {
      await new Promise<void>((resolve, reject) => {
        const signal = ctx.signal;
        const onAbort = () =>
          reject(new Error('the framework had not run the call when the executor gave up on it'));
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        slot.wake = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      });
    }
    try {
      const value = await slot.run!(new NotingContext(ctx, ctx.turn, ctx.call));
      slot.real = { value };
      return slot.traced ? slot.traced(value) : value;
    } catch (error) {
      slot.thrown = { error };
      throw error;
    }
  }

  /**
   * The framework invokes the call it knows as `providerId`; resolves with the committed outcome
   * once the whole batch has closed. `run` is the framework's real execute, bound with
   * `bindToolRun`. It never runs when the executor refused the call or gave up on it first.
   * `traced` maps the framework's value to what the trace records (a message object's content).
   */
  runCall(providerId: string, run: ToolRun, traced?: (value: unknown) => unknown): Promise<SessionOutcome> {
    const slot = this.slots.get(providerId);
    if (!slot)
      return Promise.reject(
        new Error(
          `Causelane: tool call ${providerId} is not in the last model answer this session saw; wrap the model as well as the tools`,
        ),
      );
    if (slot.run) return Promise.reject(new Error(`Causelane: tool call ${providerId} was invoked twice`));
    slot.run = run;
    slot.traced = traced;
    slot.wake?.();
    return slot.outcome;
  }

  /** Whether the last model answer listed `providerId` and the framework has not invoked it yet. */
  expects(providerId: string): boolean {
    const slot = this.slots.get(providerId);
    return slot !== undefined && slot.run === undefined && !slot.settled;
  }

  /** Waits for the open batch, gives timed-out calls `settleMs` to answer, and emits `run.end`. */
  async end(status: 'ok' | 'error' | 'cancelled' = 'ok'): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.batch;
    await this.executor.settle(this.opts.settleMs ?? 0);
    this.start();
    this.tracer.emit({ type: 'run.end', status });
  }
}
