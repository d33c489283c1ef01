// `pnpm bench`: per-batch overhead of CausalExecutor against a Promise.all that emits the same trace
// events, on zero-latency tools at fan-out 1, 8 and 64, with and without declared access (plus a
// bare Promise.all and one LangGraph.js superstep for scale). Variants run in interleaved rounds and
// each ratio is the median of its per-round ratios, so load from other processes cancels out.

import { setMaxListeners } from 'node:events';
import type { ToolCallSpec, TraceEvent } from '@causelane/trace-schema';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import type { ToolResultEntry } from '../src/agent-context.ts';
import { CausalExecutor } from '../src/causal-executor.ts';
import { conflictSchedule } from '../src/executor/conflict-schedule.ts';
import type { SinkAck, TraceSink } from '../src/sinks/trace-sink.ts';
import type { Tool, ToolContext } from '../src/tool.ts';
import { Tracer } from '../src/tracer.ts';

// LangGraph hangs an abort listener per superstep on one signal; the default cap of 10 only warns.
setMaxListeners(0);

const FANOUTS = [1, 8, 64];
/** Time per variant per round, and rounds; BENCH_MS=100 BENCH_ROUNDS=3 for a quick look. */
const TARGET_MS = Number(process.env.BENCH_MS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const WITH_LANGGRAPH = process.env.BENCH_LANGGRAPH !== '0';

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
/** The same tool declaring a key per call: disjoint writes, so the calls stay parallel. */
const declared: Tool = { ...tool, access: (a: { i: number }) => ({ writes: [`k${a.i}`] }) };
const declaredTools = new Map([[declared.name, declared]]);
const callsFor = (n: number, turn: number): ToolCallSpec[] =>
  Array.from({ length: n }, (_, i) => ({ id: `t${turn}c${i}`, name: 'echo', args: { i } }));

/** Mean µs per batch of `fn`, after a warm-up, over about TARGET_MS. */
async function measure(fn: Batcher): Promise<number> {
  let turn = fn.turn;
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < TARGET_MS) {
    for (let i = 0; i < 50; i++) await fn(++turn);
    n += 50;
  }
  fn.turn = turn;
  return ((performance.now() - start) * 1000) / n;
}

/** A batch runner that remembers its turn across rounds (the causal executor's clock only goes up). */
type Batcher = ((turn: number) => Promise<void>) & { turn: number };
const batcher = (f: (turn: number) => Promise<void>): Batcher => Object.assign(f, { turn: 0 });

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

function causal(fanout: number, withAccess: boolean) {
  const executor = new CausalExecutor();
  const tracer = new Tracer({ run: 'bench', sinks: [new CountingSink()], batchSize: 4096 });
  const context: ToolResultEntry[] = [];
  const env: { tools: Map<string, Tool>; tracer: Tracer; commit(e: readonly ToolResultEntry[]): void } = {
    tools,
    tracer,
    commit: (entries: readonly ToolResultEntry[]) => {
      context.push(...entries);
      if (context.length > 10_000) context.length = 0;
    },
  };
  if (withAccess) env.tools = declaredTools;
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

const median = (xs: number[]) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[a.length >> 1]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
};

console.log(
  `node ${process.version}, ${ROUNDS} interleaved rounds of ${TARGET_MS} ms per variant; load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
);
console.log(
  '| fan-out | bare `Promise.all` | `Promise.all` + same trace events | `CausalExecutor` | ratio | with declared access | ratio |' +
    (WITH_LANGGRAPH ? ' LangGraph superstep |' : ''),
);
console.log(`|---|---|---|---|---|---|---|${WITH_LANGGRAPH ? '---|' : ''}`);
for (const fanout of FANOUTS) {
  const variants = {
    bare: batcher(promiseAll(fanout)),
    traced: batcher(tracedPromiseAll(fanout)),
    causal: batcher(causal(fanout, false)),
    declared: batcher(causal(fanout, true)),
    ...(WITH_LANGGRAPH ? { langGraph: batcher(langGraph(fanout)) } : {}),
  };
  const times: Record<string, number[]> = {};
  const ratios = { causal: [] as number[], declared: [] as number[] };
  // Warm-up: one short round, not recorded.
  for (const v of Object.values(variants)) for (let i = 0; i < 300; i++) await v(++v.turn);
  for (let r = 0; r < ROUNDS; r++) {
    const round: Record<string, number> = {};
    for (const [name, v] of Object.entries(variants)) {
      const t = await measure(v);
      round[name] = t;
      times[name] = [...(times[name] ?? []), t];
    }
    ratios.causal.push(round.causal! / round.traced!);
    ratios.declared.push(round.declared! / round.traced!);
  }
  const us = (name: string) => `${median(times[name]!).toFixed(1)} µs`;
  console.log(
    `| ${fanout} | ${us('bare')} | ${us('traced')} | ${us('causal')} | ${median(ratios.causal).toFixed(2)}× | ${us('declared')} | ${median(ratios.declared).toFixed(2)}× |` +
      (WITH_LANGGRAPH ? ` ${us('langGraph')} |` : ''),
  );
}

// The scheduler alone on the worst case for a pairwise one: n writers of one key.
for (const n of [1000, 2000]) {
  const access = Array.from({ length: n }, () => ({ reads: [], writes: ['k'] }));
  for (let i = 0; i < 5; i++) conflictSchedule(access);
  const t = performance.now();
  for (let i = 0; i < 20; i++) conflictSchedule(access);
  console.log(`conflictSchedule, ${n} writers of one key: ${((performance.now() - t) / 20).toFixed(2)} ms`);
}
