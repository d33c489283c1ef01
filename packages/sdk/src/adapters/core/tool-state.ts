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

const isKeyVersion = (kv: unknown): kv is KeyVersion => {
  const o = kv as { key?: unknown; version?: unknown } | null;
  return (
    typeof o?.key === 'string' &&
    o.key !== '' &&
    typeof o.version === 'number' &&
    Number.isInteger(o.version) &&
    o.version >= 0
  );
};

/** Keeps the well-formed `{ key, version }` entries; says on stderr what it dropped (never an invalid event). */
function wellFormed(list: readonly unknown[] | undefined, what: string): KeyVersion[] | undefined {
  if (list === undefined) return undefined;
  const ok = list.filter(isKeyVersion);
  if (ok.length < list.length)
    process.stderr.write(
      `causelane: ${what}: dropped ${list.length - ok.length} entries that are not { key: non-empty string, version: integer >= 0 } (${JSON.stringify(list.find((kv) => !isKeyVersion(kv)))})\n`,
    );
  return ok;
}

/**
 * A declaration's `state(args, result)`, guarded: one that throws (a result of another shape)
 * records no state and says so on stderr, and never fails the call or the framework's callback.
 */
export function declaredState(
  decl: ToolDeclaration | undefined,
  name: string,
  args: unknown,
  result: unknown,
): ToolState | undefined {
  if (!decl?.state) return undefined;
  try {
    const state = decl.state(args, result);
    if (!state) return undefined;
    const reads = wellFormed(state.reads, `state() of tool ${name}, reads`);
    const writes = wellFormed(state.writes, `state() of tool ${name}, writes`);
    return { ...(reads ? { reads } : {}), ...(writes ? { writes } : {}) };
  } catch (err) {
    process.stderr.write(
      `causelane: state() declared for tool ${name} threw (${err instanceof Error ? err.message : String(err)}); no reads or writes recorded for this call\n`,
    );
    return undefined;
  }
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
    if (!wellFormed([kv], `noteRead() in call ${this.call}`)?.length) return;
    this.reads.push({ key: kv.key, version: kv.version });
    this.inner?.noteRead(kv);
  }
  noteWrite(kv: KeyVersion): void {
    if (!wellFormed([kv], `noteWrite() in call ${this.call}`)?.length) return;
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
  decl: { name: string; declaration: ToolDeclaration | undefined } | undefined,
  args: unknown,
  otel: OtelTraceApi | undefined,
): (ctx: NotingContext) => Promise<T> {
  return AsyncResource.bind((ctx: NotingContext) =>
    storage.run(ctx, async () => {
      const value = await run(ctx);
      const state = decl ? declaredState(decl.declaration, decl.name, args, value) : undefined;
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
