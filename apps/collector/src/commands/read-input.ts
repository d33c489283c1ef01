// Reads a trace file (or stdin for "-") and detects its format. JSONL v1 streams into the JSONL
// reader without building one giant string; JSON documents (OTLP, message histories) go through
// @causelane/importers. Read errors become CliErrors naming the file and the line or JSON path.
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import {
  detectDocument,
  ImportError,
  importDocument,
  importTraceText,
  type TraceFormat,
} from '@causelane/importers';
import {
  arraySource,
  type CompactRun,
  CompactTraceReader,
  deepEqual,
  formatLineError,
  indexOfSeq,
  type LineError,
  type TraceEvent,
  TraceReader,
} from '@causelane/trace-schema';
import { CliError } from './cli-error.ts';

interface InputBase {
  format: TraceFormat;
  /** Display name: the path, or `<stdin>`. */
  source: string;
  /** The line of the event with this seq, for JSONL input; undefined for JSON documents. */
  lineOf(run: string, seq: number): number | undefined;
}
/** Every event with every field (for export). */
export interface FullTraceInput extends InputBase {
  runs: Map<string, TraceEvent[]>;
}
/** Events for analysis: compact columnar runs for JSONL (big files), arrays for imports. */
export interface TraceInput extends InputBase {
  runs: Map<string, TraceEvent[] | CompactRun>;
}

/** A TraceReader that remembers each event's line, for CI annotations. */
class LineTrackingReader extends TraceReader {
  readonly lineByEvent = new WeakMap<object, number>();
  protected override accept(ev: TraceEvent, line: number): void {
    super.accept(ev, line);
    this.lineByEvent.set(ev, line);
  }
}

function objectLineLookup(runs: Map<string, TraceEvent[]>, lines: WeakMap<object, number>) {
  return (run: string, seq: number): number | undefined => {
    const events = runs.get(run);
    const i = events ? indexOfSeq(arraySource(run, events), seq) : -1;
    return i < 0 ? undefined : lines.get(events![i]!);
  };
}

function compactLineLookup(runs: Map<string, CompactRun>) {
  return (run: string, seq: number): number | undefined => {
    const r = runs.get(run);
    const i = r ? indexOfSeq(r, seq) : -1;
    return i < 0 ? undefined : r!.line(i);
  };
}

function cannotRead(source: string, err: unknown): CliError {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
  return new CliError(`${source}: cannot read: ${why}`);
}

/** How to read the rest, from the text before the first line break. */
function modeOf(head: string): 'jsonl' | 'document' | 'unsure' {
  const trimmed = head.trimStart();
  if (trimmed.startsWith('[')) return 'document';
  if (!trimmed.startsWith('{')) return 'jsonl';
  const nl = trimmed.indexOf('\n');
  const firstLine = nl === -1 ? trimmed : trimmed.slice(0, nl);
  try {
    return detectDocument(JSON.parse(firstLine)) ? 'document' : 'jsonl';
  } catch {
    // A pretty-printed document, or a JSONL file whose first line is broken.
    return 'unsure';
  }
}

function fromImport(source: string, text: string, run: string, parsed?: unknown): FullTraceInput {
  try {
    const res = parsed === undefined ? importTraceText(text, { run }) : importDocument(parsed, { run });
    return { runs: res.runs, format: res.format, source, lineOf: () => undefined };
  } catch (err) {
    if (err instanceof ImportError) throw new CliError(`${source}: ${err.message}`);
    throw err;
  }
}

function fail(source: string, errors: LineError[]): never {
  throw new CliError(errors.map((e) => formatLineError(source, e)).join('\n'));
}

/** Full fidelity: every field of every event, as the object reader keeps them. */
async function readObjects(
  source: string,
  feed: (r: TraceReader) => Promise<void> | void,
): Promise<FullTraceInput> {
  const reader = new LineTrackingReader();
  await feed(reader);
  const res = reader.finish();
  if (res.errors.length > 0) fail(source, res.errors);
  return { runs: res.runs, format: 'jsonl', source, lineOf: objectLineLookup(res.runs, reader.lineByEvent) };
}

/**
 * Reads a trace file, or standard input for "-", detecting its format. With `full`, every field of
 * every event is kept (for export); otherwise JSONL streams into compact columnar runs, a fraction
 * of the memory, which is all analysis needs.
 */
export function readTraceInput(file: string, fidelity: 'full'): Promise<FullTraceInput>;
export function readTraceInput(file: string, fidelity?: 'analysis'): Promise<TraceInput>;
export async function readTraceInput(
  file: string,
  fidelity: 'full' | 'analysis' = 'analysis',
): Promise<TraceInput> {
  const source = file === '-' ? '<stdin>' : file;
  // Message histories carry no run id: name the run after the file.
  const run = file === '-' ? 'stdin' : basename(file, extname(file)) || 'history';
  // Node's UTF-8 stream decoding hands over strings, a little faster than TextDecoder on Buffers.
  const open = () =>
    file === '-'
      ? process.stdin.setEncoding('utf8')
      : createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 });
  const chunks = (open() as AsyncIterable<string | Uint8Array>)[Symbol.asyncIterator]();
  const decoder = new TextDecoder();
  const next = async (): Promise<string | null> => {
    try {
      const r = await chunks.next();
      if (r.done) return null;
      return typeof r.value === 'string' ? r.value : decoder.decode(r.value, { stream: true });
    } catch (err) {
      throw cannotRead(source, err);
    }
  };

  let head = '';
  for (;;) {
    const chunk = await next();
    if (chunk === null) break;
    head += chunk;
    const trimmed = head.replace(/^\uFEFF/, '').trimStart();
    if (trimmed.startsWith('[') || (trimmed !== '' && trimmed.includes('\n'))) break;
  }
  const mode = modeOf(head.replace(/^\uFEFF/, ''));
  const readRest = async (): Promise<string> => {
    let text = head;
    for (let c = await next(); c !== null; c = await next()) text += c;
    return text + decoder.decode();
  };
  // Standard input cannot be read twice, and a pretty-printed document needs all of it: hold those
  // in memory. A file streams.
  let text: string | null = null;
  if (mode === 'document') return fromImport(source, await readRest(), run);
  if (mode === 'unsure') {
    text = await readRest();
    const body = text.replace(/^\uFEFF/, '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined && detectDocument(parsed)) return fromImport(source, text, run, parsed);
    // OTLP JSON lines, or else JSONL (whose reader reports broken lines exactly as before).
    try {
      const res = importTraceText(body, { run });
      if (res.format !== 'jsonl') return fromImport(source, text, run);
    } catch {
      // Fall through: the JSONL reader below names every bad line.
    }
  } else if (file === '-') text = await readRest();

  const feedAll = async (r: { push(chunk: string): void }) => {
    if (text !== null) return r.push(text);
    r.push(head);
    for (let c = await next(); c !== null; c = await next()) r.push(c);
    r.push(decoder.decode());
  };
  if (fidelity === 'full') return readObjects(source, feedAll);

  // No per-line hash (it costs half a JSON.parse): a repeated seq is noted and kept as a duplicate
  // for now; afterwards only those few lines are read again and compared exactly.
  const repeats: [number, number][] = [];
  const compact = new CompactTraceReader({
    sameContent: (first, line) => {
      repeats.push([first, line]);
      return true;
    },
  });
  await feedAll(compact);
  const res = compact.finish();
  const errors = [...res.errors];
  if (repeats.length > 0) {
    const lines = await linesOf(new Set(repeats.flat()), text, file, source);
    for (const [a, b] of repeats)
      if (!sameEvent(lines.get(a), lines.get(b))) errors.push(repeatConflict(a, b, lines.get(b)));
  }
  if (errors.length > 0)
    fail(
      source,
      errors.sort((x, y) => x.line - y.line),
    );
  return { runs: res.runs, format: 'jsonl', source, lineOf: compactLineLookup(res.runs) };
}

/** The text of the wanted lines (numbered as the reader numbers them), from memory or the file again. */
async function linesOf(
  want: ReadonlySet<number>,
  text: string | null,
  file: string,
  source: string,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  let lineNo = 0;
  let rest = '';
  const take = (chunk: string) => {
    const all = rest + chunk;
    let start = 0;
    for (let nl = all.indexOf('\n'); nl !== -1; nl = all.indexOf('\n', start)) {
      if (want.has(++lineNo)) out.set(lineNo, all.slice(start, nl));
      start = nl + 1;
    }
    rest = all.slice(start);
  };
  if (text !== null) take(text);
  else {
    try {
      for await (const c of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 }))
        take(c as string);
    } catch (err) {
      throw cannotRead(source, err);
    }
  }
  if (rest !== '' && want.has(++lineNo)) out.set(lineNo, rest);
  for (const [n, line] of out) out.set(n, line.replace(/^\uFEFF/, '').replace(/\r$/, ''));
  return out;
}

/** Same event: equal as JSON values, whatever the key order and spacing. */
function sameEvent(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return a === b || deepEqual(JSON.parse(a), JSON.parse(b));
}

function repeatConflict(first: number, line: number, text: string | undefined): LineError {
  const ev = JSON.parse(text ?? '{}') as { run?: string; seq?: number };
  return {
    line,
    field: 'seq',
    message: `run ${JSON.stringify(ev.run)} seq ${ev.seq} repeats line ${first} with different content`,
    repeatOf: first,
  };
}
