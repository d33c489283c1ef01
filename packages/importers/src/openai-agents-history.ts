// The OpenAI Agents SDK's `result.history` (AgentInputItem[], @openai/agents-core protocol): output
// items (`function_call`, `computer_call`, `shell_call`, `apply_patch_call`, assistant messages) in a
// row are one model response; `*_result` / `*_output` items answer a call by `callId`.
import type { ToolCallSpec, TraceEvent } from '@causelane/trace-schema';
import { isObject, objectItem, parsedArgs, requiredString } from './history-input.ts';
import { type HistoryStep, historyToEvents } from './history-to-events.ts';

const CALLS = new Set(['function_call', 'computer_call', 'shell_call', 'apply_patch_call']);
const RESULTS = new Set([
  'function_call_result',
  'computer_call_result',
  'shell_call_output',
  'apply_patch_call_output',
]);

/** True for an Agents SDK item: a call or result keyed by camelCase `callId`. */
export function isAgentsHistoryItem(item: unknown): boolean {
  return (
    isObject(item) &&
    typeof item.type === 'string' &&
    typeof item.callId === 'string' &&
    (CALLS.has(item.type) || RESULTS.has(item.type))
  );
}

export function agentsHistorySteps(items: readonly unknown[], root = '$'): HistoryStep[] {
  const steps: HistoryStep[] = [];
  let response: ToolCallSpec[] | null = null;
  const close = () => {
    if (response) steps.push({ kind: 'response', calls: response });
    response = null;
  };
  items.forEach((_, i) => {
    const where = `${root}[${i}]`;
    const item = objectItem(items, i, root);
    const type = typeof item.type === 'string' ? item.type : 'message';
    if (
      CALLS.has(type) ||
      type === 'hosted_tool_call' ||
      type === 'reasoning' ||
      (type === 'message' && item.role === 'assistant')
    ) {
      response ??= [];
      if (CALLS.has(type)) {
        const args = parsedArgs(item.arguments ?? item.action ?? item.operation);
        response.push({
          id: requiredString(item, 'callId', where),
          name: typeof item.name === 'string' ? item.name : type.replace(/_call$/, ''),
          ...(args !== undefined ? { args } : {}),
        });
      }
      return;
    }
    close();
    if (RESULTS.has(type)) {
      const output = item.output as { type?: unknown; text?: unknown } | string | undefined;
      steps.push({
        kind: 'result',
        call: requiredString(item, 'callId', where),
        ok: item.status !== 'incomplete',
        ...(output !== undefined
          ? { result: typeof output === 'object' && output?.type === 'text' ? output.text : output }
          : {}),
      });
    } else steps.push({ kind: 'input' });
  });
  close();
  return steps;
}

export function importAgentsHistory(items: readonly unknown[], run: string, root = '$'): TraceEvent[] {
  return historyToEvents(run, agentsHistorySteps(items, root), 'openai-agents-history');
}
