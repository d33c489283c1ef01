// One run handed to other tools, computed in the trace worker: format-v1 JSONL (a loaded file's
// own lines, so args and results survive byte for byte) or Chrome Trace Event JSON for Perfetto.
// Both come as a stream of text chunks with progress, so a million-event run is never one string.
import type { Anomaly, CallModel, RunModel } from '@causelane/analysis';
import { buildRunModel } from '@causelane/analysis';
import { chromeTraceJson } from '@causelane/exporters';
import { indexOfSeq, type TraceEvent, toJsonl } from '@causelane/trace-schema';

export type ExportFormat = 'chrome' | 'jsonl';

/**
 * Where a run's events come from: a loaded file keeps each event's raw line (in seq order, the
 * reader's repeats already dropped) and, in the worker, the run's model over its compact columns;
 * a live run keeps the validated event objects.
 */
export type ExportSource =
  | { kind: 'lines'; run: string; count: number; lineOf: (i: number) => string | null; model?: RunModel }
  | { kind: 'events'; run: string; events: readonly TraceEvent[] };

export interface RunExport {
  fileName: string;
  mimeType: string;
  text: string;
}

export interface ExportStream {
  fileName: string;
  mimeType: string;
  /** The file's text in order; `onProgress` is called as it is produced. */
  chunks: Iterable<string>;
}

/** A file name for the run: characters that file systems reject (and leading dots) become `_`. */
export function exportFileName(run: string, format: ExportFormat): string {
  const base = run
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 120);
  return `${base || 'run'}${format === 'chrome' ? '.trace.json' : '.jsonl'}`;
}

function lineAt(source: Extract<ExportSource, { kind: 'lines' }>, i: number): string {
  const line = source.lineOf(i);
  // The store holds every line the reader accepted; a miss means the file and columns disagree.
  if (line === null) throw new Error(`run ${JSON.stringify(source.run)}: event ${i} has no line to export`);
  return line;
}

const JSONL_BATCH = 20_000;

function* jsonlOf(
  source: ExportSource,
  onProgress: (done: number, total: number) => void,
): Generator<string> {
  if (source.kind === 'events') {
    const n = source.events.length;
    for (let i = 0; i < n; i += JSONL_BATCH) {
      yield toJsonl(source.events.slice(i, i + JSONL_BATCH));
      onProgress(Math.min(n, i + JSONL_BATCH), n);
    }
    return;
  }
  for (let i = 0; i < source.count; i += JSONL_BATCH) {
    const end = Math.min(source.count, i + JSONL_BATCH);
    const parts: string[] = new Array(end - i);
    for (let k = i; k < end; k++) parts[k - i] = lineAt(source, k);
    yield `${parts.join('\n')}\n`;
    onProgress(end, source.count);
  }
}

/**
 * The model to export a loaded file's run from, and the args and errors its compact columns
 * dropped, parsed from the one line that holds them (a turn's response is parsed once for all its calls).
 */
function chromeRunOf(source: Extract<ExportSource, { kind: 'lines' }>) {
  const model =
    source.model ??
    buildRunModel(
      source.run,
      Array.from({ length: source.count }, (_, i) => JSON.parse(lineAt(source, i)) as TraceEvent),
    );
  let cached: { seq: number; event: unknown } | null = null;
  const eventAt = (seq: number): unknown => {
    if (cached?.seq === seq) return cached.event;
    const i = indexOfSeq(model.source, seq);
    // The line was parsed and validated when the file was read.
    const event = i < 0 ? undefined : JSON.parse(lineAt(source, i));
    cached = { seq, event };
    return event;
  };
  const payloadOf = (c: CallModel) => {
    const listed = eventAt(c.listedSeq) as { calls?: { id: string; args?: unknown }[] } | undefined;
    const args = listed?.calls?.find((s) => s.id === c.id)?.args;
    if (c.ok !== false || c.endSeq === undefined) return { args, error: c.error };
    const end = eventAt(c.endSeq) as { error?: unknown } | undefined;
    return { args, error: typeof end?.error === 'string' ? end.error : undefined };
  };
  return { model, payloadOf };
}

/** The run as a stream of text in `format`; progress counts events done of the run's total. */
export function exportStream(
  source: ExportSource,
  format: ExportFormat,
  anomalies: readonly Anomaly[],
  onProgress: (done: number, total: number) => void = () => undefined,
): ExportStream {
  const fileName = exportFileName(source.run, format);
  if (format === 'jsonl')
    return { fileName, mimeType: 'application/x-ndjson', chunks: jsonlOf(source, onProgress) };
  const run =
    source.kind === 'events' ? { model: buildRunModel(source.run, [...source.events]) } : chromeRunOf(source);
  return {
    fileName,
    mimeType: 'application/json',
    chunks: chromeTraceJson([run], anomalies, { onProgress }),
  };
}

/** The whole export as one string (small runs and tests; the worker streams exportStream). */
export function exportRun(
  source: ExportSource,
  format: ExportFormat,
  anomalies: readonly Anomaly[],
): RunExport {
  const s = exportStream(source, format, anomalies);
  return { fileName: s.fileName, mimeType: s.mimeType, text: [...s.chunks].join('') };
}

/** Thrown by drainExport when the user cancelled. */
export class ExportCancelled extends Error {
  constructor() {
    super('export cancelled');
  }
}

/**
 * Runs an export stream to its end, collecting the chunks (for a Blob, never one string), pausing
 * every `sliceMs` of work so progress can be shown and a cancel request can arrive.
 */
export async function drainExport(
  chunks: Iterable<string>,
  opts: { pause: () => Promise<void>; cancelled: () => boolean; sliceMs?: number },
): Promise<string[]> {
  const parts: string[] = [];
  const slice = opts.sliceMs ?? 40;
  let since = performance.now();
  for (const chunk of chunks) {
    parts.push(chunk);
    if (performance.now() - since >= slice) {
      await opts.pause();
      if (opts.cancelled()) throw new ExportCancelled();
      since = performance.now();
    }
  }
  if (opts.cancelled()) throw new ExportCancelled();
  return parts;
}
