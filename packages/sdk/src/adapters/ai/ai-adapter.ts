// Vercel AI SDK (v6 and v7) drop-in: a language-model middleware that traces each model call and
// opens the executor's batch when the model answers, and a tool-set wrapper whose execute waits for
// that batch. `causelaneAi` enforces the executor's guarantees; `traceAi` only records what the SDK does.
import type { OrphanedResult } from '../../executor.ts';
import { CausalSession, type ModelCall, type SessionOptions } from '../core/causal-session.ts';
import { ObservedSession, type ObservedSessionOptions } from '../core/observed-session.ts';
import { parseInput } from '../core/parse-input.ts';
import { bindToolRun, type NotingContext } from '../core/tool-state.ts';
import { inputProblem } from './input-check.ts';

/** The parts of the provider's call options and results the middleware reads (v3 and v4 agree). */
interface PromptMessage {
  role: string;
  content: unknown;
}
interface ModelPart {
  type: string;
  toolCallId?: string;
  toolName?: string;
  input?: unknown;
  providerExecuted?: boolean;
}

/** A language-model middleware for `wrapLanguageModel` of `ai` 6 or 7. */
export interface CauselaneMiddleware {
  readonly specificationVersion: 'v3';
  wrapGenerate<R extends { content: readonly unknown[] }>(options: {
    doGenerate: () => PromiseLike<R>;
    params: { prompt: readonly PromptMessage[] };
    model: ModelInfo;
  }): Promise<R>;
  wrapStream<R extends { stream: ReadableStream<unknown> }>(options: {
    doStream: () => PromiseLike<R>;
    params: { prompt: readonly PromptMessage[] };
    model: ModelInfo;
  }): Promise<R>;
}

interface ModelInfo {
  readonly provider: string;
  readonly modelId: string;
}
const nameOf = (m: ModelInfo) => `${m.provider}:${m.modelId}`;

export interface AiAdapter {
  /** Pass to `wrapLanguageModel({ model, middleware })`. */
  readonly middleware: CauselaneMiddleware;
  /** The same tool set with each `execute` run through Causelane; schemas and options untouched. */
  tools<T extends Record<string, object>>(tools: T): T;
  /** Waits for the open batch (and `settleMs` for stragglers), then emits `run.end`. */
  end(status?: 'ok' | 'error' | 'cancelled'): Promise<void>;
  /** Late results of timed-out calls, kept out of the model's context. */
  readonly orphans: readonly OrphanedResult[];
}

interface ExecuteOptions {
  toolCallId: string;
  abortSignal?: AbortSignal;
}
type Execute = (input: unknown, options: ExecuteOptions) => unknown;

/** The tool-result ids in a prompt, in prompt order. */
function resultIds(prompt: readonly PromptMessage[]): string[] {
  const ids: string[] = [];
  for (const m of prompt) {
    if (m.role !== 'tool' || !Array.isArray(m.content)) continue;
    for (const p of m.content as ModelPart[])
      if (p.type === 'tool-result' && p.toolCallId) ids.push(p.toolCallId);
  }
  return ids;
}

function modelCall(p: ModelPart): ModelCall | undefined {
  if (p.type !== 'tool-call' || p.providerExecuted || !p.toolCallId || !p.toolName) return undefined;
  const parsed = parseInput(p.input);
  return { id: p.toolCallId, name: p.toolName, args: parsed.ok ? parsed.value : p.input };
}

/** Runs an execute to its final value: an AsyncIterable execute streams previews, the last one counts. */
async function finalValue(out: unknown): Promise<unknown> {
  const v = await out;
  if (v !== null && typeof v === 'object' && Symbol.asyncIterator in v && !(v instanceof ReadableStream)) {
    let last: unknown;
    for await (const part of v as AsyncIterable<unknown>) last = part;
    return last;
  }
  return v;
}

interface Hooks {
  starting(prompt: readonly PromptMessage[], model: string): number;
  /** `finish`: the step's unified finish reason (the SDK runs tools only on `stop` / `tool-calls`). */
  answered(turn: number, calls: ModelCall[], finish: string): void;
}

/** A provider's finish reason, as v3/v4 (`{ unified, raw }`) or v2 (a string) spell it. */
function finishOf(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  const unified = (reason as { unified?: unknown } | null)?.unified;
  return typeof unified === 'string' ? unified : 'unknown';
}
const RUNS_TOOLS = new Set(['stop', 'tool-calls']);

function middlewareOf(h: Hooks): CauselaneMiddleware {
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params, model }) {
      const turn = h.starting(params.prompt, nameOf(model));
      const result = await doGenerate();
      h.answered(
        turn,
        (result.content as ModelPart[]).map(modelCall).filter((c): c is ModelCall => c !== undefined),
        finishOf((result as { finishReason?: unknown }).finishReason),
      );
      return result;
    },
    async wrapStream({ doStream, params, model }) {
      const turn = h.starting(params.prompt, nameOf(model));
      const result = await doStream();
      const calls: ModelCall[] = [];
      let answered = false;
      // A stream that ends without `finish` failed: the SDK runs none of its calls.
      const finish = (reason = 'error') => {
        if (answered) return;
        answered = true;
        h.answered(turn, calls, reason);
      };
      const stream = result.stream.pipeThrough(
        new TransformStream<unknown, unknown>({
          transform(chunk, controller) {
            const part = chunk as ModelPart;
            const call = modelCall(part);
            if (call) calls.push(call);
            // The SDK runs tools once it sees `finish`: the batch must be open before that.
            if (part.type === 'finish') finish(finishOf((part as { finishReason?: unknown }).finishReason));
            controller.enqueue(chunk);
          },
          flush: () => finish(),
        }),
      );
      return { ...result, stream };
    },
  };
}

function wrapEach<T extends Record<string, object>>(
  tools: T,
  wrap: (name: string, execute: Execute) => Execute,
  registry: Map<string, object>,
): T {
  const out: Record<string, object> = {};
  for (const [name, tool] of Object.entries(tools)) {
    registry.set(name, tool);
    const execute = (tool as { execute?: Execute }).execute;
    out[name] = typeof execute === 'function' ? { ...tool, execute: wrap(name, execute.bind(tool)) } : tool;
  }
  return out as T;
}

/** Enforcing: the executor runs every call of a model answer, and each execute resolves after the commit. */
export function causelaneAi(options: SessionOptions): AiAdapter {
  const session = new CausalSession(options);
  const registry = new Map<string, object>();
  const refusal = async (call: ModelCall, finish: string): Promise<string | undefined> => {
    if (!RUNS_TOOLS.has(finish))
      return `not run: the AI SDK runs no tools of a step that finished with "${finish}"`;
    const tool = registry.get(call.name) as { execute?: unknown; inputSchema?: unknown } | undefined;
    if (!tool) return `no tool named ${call.name} was given to causelaneAi().tools()`;
    if (typeof tool.execute !== 'function') return `tool ${call.name} has no execute function`;
    return inputProblem(tool.inputSchema, call.args);
  };
  const middleware = middlewareOf({
    starting: (_prompt, model) => session.modelCallStarting(model),
    answered: (turn, calls, finish) => session.modelAnswered(turn, calls, (c) => refusal(c, finish)),
  });
  const wrap =
    (name: string, execute: Execute): Execute =>
    async (input, opts) => {
      const run = bindToolRun(
        (ctx: NotingContext) => {
          // The SDK's options go through as they are; only the signal also fires at the executor's deadline.
          const abortSignal = opts.abortSignal ? AbortSignal.any([opts.abortSignal, ctx.signal]) : ctx.signal;
          return finalValue(execute(input, { ...opts, abortSignal }));
        },
        { name, declaration: options.tools?.[name] },
        input,
        undefined,
      );
      const outcome = await session.runCall(opts.toolCallId, run);
      if (outcome.ok) return outcome.value;
      throw outcome.thrown ?? new Error(outcome.error);
    };
  return {
    middleware,
    tools: (tools) => wrapEach(tools, wrap, registry),
    end: (status) => session.end(status),
    get orphans() {
      return session.orphans;
    },
  };
}

/** Trace-only: records the SDK's own execution (starts, ends, and commits seen in each prompt). */
export function traceAi(options: ObservedSessionOptions): AiAdapter {
  const session = new ObservedSession(options);
  const middleware = middlewareOf({
    starting: (prompt, model) => session.modelCallStarting(resultIds(prompt), model),
    answered: (_turn, calls) => session.modelAnswered(calls),
  });
  const wrap =
    (name: string, execute: Execute): Execute =>
    (input, opts) =>
      session.observeRun(
        opts.toolCallId,
        bindToolRun(
          () => finalValue(execute(input, opts)),
          { name, declaration: options.tools?.[name] },
          input,
          options.otel,
        ),
        opts.abortSignal,
      );
  return {
    middleware,
    tools: (tools) => wrapEach(tools, wrap, new Map()),
    end: async (status) => session.end(status),
    orphans: [],
  };
}
