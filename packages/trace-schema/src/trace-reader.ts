// Streaming JSONL reader: feed text chunks as they arrive, then finish() for per-run events sorted by
// seq. Bad lines are reported with their line number and field; exact repeats of (run, seq) are
// dropped, conflicting repeats are errors. Works in browsers and workers (no Node APIs).
import { CompactRun, hashLine } from './compact-run.ts';
import { deepEqual } from './deep-equal.ts';
import type { TraceEvent } from './events.ts';
import { type FieldError, validateEvent } from './validate.ts';

export interface LineError extends FieldError {
  line: number;
  /** For a repeat of (run, seq) with other content: the line that held it first. */
  repeatOf?: number;
}

export interface ReadResult {
  /** Runs in order of first appearance; each run's events sorted by seq, repeats removed. */
  runs: Map<string, TraceEvent[]>;
  errors: LineError[];
  /** Exact repeats that were dropped. */
  duplicates: number;
  lines: number;
  /** Every bad line, counted past `maxErrors`. */
  errorTotal: number;
}

export interface TraceReaderOptions {
  /** Stop collecting errors after this many (reading goes on so the count stays right). */
  maxErrors?: number;
  /** Sees each valid event with its line as it is read, before repeats are dropped. */
  onEvent?: (event: TraceEvent, line: number) => void;
}

export function formatLineError(source: string, e: LineError): string {
  return `${source}:${e.line}: field ${e.field}: ${e.message}`;
}

interface RunBuffer {
  events: TraceEvent[];
  lines: number[];
  sorted: boolean;
}

/** Splits text into lines, parses and validates each; subclasses decide how events are kept. */
abstract class LineReader<Result> {
  protected readonly errors: LineError[] = [];
  private errorCount = 0;
  private readonly maxErrors: number;
  private readonly onEvent: ((event: TraceEvent, line: number) => void) | undefined;
  private rest = '';
  protected lineNo = 0;

  constructor(options: TraceReaderOptions = {}) {
    this.maxErrors = options.maxErrors ?? 100;
    this.onEvent = options.onEvent;
  }

  /** Feeds a chunk of text; a line may span chunks. */
  push(chunk: string): void {
    let text = this.rest + chunk;
    if (this.lineNo === 0 && this.rest === '' && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      this.pushLine(text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
  }

  /** Feeds exactly one line (no newline). */
  pushLine(raw: string): void {
    const line = ++this.lineNo;
    const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.fail({ line, field: '(line)', message: `not valid JSON (${(err as Error).message})` });
      return;
    }
    const res = validateEvent(value, text);
    if (res.ok) {
      this.accept(res.event, line, text);
      this.onEvent?.(res.event, line);
    } else this.fail({ line, ...res.error });
  }

  /** Feeds an already-parsed value, as received from a socket or an importer. */
  pushValue(value: unknown, line = ++this.lineNo): void {
    const res = validateEvent(value);
    if (res.ok) {
      this.accept(res.event, line, null);
      this.onEvent?.(res.event, line);
    } else this.fail({ line, ...res.error });
  }

  protected abstract accept(ev: TraceEvent, line: number, raw: string | null): void;

  protected fail(e: LineError): void {
    this.errorCount++;
    if (this.errors.length < this.maxErrors) this.errors.push(e);
  }

  get errorTotal(): number {
    return this.errorCount;
  }

  /** Ends the input: a last line without a newline counts. */
  protected flushRest(): void {
    if (this.rest !== '') {
      const last = this.rest;
      this.rest = '';
      this.pushLine(last);
    }
  }

  abstract finish(): Result;
}

/** Keeps every event object: for traces that fit comfortably in memory, and for full fidelity. */
export class TraceReader extends LineReader<ReadResult> {
  private readonly runs = new Map<string, RunBuffer>();

  protected accept(ev: TraceEvent, line: number): void {
    let buf = this.runs.get(ev.run);
    if (!buf) {
      buf = { events: [], lines: [], sorted: true };
      this.runs.set(ev.run, buf);
    }
    const prev = buf.events[buf.events.length - 1];
    if (prev && prev.seq >= ev.seq) buf.sorted = false;
    buf.events.push(ev);
    buf.lines.push(line);
  }

  finish(): ReadResult {
    this.flushRest();
    let duplicates = 0;
    const runs = new Map<string, TraceEvent[]>();
    for (const [run, buf] of this.runs) {
      const { events, dropped } = sortAndDedup(buf, (e) => this.fail(e));
      duplicates += dropped;
      runs.set(run, events);
    }
    this.errors.sort((a, b) => a.line - b.line);
    return { runs, errors: this.errors, duplicates, lines: this.lineNo, errorTotal: this.errorTotal };
  }
}

function sortAndDedup(
  buf: RunBuffer,
  fail: (e: LineError) => void,
): { events: TraceEvent[]; dropped: number } {
  let { events, lines } = buf;
  if (!buf.sorted) {
    const order = Array.from(events.keys()).sort(
      (a, b) => events[a]!.seq - events[b]!.seq || lines[a]! - lines[b]!,
    );
    events = order.map((i) => buf.events[i]!);
    lines = order.map((i) => buf.lines[i]!);
  }
  let dropped = 0;
  let hasRepeat = false;
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.seq === events[i - 1]!.seq) {
      hasRepeat = true;
      break;
    }
  }
  if (!hasRepeat) return { events, dropped };
  const out: TraceEvent[] = [];
  let keptLine = 0;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    const kept = out[out.length - 1];
    if (kept && kept.seq === ev.seq) {
      if (deepEqual(kept, ev)) dropped++;
      else {
        fail({
          line: lines[i]!,
          field: 'seq',
          message: `run ${JSON.stringify(ev.run)} seq ${ev.seq} repeats line ${keptLine} with different content`,
          repeatOf: keptLine,
        });
      }
      continue;
    }
    out.push(ev);
    keptLine = lines[i]!;
  }
  return { events: out, dropped };
}

export interface CompactReadResult {
  runs: Map<string, CompactRun>;
  errors: LineError[];
  duplicates: number;
  lines: number;
  /** Every bad line, counted past `maxErrors`. */
  errorTotal: number;
}

/**
 * Keeps events in columnar CompactRuns (a fraction of the memory of objects) for analysing big
 * files. Repeats of a (run, seq) are told apart by a 32-bit hash of the line's bytes, so an exact
 * resend is dropped; a repeat with other bytes is reported (with `repeatOf`) even when it is the
 * same event in another key order: callers that can read the input again let TraceReader decide.
 */
export interface CompactReaderOptions extends TraceReaderOptions {
  /**
   * Hash every line so exact resends are dropped here (default). Hashing costs about half of what
   * JSON.parse does; a caller that can read its input again can turn it off, and then re-read with
   * TraceReader when an error has `repeatOf` (every repeat of a seq is then reported).
   */
  hashRepeats?: boolean;
  /**
   * Decides exactly whether two lines hold the same event (for callers that keep the text, such as
   * the web app's line store). Replaces hashing: nothing is hashed while reading.
   */
  sameContent?: (firstLine: number, line: number) => boolean;
}

export class CompactTraceReader extends LineReader<CompactReadResult> {
  private readonly runs = new Map<string, CompactRun>();
  private readonly hashRepeats: boolean;
  private readonly sameContent: ((firstLine: number, line: number) => boolean) | undefined;

  constructor(options: CompactReaderOptions = {}) {
    super(options);
    this.sameContent = options.sameContent;
    this.hashRepeats = !this.sameContent && (options.hashRepeats ?? true);
  }

  /** The run of the previous event: consecutive lines almost always share it. */
  private last: CompactRun | undefined;

  protected accept(ev: TraceEvent, line: number, raw: string | null): void {
    let run = this.last;
    if (run?.run !== ev.run) {
      run = this.runs.get(ev.run);
      if (!run) {
        run = new CompactRun(ev.run, { hashes: this.hashRepeats });
        this.runs.set(ev.run, run);
      }
      this.last = run;
    }
    run.add(ev, this.hashRepeats ? hashLine(raw ?? JSON.stringify(ev)) : Number.NaN, line);
  }

  finish(): CompactReadResult {
    this.flushRest();
    let duplicates = 0;
    for (const [run, r] of this.runs) {
      duplicates += r.finish(
        (c) =>
          this.fail({
            line: c.line,
            field: 'seq',
            message: `run ${JSON.stringify(run)} seq ${c.seq} repeats line ${c.firstLine} with different content`,
            repeatOf: c.firstLine,
          }),
        this.sameContent,
      );
    }
    this.errors.sort((a, b) => a.line - b.line);
    return {
      runs: this.runs,
      errors: this.errors,
      duplicates,
      lines: this.lineNo,
      errorTotal: this.errorTotal,
    };
  }
}

/** Reads a whole JSONL text. */
export function readTraceText(text: string, options?: TraceReaderOptions): ReadResult {
  const r = new TraceReader(options);
  r.push(text);
  return r.finish();
}

/** Serialises events as JSONL (one event per line, trailing newline). */
export function toJsonl(events: Iterable<TraceEvent>): string {
  let out = '';
  for (const e of events) out += `${JSON.stringify(e)}\n`;
  return out;
}
