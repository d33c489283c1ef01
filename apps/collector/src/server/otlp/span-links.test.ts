// Runs without a root span, live: which stored traces a request's spans may share a run with, and,
// against a real collector, two stored runs that a late span shows to be one merged into the
// earlier (run:reset to its viewers, the later deleted), ending equal to the file import.
import { analyzeRuns, anomalyKey } from '@causelane/analysis';
import { type GenAiSpan, importOtlpJsonDetailed, otlpGenAiSpans } from '@causelane/importers';
import {
  answeredMessage,
  askedMessage,
  rootlessChatSpan,
  rootlessRequest,
  stringAttr,
  userMessage,
} from '@causelane/importers/testing';
import type { TraceEvent } from '@causelane/trace-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { anomalyKeys, listedRuns } from '../../testing/otlp-exporters.ts';
import { postOtlp, storedEvents } from '../../testing/otlp-requests.ts';
import { startTestCollector, type TestCollector } from '../../testing/test-collector.ts';
import { SpanLinks } from './span-links.ts';

const user = userMessage('weather and time?');
const asked = askedMessage;
const answered = (id: string) => answeredMessage(id, `result of ${id}`);
/** One chat span in a trace of its own (trace n), as a rootless agent sends it. */
const chat = rootlessChatSpan;
const request = (spans: unknown[], pid = '7') => rootlessRequest(spans, pid);

/** Three turns of a correct loop, each model call its own trace. */
const turn1 = chat(1, 0, [user], [asked('c1', 'c2')]);
const turn2 = chat(2, 20, [user, asked('c1', 'c2'), answered('c1'), answered('c2')], [asked('c3')]);
const turn3 = chat(
  3,
  40,
  [user, asked('c1', 'c2'), answered('c1'), answered('c2'), asked('c3'), answered('c3')],
  [],
);
const spansOf = (req: unknown): GenAiSpan[] => otlpGenAiSpans([req]);
const traceOf = (n: number) => n.toString(16).padStart(32, '0');

describe('SpanLinks', () => {
  it('links a model call to the calls it continues and to those that continue it, within one process', () => {
    const links = new SpanLinks();
    links.add(spansOf(request([turn1])));
    expect([...links.linked(spansOf(request([turn2])))]).toEqual([traceOf(1)]);
    links.add(spansOf(request([turn3])));
    expect([...links.linked(spansOf(request([turn2])))].sort()).toEqual([traceOf(1), traceOf(3)]);
    // Conversations continue within one process (call ids, as in the file import, are global).
    const more = chat(
      9,
      60,
      [user, { role: 'user', parts: [{ type: 'text', content: 'and tomorrow?' }] }],
      [],
    );
    expect([...links.linked(spansOf(request([more])))]).toEqual([traceOf(1)]);
    expect([...links.linked(spansOf(request([more], '8')))]).toEqual([]);
  });

  it('never links two traces that each name a conversation', () => {
    const named = (n: number) => ({
      ...chat(n, n * 20, [user], [asked('same')]),
      attributes: [
        ...chat(n, 0, [user], [asked('same')]).attributes,
        stringAttr('gen_ai.conversation.id', `conv-${n}`),
      ],
    });
    const links = new SpanLinks();
    links.add(spansOf(request([named(1)])));
    expect([...links.linked(spansOf(request([named(2)])))]).toEqual([]);
  });
});

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.dispose();
  c = undefined;
});

describe('rootless runs merged live', () => {
  it('a late model call that joins two stored runs: the earlier is reset, the later deleted, as the file import', async () => {
    c = await startTestCollector();
    const ui = await c.uiClient();
    const resets: { run: string; events: TraceEvent[] }[] = [];
    const changed: string[] = [];
    ui.on('run:reset', (m) => resets.push(m));
    ui.on('runs:changed', (m: { run: string; change: string }) => changed.push(`${m.run}:${m.change}`));
    await ui.emitWithAck('run:watch', { run: traceOf(1) });

    // Turn 3 first, alone: its own run, whose input holds results no stored call asked for (noted).
    expect((await postOtlp(c.url, request([turn3]))).status).toBe(200);
    expect((await listedRuns(c)).map((r) => r.id)).toEqual([traceOf(3)]);
    expect(await anomalyKeys(c, traceOf(3))).toEqual([]);
    // Turn 1: turn 3 continues it, so the two runs are one, named by the earlier.
    expect((await postOtlp(c.url, request([turn1]))).status).toBe(200);
    expect((await listedRuns(c)).map((r) => r.id)).toEqual([traceOf(1)]);
    expect(changed).toContain(`${traceOf(3)}:deleted`);
    expect((await anomalyKeys(c, traceOf(1))).filter((k) => !k.includes('|info|'))).toEqual([]);
    expect((await postOtlp(c.url, request([turn2]))).status).toBe(200);
    const file = importOtlpJsonDetailed(request([turn1, turn2, turn3]));
    expect([...file.runs.keys()]).toEqual([traceOf(1)]);
    expect((await listedRuns(c)).map((r) => r.id)).toEqual([traceOf(1)]);
    const events = file.runs.get(traceOf(1))!;
    expect(await storedEvents(c.url, traceOf(1))).toEqual(events);
    expect(await anomalyKeys(c, traceOf(1))).toEqual(analyzeRuns(file.runs).anomalies.map(anomalyKey).sort());
    expect(events.filter((e) => e.type === 'llm.request')).toHaveLength(3);
    // Turn 2 came in between: the watched run was replaced, not appended to.
    await expect.poll(() => resets.at(-1)?.events).toEqual(events);
    expect(resets.every((r) => r.run === traceOf(1))).toBe(true);
    ui.close();
  });
});
