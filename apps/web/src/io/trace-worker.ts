// Web Worker that owns every open run: parses JSONL (streamed, with progress) into the compact
// columnar reader, analyzes, and ships typed-array columns to the main thread. A loaded file keeps
// only its raw bytes besides the columns; the inspector's args and results are parsed from the one
// line they are on when asked. Replay snapshots, happens-before diagrams and exports (JSONL, Chrome
// trace) are computed on demand.
/// <reference lib="webworker" />
import { analyzeModel, buildRunModel, type RunModel } from '@causelane/analysis';
import {
  type CompactRun,
  formatLineError,
  readCompactTraceStream,
  sameEventLine,
  type TraceEvent,
} from '@causelane/trace-schema';
import { type CallPayload, callDetails, callPayloadFromLines } from '../model/call-details.ts';
import { happensBeforeDiagram } from '../model/happens-before.ts';
import { LineStore } from '../model/line-store.ts';
import { LiveRunEvents } from '../model/live-run-events.ts';
import { replaySnapshot } from '../model/replay-snapshot.ts';
import { evidenceOfEvents, evidenceOfFile } from '../model/run-evidence.ts';
import { drainExport, type ExportFormat, type ExportSource, exportStream } from '../model/run-export.ts';
import { buildCallTexts, searchCalls } from '../model/search-index.ts';
import { buildTimelineColumns, type TimelineColumns, transferablesOf } from '../model/timeline-columns.ts';
import type {
  ExportedFile,
  LoadResult,
  LoadSource,
  WorkerRequest,
  WorkerResponse,
} from './worker-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

class InputError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

interface OpenRun {
  model: RunModel;
  cols: TimelineColumns;
  /** The columns search reads, still attached in the worker. */
  kept: TimelineColumns;
  /** Live runs keep their events by seq for dedup across reconnects. */
  live?: LiveRunEvents;
  /** A loaded file's run: the compact columns (line numbers included) and the file's bytes. */
  file?: { compact: CompactRun; lines: LineStore };
}

const runs = new Map<string, OpenRun>();

function post(msg: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

function analyzeRun(run: string, events: readonly TraceEvent[] | CompactRun): OpenRun {
  const model = buildRunModel(run, events);
  const cols = buildTimelineColumns(model, analyzeModel(model));
  return { model, cols, kept: keptColumns(cols) };
}

/** Copies of the columns search reads: the originals are transferred to the main thread (detached here). */
function keptColumns(cols: TimelineColumns): TimelineColumns {
  return {
    ...cols,
    type: cols.type.slice(),
    lane: cols.lane.slice(),
    callTurn: cols.callTurn.slice(),
    callStart: cols.callStart.slice(),
    callEnd: cols.callEnd.slice(),
    callListed: cols.callListed.slice(),
  };
}

async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

async function openSource(
  source: LoadSource,
): Promise<{ name: string; stream: ReadableStream<Uint8Array>; total: number | null }> {
  if (source.type === 'file')
    return { name: source.file.name, stream: source.file.stream(), total: source.file.size };
  if (source.type === 'text') {
    const blob = new Blob([source.text]);
    return { name: source.name, stream: blob.stream(), total: blob.size };
  }
  let res: Response;
  try {
    res = await fetch(source.url, { headers: source.headers ?? {} });
  } catch (err) {
    throw new InputError(`could not fetch ${source.url}: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body)
    throw new InputError(`could not fetch ${source.url}: HTTP ${res.status} ${res.statusText}`);
  const len = Number(res.headers.get('content-length'));
  const name = decodeURIComponent(
    new URL(source.url, self.location.href).pathname.split('/').pop() || source.url,
  );
  return { name, stream: res.body, total: Number.isFinite(len) && len > 0 ? len : null };
}

async function load(id: number, source: LoadSource): Promise<void> {
  const t0 = performance.now();
  const { name, stream, total } = await openSource(source);
  const lines = new LineStore();
  // The raw lines are kept anyway (for the inspector), so repeats of a seq are compared exactly from
  // them instead of hashing every line while reading (which cost about half of JSON.parse).
  let bytes = 0;
  let lastPost = 0;
  const read = await readCompactTraceStream(chunksOf(stream), {
    maxErrors: 20,
    sameContent: (a, b) => sameEventLine(lines.text(a), lines.text(b)),
    onChunk: (chunk) => lines.push(chunk),
    onProgress: (read) => {
      bytes = read;
      const now = performance.now();
      if (now - lastPost > 50) {
        lastPost = now;
        post({ id, kind: 'progress', bytes, total });
      }
    },
  });
  post({ id, kind: 'progress', bytes, total });
  if (read.errors.length > 0) {
    const more = read.errorTotal - read.errors.length;
    throw new InputError(
      `${name}: ${read.errorTotal} invalid line${read.errorTotal === 1 ? '' : 's'}; nothing was loaded`,
      [...read.errors.map((e) => formatLineError(name, e)), ...(more > 0 ? [`… and ${more} more`] : [])],
    );
  }
  if (read.runs.size === 0)
    throw new InputError(`${name}: no events found (expected one JSON event per line)`);
  const t1 = performance.now();
  const result: LoadResult = {
    name,
    runs: [],
    duplicates: read.duplicates,
    lines: read.lines,
    timings: { read: t1 - t0, analyze: 0 },
  };
  for (const [run, compact] of read.runs) {
    const open = { ...analyzeRun(run, compact), file: { compact, lines } };
    open.cols.evidence = evidenceOfFile(open.cols, (i) => lines.text(compact.line(i)));
    runs.set(run, open);
    result.runs.push(open.cols);
  }
  result.timings.analyze = performance.now() - t1;
  post({ id, kind: 'result', value: result }, result.runs.flatMap(transferablesOf));
}

function live(id: number, run: string, incoming: unknown[], reset: boolean): void {
  let open = runs.get(run);
  // A file's run of the same name is replaced, not merged into.
  const known = open?.live ?? new LiveRunEvents(run);
  const changed = known.apply(incoming, reset);
  if (!changed && open) {
    post({ id, kind: 'result', value: null });
    return;
  }
  const events = known.sorted();
  open = { ...analyzeRun(run, events), live: known };
  open.cols.evidence = evidenceOfEvents(events);
  runs.set(run, open);
  post({ id, kind: 'result', value: open.cols }, transferablesOf(open.cols));
}

/** Args, result and error of a loaded file's call, parsed from the lines of its two events. */
function payloadOf(open: OpenRun, callId: string): CallPayload | undefined {
  if (!open.file) return undefined;
  const { compact, lines } = open.file;
  return callPayloadFromLines(open.model, compact, (line) => lines.text(line), callId);
}

/** Ids of requests the user cancelled (exports check it between chunks). */
const cancelled = new Set<number>();

/**
 * The run as a file for other tools: a loaded file's own lines (and its compact model for the
 * Chrome trace), or a live run's events. Streamed in chunks with progress; cancellable.
 */
async function exportOf(id: number, run: string, format: ExportFormat): Promise<ExportedFile> {
  const open = need(run);
  let source: ExportSource;
  if (open.file) {
    const { compact, lines } = open.file;
    source = {
      kind: 'lines',
      run,
      count: compact.length,
      lineOf: (i) => lines.text(compact.line(i)),
      model: open.model,
    };
  } else if (open.live) source = { kind: 'events', run, events: open.live.sorted() };
  else throw new InputError(`run ${JSON.stringify(run)} holds no events to export`);
  let lastPost = 0;
  const out = exportStream(source, format, open.cols.anomalies, (done, total) => {
    const now = performance.now();
    if (now - lastPost < 50 && done < total) return;
    lastPost = now;
    post({ id, kind: 'progress', bytes: done, total });
  });
  try {
    const parts = await drainExport(out.chunks, {
      pause: () => new Promise((r) => setTimeout(r, 0)),
      cancelled: () => cancelled.has(id),
    });
    return { fileName: out.fileName, blob: new Blob(parts, { type: out.mimeType }) };
  } finally {
    cancelled.delete(id);
  }
}

/** Each open run's searchable call texts, built on its first search (a live update replaces the run). */
const searchTexts = new WeakMap<OpenRun, Promise<string[]>>();

/** Lets queued requests run between chunks of a long index build. */
const yieldToQueue = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function searchRun(run: string, query: string): Promise<Int32Array> {
  const open = need(run);
  let texts = searchTexts.get(open);
  if (!texts) {
    const file = open.file;
    const events = open.live?.sorted();
    texts = buildCallTexts(
      open.kept,
      (i) => {
        if (events) return events[i];
        const line = file ? file.lines.text(file.compact.line(i)) : null;
        return line ? JSON.parse(line) : undefined;
      },
      yieldToQueue,
    );
    searchTexts.set(open, texts);
  }
  return searchCalls(open.kept, await texts, query);
}

function need(run: string): OpenRun {
  const open = runs.get(run);
  if (!open) throw new InputError(`run ${JSON.stringify(run)} is not open`);
  return open;
}

async function handle(req: WorkerRequest): Promise<void> {
  switch (req.kind) {
    case 'load':
      return load(req.id, req.source);
    case 'live':
      return live(req.id, req.run, req.events, req.reset);
    case 'call': {
      const open = need(req.run);
      return post({
        id: req.id,
        kind: 'result',
        value: callDetails(open.model, req.call, payloadOf(open, req.call)),
      });
    }
    case 'snapshot': {
      const open = need(req.run);
      return post({
        id: req.id,
        kind: 'result',
        value: replaySnapshot(open.model, open.cols.anomalies, req.at),
      });
    }
    case 'hb':
      return post({ id: req.id, kind: 'result', value: happensBeforeDiagram(need(req.run).model, req.turn) });
    case 'export':
      return post({ id: req.id, kind: 'result', value: await exportOf(req.id, req.run, req.format) });
    case 'cancel':
      cancelled.add(req.target);
      return post({ id: req.id, kind: 'result', value: null });
    case 'search': {
      const lanes = await searchRun(req.run, req.query);
      return post({ id: req.id, kind: 'result', value: lanes }, [lanes.buffer]);
    }
  }
}

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  handle(e.data).catch((err: unknown) => {
    const details = err instanceof InputError ? err.details : [];
    post({ id: e.data.id, kind: 'error', message: (err as Error).message ?? String(err), details });
  });
};
