// OpenAI Responses API input items to history steps. Consecutive output items (assistant
// messages, reasoning, *_call items) are one model response; *_call_output items are results.
import type { ToolCallSpec, TraceEvent } from '@causelane/trace-schema';
import { objectItem, parsedArgs, requiredString } from './history-input.ts';
import { type HistoryStep, historyToEvents } from './history-to-events.ts';

/** Output item types that carry a call_id the client answers with a matching *_output item. */
const CALL_TYPES = new Set([
  'function_call',
  'custom_tool_call',
  'computer_call',
  'local_shell_call',
  'shell_call',
  'apply_patch_call',
]);
export const RESPONSES_ITEM_TYPES = new Set([
  ...CALL_TYPES,
  ...[...CALL_TYPES].map((t) => `${t}_output`),
  'message',
  'reasoning',
  'web_search_call',
  'file_search_call',
  'code_interpreter_call',
  'image_generation_call',
  'mcp_call',
  'mcp_list_tools',
  'item_reference',
]);

function isOutputItem(type: string | undefined, role: unknown): boolean {
  if (type === undefined || type === 'message') return role === 'assistant';
  return !type.endsWith('_output') && type !== 'item_reference' && type !== 'mcp_approval_response';
}

export function responsesSteps(items: readonly unknown[], root = '$'): HistoryStep[] {
  const steps: HistoryStep[] = [];
  let response: ToolCallSpec[] | null = null;
  const close = () => {
    if (response) steps.push({ kind: 'response', calls: response });
    response = null;
  };
  items.forEach((_, i) => {
    const where = `${root}[${i}]`;
    const item = objectItem(items, i, root);
    const type = typeof item.type === 'string' ? item.type : undefined;
    if (isOutputItem(type, item.role)) {
      response ??= [];
      if (type && CALL_TYPES.has(type)) {
        const args = parsedArgs(item.arguments ?? item.input ?? item.action);
        const name = typeof item.name === 'string' ? item.name : type.replace(/_call$/, '');
        response.push({
          id: requiredString(item, 'call_id', where),
          name,
          ...(args !== undefined ? { args } : {}),
        });
      }
      return;
    }
    close();
    if (type?.endsWith('_output')) {
      const failed = item.status === 'incomplete';
      steps.push({
        kind: 'result',
        call: requiredString(item, 'call_id', where),
        ok: !failed,
        result: item.output,
      });
    } else if (type === undefined || type === 'message') {
      requiredString(item, 'role', where);
      steps.push({ kind: 'input' });
    }
  });
  close();
  return steps;
}

export function importOpenAiResponses(items: readonly unknown[], run: string, root = '$'): TraceEvent[] {
  return historyToEvents(run, responsesSteps(items, root), 'openai-responses');
}
