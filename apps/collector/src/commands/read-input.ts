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
import { formatLineError, type ReadResult, type TraceEvent, TraceReader } from '@causelane/trace-schema';
import { CliError } from './cli-error.ts';

export interface TraceInput extends ReadResult {
  format: TraceFormat;
  /** Display name: the path, or `<stdin>`. */
  source: string;
  /** The line of the event with this seq, for JSONL input; undefined for JSON documents. */
  lineOf(run: string, seq: number): number | undefined;
}

/** A TraceReader that remembers each event's line, for CI annotations. */
class LineTrackingReader extends TraceReader {
  readonly lineByEvent = new WeakMap<object, number>();
  protected override accept(ev: TraceEvent, line: number): void {
    super.accept(ev, line);
    this.lineByEvent.set(ev, line);
  }
}

function lineLookup(runs: Map<string, TraceEvent[]>, lines: WeakMap<object, number>) {
  return (run: string, seq: number): number | undefined => {
    const events = runs.get(run);
    if (!events) return undefined;
    let lo = 0;
    let hi = events.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = events[mid]!.seq;
      if (s === seq) return lines.get(events[mid]!);
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
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

function fromImport(source: string, text: string, run: string, parsed?: unknown): TraceInput {
  try {
    const res = parsed === undefined ? importTraceText(text, { run }) : importDocument(parsed, { run });
    return { ...res, errors: [], duplicates: 0, lines: 0, source, lineOf: () => undefined };
  } catch (err) {
    if (err instanceof ImportError) throw new CliError(`${source}: ${err.message}`);
    throw err;
  }
}

export async function readTraceInput(file: string): Promise<TraceInput> {
  const source = file === '-' ? '<stdin>' : file;
  // Message histories carry no run id: name the run after the file.
  const run = file === '-' ? 'stdin' : basename(file, extname(file)) || 'history';
  const stream = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
  const chunks = (stream as AsyncIterable<string | Uint8Array>)[Symbol.asyncIterator]();
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
  let ended = false;
  const readRest = async (): Promise<string> => {
    let text = head;
    for (let c = await next(); c !== null; c = await next()) text += c;
    ended = true;
    return text + decoder.decode();
  };
  if (mode === 'document') return fromImport(source, await readRest(), run);

  const reader = new LineTrackingReader();
  if (mode === 'unsure') {
    const text = await readRest();
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
    reader.push(text);
  } else {
    reader.push(head);
    if (!ended) for (let c = await next(); c !== null; c = await next()) reader.push(c);
    reader.push(decoder.decode());
  }
  const result = reader.finish();
  if (result.errors.length > 0) {
    throw new CliError(result.errors.map((e) => formatLineError(source, e)).join('\n'));
  }
  return { ...result, format: 'jsonl', source, lineOf: lineLookup(result.runs, reader.lineByEvent) };
}
