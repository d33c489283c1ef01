// `pnpm bench`: per-batch overhead of CausalExecutor against a bare Promise.all, and against one
// LangGraph.js superstep, on zero-latency tools with fan-out 1, 8 and 64. Reported as ratios
// measured in the same process, so the machine's speed cancels out.

import { setMaxListeners } from 'node:events';
import type { ToolCallSpec, TraceEvent } from '@causelane/trace-schema';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import type { ToolResultEntry } from '../src/agent-context.ts';
import { CausalExecutor } from '../src/causal-executor.ts';
import type { SinkAck, TraceSink } from '../src/sinks/trace-sink.ts';
import type { Tool, ToolContext } from '../src/tool.ts';
import { Tracer } from '../src/tracer.ts';

// LangGraph hangs an abort listener per superstep on one signal; the default cap of 10 only warns.
setMaxListeners(0);

const FANOUTS = [1, 8, 64];
const TARGET_MS = Number(process.env.BENCH_MS ?? 1500);

/** A sink that counts and drops: the tracer's batching stays in the measurement, IO does not. */
class CountingSink implements TraceSink {
  events = 0;
  async write(batch: readonly TraceEvent[]): Promise<SinkAck> {
    this.events += batch.length;
    return { stored: batch.length, duplicates: 0 };
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

const tool: Tool = { name: 'echo', run: async (args) => args };
const tools = new Map([[tool.name, tool]]);
const callsFor = (n: number, turn: number): ToolCallSpec[] =>
  Array.from({ length: n }, (_, i) => ({ id: `t${turn}c${i}`, name: 'echo', args: { i } }));

/** Mean µs per batch of `fn`, after a warm-up, over about TARGET_MS. */
async function measure(fn: (turn: number) => Promise<void>): Promise<number> {
  let turn = 0;
  for (let i = 0; i < 200; i++) await fn(++turn);
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < TARGET_MS) {
    for (let i = 0; i < 50; i++) await fn(++turn);
    n += 50;
  }
  return ((performance.now() - start) * 1000) / n;
}

function promiseAll(fanout: number) {
  const context: unknown[] = [];
  return async (turn: number) => {
    const calls = callsFor(fanout, turn);
    const ctx = {} as ToolContext;
    const results = await Promise.all(calls.map((c) => tools.get(c.name)!.run(c.args, ctx)));
    for (let i = 0; i < calls.length; i++) context.push({ call: calls[i]!.id, result: results[i] });
    if (context.length > 10_000) context.length = 0;
  };
}

/** Promise.all that also emits the same trace events (start, end, commit per call): the cost of tracing alone. */
function tracedPromiseAll(fanout: number) {
  const tracer = new Tracer({ run: 'bench-traced', sinks: [new CountingSink()], batchSize: 4096 });
  const context: unknown[] = [];
  return async (turn: number) => {
    const calls = callsFor(fanout, turn);
    const ctx = {} as ToolContext;
    const results = await Promise.all(
      calls.map(async (c) => {
        tracer.emit({ type: 'tool.start', turn, call: c.id });
        const r = await tools.get(c.name)!.run(c.args, ctx);
        tracer.emit({ type: 'tool.end', turn, call: c.id, ok: true, result: r });
        return r;
      }),
    );
    for (let i = 0; i < calls.length; i++) {
      tracer.emit({ type: 'tool.commit', turn, call: calls[i]!.id });
      context.push({ call: calls[i]!.id, result: results[i] });
    }
    if (context.length > 10_000) context.length = 0;
  };
}

function causal(fanout: number) {
  const executor = new CausalExecutor();
  const tracer = new Tracer({ run: 'bench', sinks: [new CountingSink()], batchSize: 4096 });
  const context: ToolResultEntry[] = [];
  const env = {
    tools,
    tracer,
    commit: (entries: readonly ToolResultEntry[]) => {
      context.push(...entries);
      if (context.length > 10_000) context.length = 0;
    },
  };
  return (turn: number) => executor.runBatch({ turn, calls: callsFor(fanout, turn) }, env);
}

function langGraph(fanout: number) {
  const State = Annotation.Root({
    results: Annotation<unknown[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  // One node per call, all reachable from START: LangGraph runs them in one superstep.
  // biome-ignore lint/suspicious/noExplicitAny: the builder's node-name generics grow per addNode call
  let graph = new StateGraph(State) as unknown as StateGraph<typeof State.spec, any, any, string>;
  for (let i = 0; i < fanout; i++) {
    const name = `call_${i}`;
    graph = graph.addNode(name, async () => ({ results: [await tool.run({ i }, {} as ToolContext)] }));
    graph = graph.addEdge(START, name).addEdge(name, END);
  }
  const app = graph.compile();
  return async () => {
    await app.invoke({ results: [] });
  };
}

const rows: string[] = [];
console.log(`node ${process.version}, ${TARGET_MS} ms per measurement`);
for (const fanout of FANOUTS) {
  const base = await measure(promiseAll(fanout));
  const traced = await measure(tracedPromiseAll(fanout));
  const ours = await measure(causal(fanout));
  const lg = await measure(langGraph(fanout));
  const row = `fan-out ${String(fanout).padStart(2)}: Promise.all ${base.toFixed(1)} µs, CausalExecutor ${ours.toFixed(1)} µs (${(ours / base).toFixed(2)}× Promise.all, +${(ours - base).toFixed(1)} µs; ${(ours / traced).toFixed(2)}× Promise.all with the same trace events, ${traced.toFixed(1)} µs), LangGraph superstep ${lg.toFixed(1)} µs (${(lg / ours).toFixed(1)}× slower than CausalExecutor)`;
  rows.push(row);
  console.log(row);
}
