// The bridge on the real OpenTelemetry SDK: an agent whose spans follow the GenAI conventions,
// played in wall-clock order, streams the same events the OTLP importer finds in its export.
import { analyzeEvents, anomalyKey } from '@causelane/analysis';
import { importOtlpJson } from '@causelane/importers';
import { impatientAgentScript, playAgentScript, recordAgentOtlp } from '@causelane/importers/testing';
import { type TraceEvent, validateEvent } from '@causelane/trace-schema';
import { context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { MemorySink } from '../sinks/memory-sink.ts';
import { CauselaneSpanProcessor } from './causelane-span-processor.ts';

const impatient = impatientAgentScript('conv-live');

// Two recordings differ only in trace ids and the source named in run.start.
const withoutMeta = (events: readonly TraceEvent[]) =>
  events.map((e) => (e.type === 'run.start' ? { ...e, meta: {} } : e));

/** A provider whose only processor is the bridge into a memory sink, collecting its errors. */
function bridge() {
  const errors: string[] = [];
  const sink = new MemorySink();
  const provider = new BasicTracerProvider({
    spanProcessors: [new CauselaneSpanProcessor({ sink, onError: (e) => errors.push(e.message) })],
  });
  return { errors, sink, provider };
}

describe('CauselaneSpanProcessor', () => {
  it('streams GenAI spans as they end, in batches, with the importer’s events', async () => {
    const batches: (readonly TraceEvent[])[] = [];
    const sink = new MemorySink((b) => batches.push(b));
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'trip-agent' }),
      spanProcessors: [new CauselaneSpanProcessor({ sink })],
    });
    playAgentScript(provider, impatient);
    await provider.forceFlush();

    // Live: several batches, each continuing the seqs of the one before.
    expect(batches.length).toBeGreaterThan(2);
    const streamed = batches.flat();
    expect(streamed.map((e) => e.seq)).toEqual(streamed.map((_, i) => i));
    for (const e of streamed) expect(validateEvent(e).ok).toBe(true);

    const fromExport = importOtlpJson(recordAgentOtlp(impatient)).get('conv-live')!;
    expect(withoutMeta(sink.events)).toEqual(withoutMeta(fromExport));
    expect(analyzeEvents(sink.events).anomalies.map(anomalyKey).sort()).toEqual([
      'conv-live|late-commit|error|1|call_search',
      'conv-live|premature-llm-call|error|2|call_search',
    ]);
  });

  it('holds back events while an earlier GenAI span is still running', async () => {
    const sink = new MemorySink();
    const provider = new BasicTracerProvider({ spanProcessors: [new CauselaneSpanProcessor({ sink })] });
    const tracer = provider.getTracer('t');
    const t0 = 1_760_000_000_000;
    const agent = tracer.startSpan('invoke_agent', { startTime: t0 });
    const ctx = trace.setSpan(context.active(), agent);
    // The model asks for the search first: a tool span no model call asked for is left out (the
    // importers' call binding), so the held-back tool must be one the trace shows was asked for.
    const ask = tracer.startSpan(
      'chat m',
      { startTime: t0 - 10, attributes: { 'gen_ai.operation.name': 'chat' } },
      ctx,
    );
    ask.setAttribute(
      'gen_ai.output.messages',
      JSON.stringify([
        {
          role: 'assistant',
          parts: [{ type: 'tool_call', id: 's', name: 'search', arguments: {} }],
          finish_reason: 'tool_call',
        },
      ]),
    );
    ask.end(t0 - 1);
    await new Promise((r) => setTimeout(r, 0));
    const asked = sink.events.length;
    const slow = tracer.startSpan(
      'execute_tool search',
      {
        startTime: t0,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'search',
          'gen_ai.tool.call.id': 's',
        },
      },
      ctx,
    );
    const chat = tracer.startSpan(
      'chat m',
      { startTime: t0 + 5, attributes: { 'gen_ai.operation.name': 'chat' } },
      ctx,
    );
    chat.setAttribute(
      'gen_ai.output.messages',
      JSON.stringify([{ role: 'assistant', parts: [], finish_reason: 'stop' }]),
    );
    chat.end(t0 + 9);
    await new Promise((r) => setTimeout(r, 0));
    // The chat began after the still-running tool: sending it now could put a later seq first.
    expect(sink.events).toHaveLength(asked);
    slow.end(t0 + 20);
    await provider.forceFlush();
    expect(sink.events.slice(asked).map((e) => e.type)).toEqual([
      'tool.start',
      'llm.request',
      'llm.response',
      'tool.end',
    ]);
  });

  it('reports unreadable message attributes without throwing into the agent', async () => {
    const { errors, provider } = bridge();
    const span = provider.getTracer('t').startSpan('chat m', {
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.output.messages': '{oops' },
    });
    expect(() => span.end()).not.toThrow();
    await provider.shutdown();
    expect(errors).toEqual([expect.stringMatching(/attributes\[gen_ai.output.messages\]: not valid JSON/)]);
  });
});

describe('CauselaneSpanProcessor decides what a span is when it ends', () => {
  const t0 = 1_760_000_000_000;
  const toolAttrs = (id: string) => ({
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'search',
    'gen_ai.tool.call.id': id,
  });
  const chatAttrs = (calls: string[]) => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.output.messages': JSON.stringify([
      {
        role: 'assistant',
        parts: calls.map((id) => ({ type: 'tool_call', id, name: 'search', arguments: {} })),
        finish_reason: calls.length > 0 ? 'tool_call' : 'stop',
      },
    ]),
  });

  it('a tool span named and typed only just before it ends still keeps its place', async () => {
    const { errors, sink, provider } = bridge();
    const tracer = provider.getTracer('t');
    const root = tracer.startSpan('workflow', { startTime: t0 });
    const ctx = trace.setSpan(context.active(), root);
    const chat1 = tracer.startSpan('chat m', { startTime: t0, attributes: chatAttrs(['a', 'b']) }, ctx);
    chat1.end(t0 + 5);
    // Both tools start as plain spans; their GenAI attributes come at the very end.
    const slow = tracer.startSpan('work', { startTime: t0 + 6 }, ctx);
    const fast = tracer.startSpan('work', { startTime: t0 + 7 }, ctx);
    fast.setAttributes(toolAttrs('b'));
    fast.end(t0 + 8);
    await new Promise((r) => setTimeout(r, 0));
    // The slow span may still become a tool that started first: nothing after it is sent yet.
    expect(sink.events.map((e) => e.type)).toEqual(['run.start', 'llm.request', 'llm.response']);
    slow.setAttributes(toolAttrs('a'));
    slow.end(t0 + 20);
    await new Promise((r) => setTimeout(r, 0));
    expect(sink.events.map((e) => `${e.type}${'call' in e ? ` ${e.call}` : ''}`)).toEqual([
      'run.start',
      'llm.request',
      'llm.response',
      'tool.start a',
      'tool.start b',
      'tool.end b',
      'tool.end a',
    ]);
    root.end(t0 + 30);
    await provider.forceFlush();
    expect(sink.events.map((e) => e.seq)).toEqual(sink.events.map((_, i) => i));
    expect(errors).toEqual([]);
  });

  it('a model call recorded without its output waits for the tool spans that follow it', async () => {
    const { errors, sink, provider } = bridge();
    const tracer = provider.getTracer('t');
    const root = tracer.startSpan('workflow', { startTime: t0 });
    const ctx = trace.setSpan(context.active(), root);
    // Output capture off: the calls are known only from the tool spans after it.
    tracer
      .startSpan('chat m', { startTime: t0, attributes: { 'gen_ai.operation.name': 'chat' } }, ctx)
      .end(t0 + 5);
    await new Promise((r) => setTimeout(r, 0));
    expect(sink.events.map((e) => e.type)).toEqual(['run.start', 'llm.request']);
    tracer
      .startSpan('execute_tool search', { startTime: t0 + 6, attributes: toolAttrs('a') }, ctx)
      .end(t0 + 9);
    tracer
      .startSpan('chat m', { startTime: t0 + 10, attributes: { 'gen_ai.operation.name': 'chat' } }, ctx)
      .end(t0 + 12);
    root.end(t0 + 13);
    await provider.forceFlush();
    const response = sink.events.find((e) => e.type === 'llm.response' && e.turn === 1);
    expect(response).toMatchObject({ calls: [{ id: 'a', name: 'search' }] });
    expect(sink.events.map((e) => e.seq)).toEqual(sink.events.map((_, i) => i));
    expect(errors).toEqual([]);
  });

  it('streams while a wrapping root span is open, and run.start carries no premature evidence', async () => {
    const sink = new MemorySink();
    const provider = new BasicTracerProvider({ spanProcessors: [new CauselaneSpanProcessor({ sink })] });
    const tracer = provider.getTracer('t');
    const root = tracer.startSpan('http request', { startTime: t0 });
    const ctx = trace.setSpan(context.active(), root);
    tracer.startSpan('chat m', { startTime: t0 + 1, attributes: chatAttrs(['a']) }, ctx).end(t0 + 5);
    await new Promise((r) => setTimeout(r, 0));
    // Before any tool span: an import of just this much would say "no tool spans". Live, it cannot know.
    expect(sink.events.map((e) => e.type)).toEqual(['run.start', 'llm.request', 'llm.response']);
    expect(sink.events[0]).toMatchObject({ type: 'run.start', meta: { source: 'otel-bridge' } });
    expect((sink.events[0] as { meta: object }).meta).not.toHaveProperty('evidence');
    tracer
      .startSpan('execute_tool search', { startTime: t0 + 6, attributes: toolAttrs('a') }, ctx)
      .end(t0 + 9);
    await new Promise((r) => setTimeout(r, 0));
    expect(sink.events.map((e) => e.type).slice(3)).toEqual(['tool.start', 'tool.end']);
    root.end(t0 + 10);
    await provider.shutdown();
  });
});
