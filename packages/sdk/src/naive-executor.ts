// The executor patterns found in the wild, for teaching and comparison: every call dispatched at
// once, each result committed the moment it arrives, and a loop that may move on before all are in.
import type { ToolCallSpec } from '@causelane/trace-schema';
import type { ToolResultEntry } from './agent-context.ts';
import { type Clock, realClock } from './clock.ts';
import { checkDuration } from './executor/executor-options.ts';
import type { Batch, BatchEnv, CallOutcome, Executor, OrphanedResult } from './executor.ts';
import { CallRecorder, endFields, invokeTool } from './invoke-tool.ts';

export interface NaiveExecutorOptions {
  /**
   * When the loop moves on to the next model call. Default: when every call has answered
   * (`Promise.all`). `results: N` continues after the first N answers, `ms` after a timer (as in
   * cloudflare/agents #1649); whichever comes first.
   */
  continueAfter?: { results?: number; ms?: number };
  /**
   * Gives up waiting for a call after this long (a `Promise.race` timeout) and emits
   * `tool.timeout`, but the call's handler still commits its result when it arrives. Default: no
   * timeout at all, so a hung tool hangs the agent.
   */
  timeoutMs?: number;
  clock?: Clock;
}

const noVersion = () => 0;

export class NaiveExecutor implements Executor {
  readonly mode = 'naive' as const;
  private readonly clock: Clock;
  private readonly inflight = new Set<Promise<unknown>>();

  /** Throws an Error naming the option when one is not usable. */
  constructor(private readonly opts: NaiveExecutorOptions = {}) {
    if (opts.timeoutMs !== undefined) checkDuration('NaiveExecutor', 'timeoutMs', opts.timeoutMs, true);
    if (opts.continueAfter?.ms !== undefined)
      checkDuration('NaiveExecutor', 'continueAfter.ms', opts.continueAfter.ms, true);
    const results = opts.continueAfter?.results;
    if (results !== undefined && !(Number.isInteger(results) && results >= 0))
      throw new Error(
        `NaiveExecutor option continueAfter.results must be an integer >= 0, got ${String(results)}`,
      );
    this.clock = opts.clock ?? realClock;
  }

  /** The naive executor keeps nothing out of the context. */
  get orphans(): readonly OrphanedResult[] {
    return [];
  }

  beforeRequest(): undefined {
    return undefined;
  }

  async runBatch(batch: Batch, env: BatchEnv): Promise<void> {
    const { turn, calls } = batch;
    const { tracer } = env;
    let answered = 0;
    let wake: () => void = () => {};
    const enough = new Promise<void>((r) => {
      wake = r;
    });
    const wanted = Math.min(this.opts.continueAfter?.results ?? calls.length, calls.length);
    const onArrival = (spec: ToolCallSpec, o: CallOutcome) => {
      // Trusts whatever id the answer carries, and commits on arrival: the two habits under study.
      const call = o.answeredAs ?? spec.id;
      tracer.emit({ type: 'tool.end', turn, call, ...endFields(o) });
      tracer.emit({ type: 'tool.commit', turn, call });
      const entry: ToolResultEntry = { role: 'tool', turn, call, name: spec.name, ok: o.ok };
      if (o.ok) entry.result = o.result;
      else entry.error = o.error ?? 'failed';
      env.commit([entry]);
      if (++answered >= wanted) wake();
    };
    const waiters: Promise<unknown>[] = [];
    for (const spec of calls) {
      tracer.emit({ type: 'tool.start', turn, call: spec.id });
      // The naive loop never cancels anything and knows nothing of versions.
      const ctx = new CallRecorder(turn, spec.id, noVersion);
      const handler = invokeTool(env.tools.get(spec.name), spec, ctx).then((o) => onArrival(spec, o));
      this.track(handler);
      if (this.opts.timeoutMs === undefined) {
        waiters.push(handler);
        continue;
      }
      const stop = new AbortController();
      const timeout = this.clock.sleep(this.opts.timeoutMs, stop.signal).then(
        () => {
          tracer.emit({ type: 'tool.timeout', turn, call: spec.id });
          if (++answered >= wanted) wake();
        },
        () => {},
      );
      void handler.then(() => stop.abort());
      waiters.push(Promise.race([handler, timeout]));
    }
    const stopTimer = new AbortController();
    const timer =
      this.opts.continueAfter?.ms !== undefined
        ? this.clock.sleep(this.opts.continueAfter.ms, stopTimer.signal).catch(() => {})
        : new Promise<void>(() => {});
    if (wanted === 0) wake();
    await Promise.race([Promise.all(waiters), enough, timer]);
    stopTimer.abort();
  }

  private track(p: Promise<unknown>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  async settle(ms: number): Promise<void> {
    if (this.inflight.size === 0) return;
    const stop = new AbortController();
    await Promise.race([Promise.all([...this.inflight]), this.clock.sleep(ms, stop.signal).catch(() => {})]);
    stop.abort();
  }
}
