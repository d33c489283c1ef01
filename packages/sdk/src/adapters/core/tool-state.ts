// What an adapter lets a user declare per tool (the state keys it touches, and the versions it saw)
// and how a tool reaches its Causelane call from inside a framework's execute function.
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import type { KeyVersion } from '@causelane/trace-schema';
import type { ToolAccess, ToolContext } from '../../tool.ts';

/** The versions a call observed and produced, for its `tool.end` (`reads` / `writes`). */
export interface ToolState {
  reads?: readonly KeyVersion[];
  writes?: readonly KeyVersion[];
}

/**
 * Declarations for one tool, by tool name. `access` names the keys (the causal executor orders
 * conflicting calls by them); `state` reads the versions out of a call's arguments and result.
 */
export interface ToolDeclaration {
  access?: ToolAccess | ((args: unknown) => ToolAccess);
  state?: (args: unknown, result: unknown) => ToolState | undefined;
}

export type ToolDeclarations = Readonly<Record<string, ToolDeclaration>>;

/**
 * The slice of `@opentelemetry/api`'s `trace` an adapter needs to put a tool's state on the active
 * span (pass `trace` itself). Kept structural so no adapter depends on OpenTelemetry.
 */
export interface OtelTraceApi {
  getActiveSpan(): { setAttribute(key: string, value: string): unknown } | undefined;
}

/** The span attribute convention read by every OTLP dialect (docs/importers.md). */
export const STATE_ATTRIBUTES = { reads: 'causelane.state.reads', writes: 'causelane.state.writes' } as const;

const storage = new AsyncLocalStorage<ToolContext>();

/**
 * The Causelane call the current tool execution belongs to, inside an adapted tool's execute
 * (undefined outside one). Use it to note versions: `currentToolCall()?.noteRead({ key, version })`.
 */
export function currentToolCall(): ToolContext | undefined {
  return storage.getStore();
}

/** Runs `fn` with `ctx` as the `currentToolCall()` (a framework hook that wraps tool execution). */
export function withToolCall<T>(ctx: ToolContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/**
 * A call's ToolContext as an adapted tool sees it: the executor's (or, trace-only, a stand-in),
 * also keeping what was noted so it can be mirrored on the framework's OpenTelemetry span.
 */
export class NotingContext implements ToolContext {
  readonly reads: KeyVersion[] = [];
  readonly writes: KeyVersion[] = [];
  constructor(
    private readonly inner: ToolContext | undefined,
    readonly turn: number,
    readonly call: string,
    private readonly fallbackSignal?: AbortSignal,
  ) {}
  get signal(): AbortSignal {
    return this.inner?.signal ?? this.fallbackSignal ?? new AbortController().signal;
  }
  minVersion(key: string): number {
    return this.inner?.minVersion(key) ?? 0;
  }
  noteRead(kv: KeyVersion): void {
    this.reads.push({ key: kv.key, version: kv.version });
    this.inner?.noteRead(kv);
  }
  noteWrite(kv: KeyVersion): void {
    this.writes.push({ key: kv.key, version: kv.version });
    this.inner?.noteWrite(kv);
  }
  answerAs(callId: string): void {
    this.inner?.answerAs(callId);
  }
}

/**
 * Binds a framework's tool execution to the async context it was requested in (so the active
 * OpenTelemetry span, or the framework's own context, is the one its execute sees). Inside it
 * `currentToolCall()` answers; after it, the declaration's `state` is noted and mirrored on the
 * active span as the `causelane.state.*` attributes.
 */
export function bindToolRun<T>(
  run: (ctx: NotingContext) => Promise<T> | T,
  decl: ToolDeclaration | undefined,
  args: unknown,
  otel: OtelTraceApi | undefined,
): (ctx: NotingContext) => Promise<T> {
  return AsyncResource.bind((ctx: NotingContext) =>
    storage.run(ctx, async () => {
      const value = await run(ctx);
      const state = decl?.state?.(args, value);
      for (const r of state?.reads ?? []) ctx.noteRead(r);
      for (const w of state?.writes ?? []) ctx.noteWrite(w);
      setSpanState(otel, ctx);
      return value;
    }),
  );
}

/** Writes reads/writes on the active span as the `causelane.state.*` attributes (JSON arrays). */
export function setSpanState(otel: OtelTraceApi | undefined, state: ToolState): void {
  if (!otel) return;
  const span = otel.getActiveSpan();
  if (!span) return;
  if (state.reads && state.reads.length > 0)
    span.setAttribute(STATE_ATTRIBUTES.reads, JSON.stringify(state.reads));
  if (state.writes && state.writes.length > 0)
    span.setAttribute(STATE_ATTRIBUTES.writes, JSON.stringify(state.writes));
}
