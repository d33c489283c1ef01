// Which run each span belongs to: gen_ai.conversation.id, else its trace; and, for agents without a
// root span around a run (each model call its own trace), model calls chained into one run when a
// later call's input continues an earlier call's conversation in the same process. Tool-only traces
// join the run whose call asked for them (by id or result text), else the run that called a model
// just before they started.
import type { ChatSpan, GenAiSpan, ToolSpan } from './genai-span.ts';

/** Start order, with ties broken by end and span id: a total order independent of arrival. */
export const byStart = (a: GenAiSpan, b: GenAiSpan) =>
  a.startMs - b.startMs ||
  (a.endMs ?? Infinity) - (b.endMs ?? Infinity) ||
  (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);

interface Group {
  key: string;
  conversation: boolean;
  spans: GenAiSpan[];
  first: number;
  parent?: Group;
}

function root(g: Group): Group {
  while (g.parent) g = g.parent;
  return g;
}

function union(a: Group, b: Group): void {
  const ra = root(a);
  const rb = root(b);
  if (ra === rb) return;
  // The group that began first names the run, unless only the other names a conversation.
  const [keep, join] =
    ra.conversation !== rb.conversation
      ? ra.conversation
        ? [ra, rb]
        : [rb, ra]
      : ra.first <= rb.first
        ? [ra, rb]
        : [rb, ra];
  join.parent = keep;
}

const SEP = '\u0001';

/**
 * Whether chat `b` continues chat `a`'s conversation: a's input is a strict prefix of b's, and
 * where both record call ids, b's new messages mention one of a's calls.
 */
function continues(a: ChatSpan, b: ChatSpan): boolean {
  if (!a.inputPrint || !b.inputPrint || a.inputPrint.length >= b.inputPrint.length) return false;
  if ((a.endMs ?? Infinity) > b.startMs) return false;
  const ids = a.anonymousCalls ? [] : (a.calls ?? []).map((c) => c.id);
  const tail = b.inputPrint.slice(a.inputPrint.length);
  // A print is `role|ids|text`: an empty ids field means the input recorded no call ids.
  const tailIds = tail.map((p) => p.split('|', 2)[1] ?? '').filter((x) => x !== '');
  if (ids.length === 0 || tailIds.length === 0) return true;
  return ids.some((id) => tailIds.some((t) => t.split(',').includes(id)));
}

/** The length of `${process}${SEP}${prints.join(SEP)}` for the first `n` prints, without building it. */
function keyLength(process: string | undefined, prints: readonly string[], n: number): number {
  let len = (process ?? '').length;
  for (let k = 0; k < n; k++) len += SEP.length + prints[k]!.length;
  return len;
}

function chain(groups: Group[], indexEveryChat: boolean): void {
  // Only groups without a conversation id are chained: nothing to do (nor to index) without two.
  if (groups.filter((g) => !g.conversation).length === 0 || groups.length < 2) return;
  const heads = new Map<Group, ChatSpan>();
  for (const g of groups) {
    const head = g.spans.filter((s): s is ChatSpan => s.kind === 'chat').sort(byStart)[0];
    if (head?.inputPrint && !g.conversation) heads.set(g, head);
  }
  // Heads look up keys of their first 1 .. n-1 prints: a chat whose key is longer than all of
  // those can match none (equal strings have equal lengths), so it is not indexed (nor its key built).
  let longest = -1;
  for (const head of heads.values())
    if (head.inputPrint!.length > 1)
      longest = Math.max(longest, keyLength(head.process, head.inputPrint!, head.inputPrint!.length - 1));
  // Index every chat by process + its whole input print; a later chat looks up each of its prefixes.
  const index = new Map<string, { chat: ChatSpan; group: Group }[]>();
  for (const g of groups)
    for (const s of g.spans) {
      if (s.kind !== 'chat' || !s.inputPrint) continue;
      // (With no prints the key is still `${process}${SEP}`.)
      const length = Math.max(
        keyLength(s.process, s.inputPrint, s.inputPrint.length),
        (s.process ?? '').length + 1,
      );
      if (!indexEveryChat && length > longest) continue;
      const k = `${s.process ?? ''}${SEP}${s.inputPrint.join(SEP)}`;
      index.set(k, [...(index.get(k) ?? []), { chat: s, group: g }]);
    }
  if (index.size === 0) return;
  for (const g of [...groups].sort((a, b) => a.first - b.first)) {
    const head = heads.get(g);
    if (!head?.inputPrint) continue;
    let prefix = `${head.process ?? ''}`;
    let best: { chat: ChatSpan; group: Group } | undefined;
    for (let n = 0; n < head.inputPrint.length - 1; n++) {
      prefix += SEP + head.inputPrint[n];
      for (const c of index.get(prefix) ?? [])
        if (root(c.group) !== root(g) && continues(c.chat, head) && (!best || byStart(best.chat, c.chat) < 0))
          best = c;
    }
    if (best) union(best.group, g);
  }
}

function attachToolGroups(groups: Group[]): void {
  // Groups of tool spans only, without a conversation id: the only ones to attach (often none).
  const toolOnly = groups.filter(
    (g) =>
      !g.conversation && !g.spans.some((s) => s.kind === 'chat') && g.spans.some((s) => s.kind === 'tool'),
  );
  if (toolOnly.length === 0) return;
  const withChats = groups.filter((g) => g.spans.some((s) => s.kind === 'chat'));
  const callOwner = new Map<string, Group>();
  const textOwner = new Map<string, Group>();
  for (const g of withChats)
    for (const s of g.spans) {
      if (s.kind !== 'chat') continue;
      for (const c of s.calls ?? []) callOwner.set(c.id, g);
      for (const r of s.results ?? []) {
        if (typeof r === 'string') callOwner.set(r, g);
        else if (r.id) callOwner.set(r.id, g);
        else if (r.content !== undefined) textOwner.set(`${s.process ?? ''}${SEP}${r.content}`, g);
      }
    }
  for (const g of toolOnly) {
    const t = g.spans.find((s): s is ToolSpan => s.kind === 'tool')!;
    let owner =
      (t.callId ? callOwner.get(t.callId) : undefined) ??
      (t.resultText !== undefined ? textOwner.get(`${t.process ?? ''}${SEP}${t.resultText}`) : undefined);
    if (!owner) {
      let last = -Infinity;
      for (const c of withChats)
        for (const s of c.spans)
          if (
            s.kind === 'chat' &&
            s.process === t.process &&
            s.endMs !== undefined &&
            s.endMs <= t.startMs &&
            s.endMs > last
          ) {
            last = s.endMs;
            owner = c;
          }
    }
    if (owner) union(owner, g);
  }
}

/** Spans of each run, keyed by run id; spans of runs without a model call or tool span are dropped. */
export function runOfSpans(
  spans: readonly GenAiSpan[],
  /** Tests only: index every model call for chaining, to check the bounded index against. */
  opts: { indexEveryChat?: boolean } = {},
): Map<string, GenAiSpan[]> {
  // The earliest span (in start order, then arrival) naming a conversation decides, so arrival
  // order never changes the answer: one pass keeping each trace's least span, not a sort.
  const namer = new Map<string, GenAiSpan>();
  for (const s of spans) {
    if (!s.conversationId) continue;
    const known = namer.get(s.traceId);
    if (!known || byStart(s, known) < 0) namer.set(s.traceId, s);
  }
  const groups = new Map<string, Group>();
  for (const s of spans) {
    const conv = s.conversationId ?? namer.get(s.traceId)?.conversationId;
    const key = conv ?? s.traceId;
    let g = groups.get(key);
    if (!g) {
      g = { key, conversation: conv !== undefined, spans: [], first: Infinity };
      groups.set(key, g);
    }
    g.spans.push(s);
    if (s.startMs < g.first) g.first = s.startMs;
  }
  const list = [...groups.values()];
  chain(list, opts.indexEveryChat === true);
  attachToolGroups(list);
  const runs = new Map<string, GenAiSpan[]>();
  // Runs are listed in the order their first span arrived, as before chaining.
  for (const g of list) {
    const r = root(g);
    runs.set(r.key, [...(runs.get(r.key) ?? []), ...g.spans]);
  }
  for (const [k, v] of runs) if (!v.some((s) => s.kind !== 'agent')) runs.delete(k);
  return runs;
}

/**
 * For a live consumer that fixes a trace's run when the trace's first span arrives (it cannot take
 * back what it sent): the held run that `span` joins by the rules of runOfSpans (a continued
 * conversation, a call id, a result text, timing; same process), or undefined when it starts a run
 * of its own. When it would join several held runs, the one whose first span started first.
 */
export function heldRunJoinedBy(
  span: GenAiSpan,
  held: ReadonlyMap<string, readonly GenAiSpan[]>,
): string | undefined {
  const owner = new Map<GenAiSpan, string>();
  for (const [run, spans] of held) for (const s of spans) owner.set(s, run);
  if (owner.size === 0) return undefined;
  for (const list of runOfSpans([...owner.keys(), span]).values()) {
    if (!list.includes(span)) continue;
    const joined = list.filter((s) => s !== span && owner.has(s)).sort(byStart);
    return joined.length > 0 ? owner.get(joined[0]!) : undefined;
  }
  return undefined;
}
