// Which call each tool span and each tool result in a later input belongs to, from the evidence the
// spans hold: call ids first; without ids, the tool's name and arguments, then call order (never
// start time alone); id-less results by their text, then by position only when the counts agree.
// A binding the evidence cannot decide is left out, with a note, rather than guessed.
import type { ToolCallSpec } from '@causelane/trace-schema';
import { argsKey } from './dialects/span-facts.ts';
import type { ChatSpan, InputResult, ToolSpan } from './genai-span.ts';

export interface Turn {
  chat: ChatSpan;
  /** The calls the response lists, ids possibly replaced by a bound tool span's real id. */
  calls: ToolCallSpec[];
}

/**
 * The turn a tool span follows: the model-call span that is its parent (AI SDK 7's legacy spans and
 * Mastra's steps run their tools inside the model-call span), else the last one ended by its start.
 */
export function turnOfTool(turns: readonly Turn[], tool: ToolSpan): Turn | undefined {
  return (
    (tool.parentSpanId ? indexOf(turns).bySpan.get(tool.parentSpanId) : undefined) ??
    turns[turnBefore(turns, tool.startMs)]
  );
}

/** Per turns array: turns by chat span id (first wins), and end times sorted with the prefix max index. */
interface TurnIndex {
  length: number;
  bySpan: Map<string, Turn>;
  /** Chat end times, ascending. */
  ends: Float64Array;
  /** best[k]: the highest turn index among the k+1 earliest-ending chats. */
  best: Int32Array;
}
const turnIndexes = new WeakMap<readonly Turn[], TurnIndex>();

/** Built once per turns array (rebuilt if it grew), so each lookup is O(log turns), not a scan. */
function indexOf(turns: readonly Turn[]): TurnIndex {
  const known = turnIndexes.get(turns);
  if (known && known.length === turns.length) return known;
  const bySpan = new Map<string, Turn>();
  const ended: number[] = [];
  turns.forEach((t, i) => {
    if (!bySpan.has(t.chat.spanId)) bySpan.set(t.chat.spanId, t);
    if (t.chat.endMs !== undefined) ended.push(i);
  });
  ended.sort((a, b) => turns[a]!.chat.endMs! - turns[b]!.chat.endMs! || a - b);
  const ends = new Float64Array(ended.length);
  const best = new Int32Array(ended.length);
  ended.forEach((i, k) => {
    ends[k] = turns[i]!.chat.endMs!;
    best[k] = Math.max(i, k > 0 ? best[k - 1]! : -1);
  });
  const index = { length: turns.length, bySpan, ends, best };
  turnIndexes.set(turns, index);
  return index;
}

/**
 * Whether a tool span's arguments are the call's: equal as JSON, or the one value of a one-field
 * object (OpenInference's LangChain spans record `input.value` as the bare value).
 */
export function sameArgs(callArgs: unknown, toolArgs: unknown): boolean {
  if (argsKey(callArgs) === argsKey(toolArgs)) return true;
  if (toolArgs === null || typeof toolArgs === 'object') return false;
  const values = callArgs && typeof callArgs === 'object' ? Object.values(callArgs) : [];
  return values.length === 1 && String(values[0]) === String(toolArgs);
}

/** The turn (index) whose response a span that started at `ms` follows: the last chat ended by then. */
export function turnBefore(turns: readonly Turn[], ms: number): number {
  const { ends, best } = indexOf(turns);
  // The count of chats ended by `ms` (binary search), then the latest of them.
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid]! <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? -1 : best[lo - 1]!;
}

export function bindTools(turns: Turn[], tools: readonly ToolSpan[], notes: string[]): Map<string, string> {
  const known = new Map<string, number>();
  turns.forEach((t, i) => {
    for (const c of t.calls) if (!known.has(c.id)) known.set(c.id, i);
  });
  const claimed = new Set<string>();
  const toolCall = new Map<string, string>();
  const idsOfTools = new Set(tools.map((t) => t.callId).filter((x): x is string => x !== undefined));
  let unbound = 0;
  for (const tool of tools) {
    const own = `span:${tool.spanId}`;
    const direct = known.has(own) ? own : tool.callId && known.has(tool.callId) ? tool.callId : undefined;
    if (direct) {
      toolCall.set(tool.spanId, direct);
      claimed.add(direct);
      continue;
    }
    const turn = turnOfTool(turns, tool);
    if (tool.callId && turn && !turn.chat.anonymousCalls) {
      // Both sides carry real ids and they differ: the id is the evidence (an unmatched result).
      // With no model call before it, the one that asked is missing (lost, or not sent yet): left out.
      toolCall.set(tool.spanId, tool.callId);
      continue;
    }
    // By name, then arguments, then call order, among the calls of the turn just before it.
    const open = (turn?.calls ?? []).filter(
      (c) => c.name === tool.toolName && !claimed.has(c.id) && !idsOfTools.has(c.id),
    );
    const pick =
      (tool.args !== undefined ? open.find((c) => sameArgs(c.args, tool.args)) : undefined) ?? open[0];
    if (!pick) {
      unbound++;
      continue;
    }
    claimed.add(pick.id);
    if (tool.callId) {
      // The model call recorded no ids, the tool span did: the call takes the real id.
      known.delete(pick.id);
      pick.id = tool.callId;
      known.set(pick.id, turns.indexOf(turn!));
    }
    toolCall.set(tool.spanId, pick.id);
  }
  if (unbound > 0)
    notes.push(
      `${unbound} tool span(s) match no call the model asked for (by id, or name and arguments): left out`,
    );
  return toolCall;
}

/** The call ids each turn's input commits, with id-less results bound by text, then position. */
export function bindResults(
  turns: readonly Turn[],
  tools: readonly ToolSpan[],
  toolCall: ReadonlyMap<string, string>,
  notes: string[],
): { committed: string[][]; undecidable: Set<string> } {
  const byText = new Map<string, string[]>();
  for (const t of tools) {
    const call = toolCall.get(t.spanId);
    if (call && t.resultText !== undefined)
      byText.set(t.resultText, [...(byText.get(t.resultText) ?? []), call]);
  }
  const undecidable = new Set<string>();
  let positional = false;
  const committed = turns.map((turn, u) => {
    const results = turn.chat.results;
    if (!results) return [];
    // Every result carries its id (the common case): the list itself, not a copy (read-only).
    if (results.every((r) => typeof r === 'string')) return results as string[];
    const resolved: (string | undefined)[] = results.map((r) => (typeof r === 'string' ? r : r.id));
    const groups = new Map<number, number[]>();
    results.forEach((r, i) => {
      if (typeof r !== 'string' && !r.id) groups.set(r.group, [...(groups.get(r.group) ?? []), i]);
    });
    if (groups.size === 0) return resolved as string[];
    const withCalls = turns.slice(0, u).filter((t) => t.calls.length > 0);
    for (const [g, idx] of groups) {
      const calls = withCalls[g]?.calls ?? [];
      const taken = new Set<string>();
      const unmatched: number[] = [];
      for (const i of idx) {
        const content = (results[i] as InputResult).content;
        const candidates = new Set(
          (content !== undefined ? (byText.get(content) ?? []) : []).filter(
            (c) => !taken.has(c) && calls.some((x) => x.id === c),
          ),
        );
        if (candidates.size === 1) {
          const [c] = candidates;
          taken.add(c!);
          resolved[i] = c;
        } else unmatched.push(i);
      }
      if (unmatched.length === 0) continue;
      const rest = calls.filter((c) => !taken.has(c.id));
      if (unmatched.length === rest.length) {
        positional = true;
        unmatched.forEach((i, k) => {
          resolved[i] = rest[k]!.id;
        });
      } else {
        for (const c of rest) undecidable.add(c.id);
        notes.push(
          `turn ${u + 1}: ${unmatched.length} tool result(s) without call ids answer ${rest.length} call(s) of an earlier turn: which call is which cannot be told, so those calls are left out`,
        );
      }
    }
    return resolved.filter((x): x is string => x !== undefined);
  });
  if (positional)
    notes.push('tool results carry no call ids: bound to calls by position (commit order cannot be seen)');
  return { committed, undecidable };
}
