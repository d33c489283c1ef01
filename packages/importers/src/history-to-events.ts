// The shared mapping of a message history (no timing, structure only) to format v1: each
// assistant message is one turn's request and response, each tool result that call's end and
// commit. A history that ends with user or tool input is the body of a request about to be sent,
// so it ends with that pending turn's llm.request: the check happens before the API would refuse.
import type { EventBody, ToolCallSpec, TraceEvent } from '@causelane/trace-schema';
import { orderEvents, type PendingEvent } from './event-order.ts';

export type HistoryStep =
  | { kind: 'response'; calls: ToolCallSpec[] }
  | { kind: 'result'; call: string; ok: boolean; result?: unknown }
  | { kind: 'input' };

export type HistoryFormat =
  | 'openai-chat'
  | 'openai-responses'
  | 'anthropic-messages'
  | 'ai-sdk-messages'
  | 'openai-agents-history';

export function historyToEvents(
  run: string,
  steps: readonly HistoryStep[],
  format: HistoryFormat,
): TraceEvent[] {
  const bodies: EventBody[] = [{ type: 'run.start', mode: 'unknown', meta: { source: format } }];
  const callTurn = new Map<string, number>();
  let turn = 0;
  for (const step of steps) {
    if (step.kind === 'response') {
      turn++;
      bodies.push({ type: 'llm.request', turn }, { type: 'llm.response', turn, calls: step.calls });
      for (const c of step.calls) if (!callTurn.has(c.id)) callTurn.set(c.id, turn);
    } else if (step.kind === 'result') {
      const known = callTurn.get(step.call);
      if (known === undefined) {
        // No assistant message asked for this id: one commit in the current turn, one unmatched-result.
        bodies.push({ type: 'tool.commit', turn: Math.max(turn, 1), call: step.call });
        continue;
      }
      const end: EventBody = { type: 'tool.end', turn: known, call: step.call, ok: step.ok };
      if (step.result !== undefined) end.result = step.result;
      bodies.push(end, { type: 'tool.commit', turn: known, call: step.call });
    }
  }
  const last = steps[steps.length - 1];
  if (last && last.kind !== 'response') bodies.push({ type: 'llm.request', turn: turn + 1 });
  // Histories carry no clock: one millisecond per event keeps timelines readable.
  const pending: PendingEvent[] = bodies.map((body, i) => ({ body, t: i, after: i > 0 ? [i - 1] : [] }));
  return orderEvents(run, pending);
}
