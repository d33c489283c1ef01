// OpenAI Chat Completions `messages` (assistant `tool_calls`, `tool` messages with `tool_call_id`)
// to history steps.
import type { TraceEvent } from '@causelane/trace-schema';
import { type JsonObject, objectItem, parsedArgs, requiredString } from './history-input.ts';
import { type HistoryStep, historyToEvents } from './history-to-events.ts';
import { describeValue, ImportError } from './import-error.ts';

export function openAiChatSteps(messages: readonly unknown[], root = '$'): HistoryStep[] {
  const steps: HistoryStep[] = [];
  messages.forEach((_, i) => {
    const where = `${root}[${i}]`;
    const m = objectItem(messages, i, root);
    const role = requiredString(m, 'role', where);
    if (role === 'assistant') {
      const toolCalls = m.tool_calls ?? [];
      if (!Array.isArray(toolCalls))
        throw new ImportError(`${where}.tool_calls`, `expected an array, got ${describeValue(toolCalls)}`);
      const calls = toolCalls.map((_, j) => {
        const c = objectItem(toolCalls, j, `${where}.tool_calls`);
        const cw = `${where}.tool_calls[${j}]`;
        const fn = (c.function ?? c.custom ?? {}) as JsonObject;
        const args = parsedArgs(fn.arguments ?? fn.input);
        return {
          id: requiredString(c, 'id', cw),
          name: requiredString(fn, 'name', `${cw}.function`),
          ...(args !== undefined ? { args } : {}),
        };
      });
      steps.push({ kind: 'response', calls });
    } else if (role === 'tool') {
      steps.push({
        kind: 'result',
        call: requiredString(m, 'tool_call_id', where),
        ok: true,
        result: m.content,
      });
    } else {
      steps.push({ kind: 'input' });
    }
  });
  return steps;
}

export function importOpenAiChat(messages: readonly unknown[], run: string, root = '$'): TraceEvent[] {
  return historyToEvents(run, openAiChatSteps(messages, root), 'openai-chat');
}
