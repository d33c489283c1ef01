// Anthropic Messages arrays (assistant `tool_use` blocks, user `tool_result` blocks) to history steps.
import type { TraceEvent } from '@causelane/trace-schema';
import { objectItem, requiredString } from './history-input.ts';
import { type HistoryStep, historyToEvents } from './history-to-events.ts';
import { describeValue, ImportError } from './import-error.ts';

export function anthropicSteps(messages: readonly unknown[], root = '$'): HistoryStep[] {
  const steps: HistoryStep[] = [];
  messages.forEach((_, i) => {
    const where = `${root}[${i}]`;
    const m = objectItem(messages, i, root);
    const role = requiredString(m, 'role', where);
    const content = m.content;
    if (typeof content !== 'string' && !Array.isArray(content)) {
      throw new ImportError(
        `${where}.content`,
        `expected a string or an array of blocks, got ${describeValue(content)}`,
      );
    }
    const blocks = typeof content === 'string' ? [] : content;
    if (role === 'assistant') {
      const calls = [];
      for (let j = 0; j < blocks.length; j++) {
        const b = objectItem(blocks, j, `${where}.content`);
        if (b.type !== 'tool_use' && b.type !== 'server_tool_use') continue;
        const bw = `${where}.content[${j}]`;
        calls.push({
          id: requiredString(b, 'id', bw),
          name: requiredString(b, 'name', bw),
          ...(b.input !== undefined ? { args: b.input } : {}),
        });
      }
      steps.push({ kind: 'response', calls });
      return;
    }
    let other = blocks.length === 0;
    for (let j = 0; j < blocks.length; j++) {
      const b = objectItem(blocks, j, `${where}.content`);
      if (b.type === 'tool_result') {
        const call = requiredString(b, 'tool_use_id', `${where}.content[${j}]`);
        steps.push({
          kind: 'result',
          call,
          ok: b.is_error !== true,
          ...(b.content !== undefined ? { result: b.content } : {}),
        });
      } else other = true;
    }
    if (other) steps.push({ kind: 'input' });
  });
  return steps;
}

export function importAnthropicMessages(messages: readonly unknown[], run: string, root = '$'): TraceEvent[] {
  return historyToEvents(run, anthropicSteps(messages, root), 'anthropic-messages');
}
