// Vercel AI SDK `ModelMessage[]` (what generateText's `messages` takes and `response.messages`
// returns): assistant `tool-call` parts, `tool` messages with `tool-result` parts, by toolCallId.
import type { TraceEvent } from '@causelane/trace-schema';
import { isObject, objectItem, parsedArgs, requiredString } from './history-input.ts';
import { type HistoryStep, historyToEvents } from './history-to-events.ts';
import { describeValue, ImportError } from './import-error.ts';

/** True when a message holds AI SDK tool parts (`tool-call` / `tool-result` with a toolCallId). */
export function isAiSdkMessage(item: unknown): boolean {
  return (
    isObject(item) &&
    Array.isArray(item.content) &&
    item.content.some(
      (p) => isObject(p) && (p.type === 'tool-call' || p.type === 'tool-result') && 'toolCallId' in p,
    )
  );
}

export function aiSdkSteps(messages: readonly unknown[], root = '$'): HistoryStep[] {
  const steps: HistoryStep[] = [];
  messages.forEach((_, i) => {
    const where = `${root}[${i}]`;
    const m = objectItem(messages, i, root);
    const role = requiredString(m, 'role', where);
    const content = m.content;
    if (typeof content !== 'string' && !Array.isArray(content))
      throw new ImportError(
        `${where}.content`,
        `expected a string or an array of parts, got ${describeValue(content)}`,
      );
    const parts = typeof content === 'string' ? [] : content;
    if (role === 'assistant') {
      const calls = [];
      for (let j = 0; j < parts.length; j++) {
        const p = objectItem(parts, j, `${where}.content`);
        if (p.type !== 'tool-call') continue;
        const pw = `${where}.content[${j}]`;
        const args = parsedArgs(p.input ?? p.args);
        calls.push({
          id: requiredString(p, 'toolCallId', pw),
          name: requiredString(p, 'toolName', pw),
          ...(args !== undefined ? { args } : {}),
        });
      }
      steps.push({ kind: 'response', calls });
      return;
    }
    if (role === 'tool') {
      for (let j = 0; j < parts.length; j++) {
        const p = objectItem(parts, j, `${where}.content`);
        if (p.type !== 'tool-result') continue;
        const output = (p.output ?? p.result) as { type?: unknown; value?: unknown } | undefined;
        const failed = typeof output?.type === 'string' && output.type.startsWith('error');
        steps.push({
          kind: 'result',
          call: requiredString(p, 'toolCallId', `${where}.content[${j}]`),
          ok: !failed && p.isError !== true,
          ...(output !== undefined ? { result: output?.value ?? output } : {}),
        });
      }
      return;
    }
    steps.push({ kind: 'input' });
  });
  return steps;
}

export function importAiSdkMessages(messages: readonly unknown[], run: string, root = '$'): TraceEvent[] {
  return historyToEvents(run, aiSdkSteps(messages, root), 'ai-sdk-messages');
}
