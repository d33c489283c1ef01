// Which stored traces a request's spans may share a run with, for agents without a root span: the
// same conversation continued (input-message prints), the same call id or result text, or a tool
// span after a model call of the same process. Kept in memory per collector; see docs/importers.md.
import { createHash } from 'node:crypto';
import type { GenAiSpan } from '@causelane/importers';
import type { StoredSpan, StoreTx } from '../store/event-store.ts';

/** Traces remembered per key and time entries per process; the oldest are forgotten past these. */
const MAX_PER_KEY = 64;
const MAX_KEYS = 200_000;
const MAX_TIMES = 5_000;

const SEP = '\u0001';
const hash = (prev: string, part: string) =>
  createHash('sha1').update(prev).update(SEP).update(part).digest('base64');

interface SpanKeys {
  /** Call ids and result texts: any span naming the same one may share its run. */
  shared: string[];
  /** The model call's whole input print: later calls that continue it may join its run. */
  print?: string;
  /** Proper prefixes of its input print: the conversations it may continue. */
  prefixes: string[];
}

function keysOf(s: GenAiSpan): SpanKeys {
  const p = s.process ?? '';
  const have: string[] = [];
  const prefixes: string[] = [];
  let print: string | undefined;
  if (s.kind === 'chat') {
    if (s.inputPrint && s.inputPrint.length > 0) {
      let k = hash('print', p);
      s.inputPrint.forEach((m, i) => {
        if (i > 0) prefixes.push(k);
        k = hash(k, m);
      });
      print = k;
    }
    for (const c of s.anonymousCalls ? [] : (s.calls ?? [])) have.push(`id${SEP}${c.id}`);
    for (const r of s.results ?? []) {
      if (typeof r === 'string') have.push(`id${SEP}${r}`);
      else if (r.id) have.push(`id${SEP}${r.id}`);
      else if (r.content !== undefined) have.push(`text${SEP}${p}${SEP}${r.content}`);
    }
  } else if (s.kind === 'tool') {
    if (s.callId) have.push(`id${SEP}${s.callId}`);
    if (s.resultText !== undefined) have.push(`text${SEP}${p}${SEP}${s.resultText}`);
  }
  return print === undefined ? { shared: have, prefixes } : { shared: have, print, prefixes };
}

function remember(map: Map<string, Set<string>>, key: string, trace: string): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
    if (map.size > MAX_KEYS) map.delete(map.keys().next().value!);
  }
  set.delete(trace);
  set.add(trace);
  if (set.size > MAX_PER_KEY) set.delete(set.values().next().value!);
}

interface Times {
  /** Model calls' end times and tool spans' start times, with their trace. */
  chatEnds: { ms: number; trace: string }[];
  toolStarts: { ms: number; trace: string }[];
}

export class SpanLinks {
  /** Call ids and result texts to the traces naming them. */
  private readonly shared = new Map<string, Set<string>>();
  /** Whole input prints to the traces whose model calls have them. */
  private readonly prints = new Map<string, Set<string>>();
  /** Print prefixes to the traces whose model calls continue them. */
  private readonly continuing = new Map<string, Set<string>>();
  private readonly times = new Map<string, Times>();
  private readonly withChat = new Set<string>();
  /** Traces a span names a conversation in: placed by it, they never join one another. */
  private readonly named = new Set<string>();

  /** Indexes spans (stored or new; adding one twice is harmless). */
  add(spans: readonly GenAiSpan[]): void {
    for (const s of spans) {
      if (s.conversationId) this.named.add(s.traceId);
      const keys = keysOf(s);
      for (const k of keys.shared) remember(this.shared, k, s.traceId);
      if (keys.print) remember(this.prints, keys.print, s.traceId);
      for (const k of keys.prefixes) remember(this.continuing, k, s.traceId);
      const p = s.process ?? '';
      let t = this.times.get(p);
      if (!t) {
        t = { chatEnds: [], toolStarts: [] };
        this.times.set(p, t);
      }
      if (s.kind === 'chat') {
        this.withChat.add(s.traceId);
        if (s.endMs !== undefined) push(t.chatEnds, { ms: s.endMs, trace: s.traceId });
      } else if (s.kind === 'tool') push(t.toolStarts, { ms: s.startMs, trace: s.traceId });
    }
  }

  /** Traces that may be placed in one run with `spans` (their own traces left out). */
  linked(spans: readonly GenAiSpan[]): Set<string> {
    const out = new Set<string>();
    const own = new Set(spans.map((s) => s.traceId));
    let named = false;
    const take = (set: Set<string> | undefined) => {
      for (const t of set ?? []) if (!own.has(t) && !(named && this.named.has(t))) out.add(t);
    };
    for (const s of spans) {
      named = this.named.has(s.traceId) || s.conversationId !== undefined;
      const keys = keysOf(s);
      for (const k of keys.shared) take(this.shared.get(k));
      if (keys.print) take(this.continuing.get(keys.print));
      for (const k of keys.prefixes) take(this.prints.get(k));
      const t = this.times.get(s.process ?? '');
      if (!t) continue;
      if (s.kind === 'tool' && !this.withChat.has(s.traceId)) {
        // A tool trace without a model call joins the run that called a model just before it.
        let best: { ms: number; trace: string } | undefined;
        for (const c of t.chatEnds) if (c.ms <= s.startMs && (!best || c.ms >= best.ms)) best = c;
        for (const c of t.chatEnds)
          if (best && c.ms === best.ms && !own.has(c.trace) && !(named && this.named.has(c.trace)))
            out.add(c.trace);
      } else if (s.kind === 'chat' && s.endMs !== undefined) {
        // ...so a model call may take over tool traces that started after it ended.
        const end = s.endMs;
        let next = Infinity;
        for (const c of t.chatEnds) if (c.ms > end && c.ms < next) next = c.ms;
        for (const x of t.toolStarts)
          if (x.ms >= end && x.ms < next && !this.withChat.has(x.trace) && !own.has(x.trace))
            if (!(named && this.named.has(x.trace))) out.add(x.trace);
      }
    }
    return out;
  }

  /**
   * The stored spans to place together with `traces`: theirs, those of the traces they may share a
   * run with (SpanLinks: one hop, from the request's traces), and every span of each run any of
   * these is in (whole traces), so that placing them equals placing everything stored.
   */
  async scope(tx: StoreTx, traces: readonly string[]): Promise<StoredSpan[]> {
    const out: StoredSpan[] = [];
    const seen = new Set<string>();
    const runs = new Set<string>();
    let next = [...new Set(traces)];
    let hop = true;
    while (next.length > 0) {
      const got = await tx.spansOfTraces(next);
      for (const t of next) seen.add(t);
      out.push(...got);
      const more = new Set<string>();
      if (hop) {
        this.add(got.map((g) => g.span));
        for (const t of this.linked(got.map((g) => g.span))) if (!seen.has(t)) more.add(t);
        hop = false;
      }
      for (const { run } of got) {
        if (run === '' || runs.has(run)) continue;
        runs.add(run);
        for (const s of await tx.spansOfRun(run)) if (!seen.has(s.traceId)) more.add(s.traceId);
      }
      next = [...more];
    }
    return out;
  }
}

function push(list: { ms: number; trace: string }[], e: { ms: number; trace: string }): void {
  if (list.some((x) => x.ms === e.ms && x.trace === e.trace)) return;
  list.push(e);
  if (list.length > MAX_TIMES) list.shift();
}
