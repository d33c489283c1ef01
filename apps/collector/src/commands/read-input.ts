// Reads a trace file (or stdin for "-"), letting @causelane/importers' dispatcher decide its format.
// JSONL v1 streams through trace-schema's stream reader without building one giant string; JSON
// documents (OTLP, message histories) are read whole and imported. Read errors become CliErrors
// naming the file and the line or JSON path.
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import {
  importTrace,
  importTraceBytes,
  isOtlpProtobuf,
  planTraceRead,
  type TraceFormat,
  type TraceImport,
} from '@causelane/importers';
import {
  arrayColumns,
  type CompactRun,
  formatLineError,
  indexOfSeq,
  type LineError,
  readCompactTraceStream,
  readTraceStream,
  sameEventLine,
  type TraceEvent,
} from '@causelane/trace-schema';
import { CliError } from './cli-error.ts';

interface InputBase {
  format: TraceFormat;
  /** Display name: the path, or `<stdin>`. */
  source: string;
  /** The line of the event with this seq, for JSONL input; undefined for JSON documents. */
  lineOf(run: string, seq: number): number | undefined;
  /** Imports (OTLP): per run, what the spans could not show; about the file as a whole. */
  evidence?: Map<string, string[]>;
  warnings?: string[];
}
/** Every event with every field (for export). */
export interface FullTraceInput extends InputBase {
  runs: Map<string, TraceEvent[]>;
}
/** Events for analysis: compact columnar runs for JSONL (big files), arrays for imports. */
export interface TraceInput extends InputBase {
  runs: Map<string, TraceEvent[] | CompactRun>;
}

function objectLineLookup(runs: Map<string, TraceEvent[]>, lines: WeakMap<object, number>) {
  return (run: string, seq: number): number | undefined => {
    const events = runs.get(run);
    const i = events ? indexOfSeq(arrayColumns(run, events), seq) : -1;
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

function imported(source: string, res: TraceImport): FullTraceInput {
  if (!res.ok) throw new CliError(res.errors.join('\n'));
  const input: FullTraceInput = { runs: res.runs, format: res.format, source, lineOf: () => undefined };
  if (res.evidence) input.evidence = res.evidence;
  if (res.warnings) input.warnings = res.warnings;
  return input;
}

function fromImport(source: string, text: string, run: string): FullTraceInput {
  return imported(source, importTrace(text, { source, run }));
}

function fromBytes(source: string, bytes: Uint8Array, run: string): FullTraceInput {
  return imported(source, importTraceBytes(bytes, { source, run }));
}

/** The first bytes of a file, to tell binary OTLP protobuf from text before reading it as text. */
async function fileHead(file: string, source: string): Promise<Uint8Array> {
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read({ buffer: Buffer.alloc(4096), position: 0 });
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw cannotRead(source, err);
  }
}

/** Standard input as text chunks, unless it turns out to be binary OTLP protobuf (then its bytes). */
async function stdinChunks(source: string): Promise<AsyncIterator<string> | Uint8Array> {
  const raw = (process.stdin as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let size = 0;
  let done = false;
  try {
    while (!done && size < 2) {
      const r = await raw.next();
      if (r.done) done = true;
      else {
        first.push(r.value);
        size += r.value.length;
      }
    }
    if (isOtlpProtobuf(Buffer.concat(first))) {
      for (let r = done ? null : await raw.next(); r && !r.done; r = await raw.next()) first.push(r.value);
      return Buffer.concat(first);
    }
  } catch (err) {
    throw cannotRead(source, err);
  }
  const decoder = new StringDecoder('utf8');
  return (async function* () {
    for (const b of first) yield decoder.write(b);
    if (!done) for (let r = await raw.next(); !r.done; r = await raw.next()) yield decoder.write(r.value);
    const tail = decoder.end();
    if (tail !== '') yield tail;
  })();
}

function fail(source: string, errors: LineError[]): never {
  throw new CliError(errors.map((e) => formatLineError(source, e)).join('\n'));
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
  // Binary OTLP protobuf (a `.pb` file) is read as bytes and never becomes a string.
  if (file !== '-' && isOtlpProtobuf(await fileHead(file, source)))
    return fromBytes(
      source,
      await readFile(file).catch((err) => Promise.reject(cannotRead(source, err))),
      run,
    );
  const stdin = file === '-' ? await stdinChunks(source) : null;
  if (stdin instanceof Uint8Array) return fromBytes(source, stdin, run);
  // Node's UTF-8 stream decoding hands over strings, a little faster than TextDecoder on Buffers.
  const chunks =
    stdin ??
    (createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 }) as AsyncIterable<string>)[
      Symbol.asyncIterator
    ]();
  const next = async (): Promise<string | null> => {
    try {
      const r = await chunks.next();
      return r.done ? null : r.value;
    } catch (err) {
      throw cannotRead(source, err);
    }
  };

  // Up to the first line break is enough for the dispatcher to tell JSONL from a JSON document.
  let head = '';
  let plan = planTraceRead(head);
  while (plan === undefined) {
    const chunk = await next();
    if (chunk !== null) head += chunk;
    plan = planTraceRead(head, chunk === null);
  }
  async function* all(): AsyncGenerator<string> {
    yield head;
    for (let c = await next(); c !== null; c = await next()) yield c;
  }
  const readAll = async (): Promise<string> => {
    let text = '';
    for await (const c of all()) text += c;
    return text;
  };
  if (plan === 'whole') return fromImport(source, await readAll(), run);
  // Standard input cannot be read twice (repeated lines are read again below): hold it in memory.
  // A file streams.
  const text = file === '-' ? await readAll() : null;
  const input = async function* (): AsyncGenerator<string> {
    if (text !== null) yield text;
    else yield* all();
  };

  if (fidelity === 'full') {
    // Each event's line, for CI annotations.
    const lineByEvent = new WeakMap<object, number>();
    const res = await readTraceStream(input(), { onEvent: (ev, line) => lineByEvent.set(ev, line) });
    if (res.errors.length > 0) fail(source, res.errors);
    return { runs: res.runs, format: 'jsonl', source, lineOf: objectLineLookup(res.runs, lineByEvent) };
  }

  // No per-line hash (it costs half a JSON.parse): a repeated seq is noted and kept as a duplicate
  // for now; afterwards only those few lines are read again and compared exactly.
  const repeats: [number, number][] = [];
  const res = await readCompactTraceStream(input(), {
    sameContent: (first, line) => {
      repeats.push([first, line]);
      return true;
    },
  });
  const errors = [...res.errors];
  if (repeats.length > 0) {
    const lines = await linesOf(new Set(repeats.flat()), text, file, source);
    for (const [a, b] of repeats)
      if (!sameEventLine(lines.get(a), lines.get(b))) errors.push(repeatConflict(a, b, lines.get(b)));
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

function repeatConflict(first: number, line: number, text: string | undefined): LineError {
  const ev = JSON.parse(text ?? '{}') as { run?: string; seq?: number };
  return {
    line,
    field: 'seq',
    message: `run ${JSON.stringify(ev.run)} seq ${ev.seq} repeats line ${first} with different content`,
    repeatOf: first,
  };
}
