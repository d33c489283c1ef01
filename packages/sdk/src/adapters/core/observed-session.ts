// The trace-only half the adapters share: records what a framework does on its own, without
// changing it. Model calls and answers, each tool's start and end as it happens, and a commit for
// each tool result at the model call whose input first carries it, in that input's order.
import type { KeyVersion, ToolCallSpec } from '@causelane/trace-schema';
import { jsonSnapshot } from '../../executor/json-snapshot.ts';
import { errorText } from '../../executor.ts';
import { scopeCallIds } from '../../run-agent.ts';
import type { Tracer } from '../../tracer.ts';
import type { ModelCall } from './causal-session.ts';
import { NotingContext, type OtelTraceApi, type ToolDeclarations } from './tool-state.ts';

export interface ObservedSessionOptions {
  tracer: Tracer;
  tools?: ToolDeclarations;
  /** `trace` from `@opentelemetry/api`: `traceAi` also sets tool state on the active tool span. */
  otel?: OtelTraceApi;
  agent?: string;
  meta?: Record<string, unknown>;
  /** `run.start`'s mode: the framework's own executor is neither Causelane's naive nor causal one. */
  mode?: 'naive' | 'unknown';
}

interface SeenCall {
  turn: number;
  traceId: string;
  started: boolean;
  ended: boolean;
  committed: boolean;
}

export interface ObservedEnd {
  ok: boolean;
  result?: unknown;
  error?: string;
  reads?: readonly KeyVersion[];
  writes?: readonly KeyVersion[];
}

export class ObservedSession {
  private readonly tracer: Tracer;
  private started = false;
  private ended = false;
  private turn = 0;
  private readonly usedIds = new Set<string>();
  /** By provider id; a later turn reusing an id replaces the entry. */
  private readonly calls = new Map<string, SeenCall>();

  constructor(private readonly opts: ObservedSessionOptions) {
    this.tracer = opts.tracer;
  }

  get declarations(): ToolDeclarations | undefined {
    return this.opts.tools;
  }

  /** `model`: what the framework calls the model, the agent's name when none was given. */
  private start(model?: string): void {
    if (this.started) return;
    this.started = true;
    this.tracer.emit({
      type: 'run.start',
      mode: this.opts.mode ?? 'unknown',
      ...((this.opts.agent ?? model) ? { agent: this.opts.agent ?? model } : {}),
      ...(this.opts.meta ? { meta: this.opts.meta } : {}),
    });
  }

  /**
   * A model call begins; `resultIds` are the provider ids of the tool results in its input, in
   * input order. Each one not yet committed is committed now, then the request is traced.
   */
  modelCallStarting(resultIds: readonly string[], model?: string): number {
    this.start(model);
    for (const id of resultIds) {
      const c = this.calls.get(id);
      if (!c || c.committed) continue;
      c.committed = true;
      this.tracer.emit({ type: 'tool.commit', turn: c.turn, call: c.traceId });
    }
    this.turn++;
    this.tracer.emit({ type: 'llm.request', turn: this.turn });
    return this.turn;
  }

  modelAnswered(calls: readonly ModelCall[]): void {
    const turn = this.turn;
    const specs: ToolCallSpec[] = calls.map((c) => ({
      id: c.id,
      name: c.name,
      ...(c.args !== undefined ? { args: c.args } : {}),
    }));
    const scoped = scopeCallIds(turn, specs, this.usedIds);
    this.tracer.emit({ type: 'llm.response', turn, calls: scoped.calls });
    calls.forEach((c, i) => {
      this.calls.set(c.id, {
        turn,
        traceId: scoped.calls[i]!.id,
        started: false,
        ended: false,
        committed: false,
      });
    });
  }

  private seen(providerId: string): SeenCall {
    let c = this.calls.get(providerId);
    if (!c) {
      // A call no traced answer listed: traced under its own id, which the analyzer reports as unmatched.
      c = {
        turn: Math.max(1, this.turn),
        traceId: providerId,
        started: false,
        ended: false,
        committed: false,
      };
      this.calls.set(providerId, c);
    }
    return c;
  }

  toolStarted(providerId: string): { turn: number; call: string } {
    this.start();
    const c = this.seen(providerId);
    if (!c.started) {
      c.started = true;
      this.tracer.emit({ type: 'tool.start', turn: c.turn, call: c.traceId });
    }
    return { turn: c.turn, call: c.traceId };
  }

  toolEnded(providerId: string, end: ObservedEnd): void {
    const c = this.seen(providerId);
    if (c.ended) return;
    c.ended = true;
    const snap = end.ok ? jsonSnapshot(end.result) : undefined;
    this.tracer.emit({
      type: 'tool.end',
      turn: c.turn,
      call: c.traceId,
      ok: end.ok,
      ...(snap && snap.value !== undefined ? { result: snap.value } : {}),
      ...(snap?.lossy ? { lossy: snap.lossy } : {}),
      ...(!end.ok ? { error: end.error ?? 'failed' } : {}),
      ...(end.reads && end.reads.length > 0 ? { reads: [...end.reads] } : {}),
      ...(end.writes && end.writes.length > 0 ? { writes: [...end.writes] } : {}),
    });
  }

  /** Runs a framework's tool execution (bound with `bindToolRun`) and traces its start and end. */
  async observeRun<T>(
    providerId: string,
    run: (ctx: NotingContext) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const { turn, call } = this.toolStarted(providerId);
    const ctx = new NotingContext(undefined, turn, call, signal);
    try {
      const value = await run(ctx);
      this.toolEnded(providerId, { ok: true, result: value, reads: ctx.reads, writes: ctx.writes });
      return value;
    } catch (err) {
      this.toolEnded(providerId, { ok: false, error: errorText(err), reads: ctx.reads, writes: ctx.writes });
      throw err;
    }
  }

  end(status: 'ok' | 'error' | 'cancelled' = 'ok'): void {
    if (this.ended) return;
    this.ended = true;
    this.start();
    this.tracer.emit({ type: 'run.end', status });
  }
}
