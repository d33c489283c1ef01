// OpenAI Agents SDK drop-in (enforcing): wrap the agent's model (or the runner's model provider) and
// its function tools. The model wrapper traces each call and opens the executor's batch when the
// response (or, streamed, its `response_done` event) lists function calls; each wrapped tool's
// `invoke` waits for that batch and answers only after it has committed, in call order.
import { getCurrentSpan } from '@openai/agents';
import type { OrphanedResult } from '../../executor.ts';
import { CausalSession, type ModelCall, type SessionOptions } from '../core/causal-session.ts';
import { markEnforced } from '../core/enforced-calls.ts';
import { parseInput } from '../core/parse-input.ts';
import { bindToolRun } from '../core/tool-state.ts';

/** The parts of the Agents SDK's `Model` the wrapper uses (structural: `@openai/agents` stays a peer). */
export interface AgentsModel {
  getResponse(request: unknown): Promise<{ output: readonly unknown[] }>;
  getStreamedResponse(request: unknown): AsyncIterable<unknown>;
  getRetryAdvice?(args: unknown): unknown;
}
export interface AgentsModelProvider {
  getModel(name?: string): Promise<AgentsModel> | AgentsModel;
}

interface FunctionCallItem {
  type: string;
  callId?: string;
  name?: string;
  arguments?: string;
}
interface ToolCallDetails {
  toolCall?: { callId?: string };
  signal?: AbortSignal;
}
type Invoke = (runContext: unknown, input: string, details?: ToolCallDetails) => Promise<unknown>;

export interface AgentsAdapter {
  /** The same model, traced and gated: pass it as the agent's `model`. */
  model<M extends AgentsModel>(model: M): M;
  /** A provider whose models are wrapped: `new Runner({ modelProvider })`. */
  modelProvider<P extends AgentsModelProvider>(provider: P): P;
  /** The same tools; function tools run through the executor, hosted tools and handoffs untouched. */
  tools<T extends object>(tools: readonly T[]): T[];
  end(status?: 'ok' | 'error' | 'cancelled'): Promise<void>;
  readonly orphans: readonly OrphanedResult[];
}

function callsOf(output: readonly unknown[]): ModelCall[] {
  const calls: ModelCall[] = [];
  for (const o of output as FunctionCallItem[]) {
    if (o?.type !== 'function_call' || !o.callId || !o.name) continue;
    const parsed = parseInput(o.arguments ?? '');
    calls.push({ id: o.callId, name: o.name, args: parsed.ok ? parsed.value : o.arguments });
  }
  return calls;
}

/**
 * `target` with some methods replaced. A Proxy, not a copy: everything else (fields, `close()`,
 * methods that touch `#private` state) still runs on the real object.
 */
function overriding<T extends object>(target: T, methods: object): T {
  return new Proxy(target, {
    get(t, prop) {
      if (Object.hasOwn(methods, prop)) return (methods as Record<PropertyKey, unknown>)[prop];
      const value = Reflect.get(t, prop, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

export function causelaneAgents(options: SessionOptions): AgentsAdapter {
  const session = new CausalSession(options);
  const known = new Set<string>();
  // The runner does not invoke a call whose arguments are not JSON: fail it at once.
  const refusal = (c: ModelCall) => {
    if (!known.has(c.name)) return `no function tool named ${c.name} was given to causelaneAgents().tools()`;
    return typeof c.args === 'string' ? `the arguments of ${c.name} are not JSON` : undefined;
  };
  const wrapModel = <M extends AgentsModel>(model: M): M => {
    const wrapped: AgentsModel = {
      async getResponse(request) {
        const turn = session.modelCallStarting();
        const response = await model.getResponse(request);
        session.modelAnswered(turn, callsOf(response.output), refusal);
        return response;
      },
      async *getStreamedResponse(request) {
        const turn = session.modelCallStarting();
        let answered = false;
        for await (const event of model.getStreamedResponse(request)) {
          const e = event as { type?: string; response?: { output?: readonly unknown[] } };
          if (e.type === 'response_done' && !answered) {
            answered = true;
            session.modelAnswered(turn, callsOf(e.response?.output ?? []), refusal);
          }
          yield event;
        }
        if (!answered) session.modelAnswered(turn, [], refusal);
      },
    };
    return overriding(model, wrapped);
  };
  const wrapInvoke =
    (name: string, invoke: Invoke): Invoke =>
    async (runContext, input, details) => {
      const callId = details?.toolCall?.callId;
      if (!callId) return invoke(runContext, input, details);
      // The runner's function span is current here; it also spans the wait in the executor's queue.
      const span = getCurrentSpan();
      if (span) markEnforced(span.spanData);
      const parsed = parseInput(input);
      const run = bindToolRun(
        (ctx) => {
          // The runner's details go through; its signal also fires at the executor's deadline.
          const signal = details?.signal ? AbortSignal.any([details.signal, ctx.signal]) : ctx.signal;
          return invoke(runContext, input, { ...details, signal });
        },
        { name, declaration: options.tools?.[name] },
        parsed.ok ? parsed.value : input,
        undefined,
      );
      const outcome = await session.runCall(callId, run);
      if (outcome.ok) return outcome.value;
      // A throwing invoke fails the whole run: a stand-in is a result the model reads, as the
      // SDK's own tool errors are. The tool's own exception keeps the SDK's handling.
      if (outcome.thrown !== undefined) throw outcome.thrown;
      return `An error occurred while running the tool. Error: ${outcome.error}`;
    };
  return {
    model: wrapModel,
    modelProvider: <P extends AgentsModelProvider>(provider: P): P => {
      const p: AgentsModelProvider = { getModel: async (name) => wrapModel(await provider.getModel(name)) };
      return overriding(provider, p);
    },
    tools: (tools) =>
      tools.map((t) => {
        const f = t as { type?: string; name?: string; invoke?: Invoke };
        if (f.type !== 'function' || typeof f.invoke !== 'function' || !f.name) return t;
        known.add(f.name);
        return { ...t, invoke: wrapInvoke(f.name, f.invoke) };
      }),
    end: (status) => session.end(status),
    get orphans() {
      return session.orphans;
    },
  };
}
