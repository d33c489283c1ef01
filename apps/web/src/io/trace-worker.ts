// Web Worker that owns every open run: parses JSONL (streamed, with progress) into the compact
// columnar reader, analyzes the active run and ships its typed-array columns to the main thread, then
// the file's other runs in the background (worker/file-runs.ts). A loaded file keeps
// only its raw bytes besides the columns; the inspector's args and results are parsed from the one
// line they are on when asked. Replay snapshots, happens-before diagrams and exports (JSONL, Chrome
// trace) are computed on demand.
/// <reference lib="webworker" />
import type { RunModel } from '@causelane/analysis';
import {
  type CompactRun,
  formatLineError,
  readCompactTraceStream,
  sameEventLine,
} from '@causelane/trace-schema';
import { type CallPayload, callDetails, callPayloadFromLines } from '../model/call-details.ts';
import { happensBeforeDiagram } from '../model/happens-before.ts';
import { LineStore } from '../model/line-store.ts';
import { LiveRunEvents } from '../model/live-run-events.ts';
import { replaySnapshot } from '../model/replay-snapshot.ts';
import { drainExport, type ExportFormat, type ExportSource, exportStream } from '../model/run-export.ts';
import { buildCallTexts, searchCalls } from '../model/search-index.ts';
import { buildTimelineColumns, type TimelineColumns, transferablesOf } from '../model/timeline-columns.ts';
import { FileRuns } from './worker/file-runs.ts';
import { InputError } from './worker/input-error.ts';
import { chunksOf, openSource } from './worker/open-source.ts';
import type {
  ExportedFile,
  LoadResult,
  LoadSource,
  WorkerRequest,
  WorkerResponse,
} from './worker-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

interface OpenRun {
  model: RunModel;
  cols: TimelineColumns;
  /** The columns search reads, still attached in the worker (a loaded run's: built on its first search). */
  kept?: TimelineColumns;
  /** Live runs keep their events by seq for dedup across reconnects. */
  live?: LiveRunEvents;
  /** A loaded file's run: the compact columns (line numbers included) and the file's bytes. */
  file?: { compact: CompactRun; lines: LineStore };
}

const runs = new Map<string, OpenRun>();

function post(msg: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

/** The loaded file's runs; replaced (and its background pass stopped) by the next good load. */
let file: FileRuns | null = null;

/** Lets queued requests run between two runs of the background pass (unlike setTimeout, never clamped). */
const pauseChannel = new MessageChannel();
const pauseForQueue = () =>
  new Promise<void>((resolve) => {
    pauseChannel.port1.onmessage = () => resolve();
    pauseChannel.port2.postMessage(null);
  });

/** A loaded run the main thread opens or asks about: its columns built now (they are transferred). */
function openFileRun(from: FileRuns, run: string): OpenRun {
  const { model, cols } = from.columns(run);
  const open: OpenRun = { model, cols, file: { compact: from.compactOf(run), lines: from.lines } };
  runs.set(run, open);
  return open;
}

async function load(id: number, source: LoadSource, active: string | null): Promise<void> {
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
  // Only the run on screen is analyzed before the first frame; the others follow in the background.
  const loaded = new FileRuns(read.runs, lines);
  for (const [run, open] of runs) if (open.file) runs.delete(run);
  file = loaded;
  const first = active !== null && loaded.has(active) ? active : loaded.order[0]!;
  const { cols } = openFileRun(loaded, first);
  const result: LoadResult = {
    name,
    runIds: loaded.order,
    active: cols,
    duplicates: read.duplicates,
    lines: read.lines,
    timings: { read: t1 - t0, analyze: performance.now() - t1 },
  };
  post({ id, kind: 'result', value: result }, transferablesOf(cols));
  await loaded.analyzeRest({
    pause: pauseForQueue,
    report: (batch) => post({ id, kind: 'summaries', ...batch }),
    stopped: () => file !== loaded,
  });
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
  // Analysis of a live run is incremental: the batch's events, not the whole run again.
  open = { ...known.columns(), live: known };
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
      keptOf(open),
      (i) => {
        if (events) return events[i];
        const line = file ? file.lines.text(file.compact.line(i)) : null;
        return line ? JSON.parse(line) : undefined;
      },
      yieldToQueue,
    );
    searchTexts.set(open, texts);
  }
  return searchCalls(keptOf(open), await texts, query);
}

/** The columns search reads: a loaded run's are rebuilt from its model on its first search. */
function keptOf(open: OpenRun): TimelineColumns {
  open.kept ??= buildTimelineColumns(open.model, []);
  return open.kept;
}

/** An open run; a run of the loaded file not asked for yet is analyzed (if need be) now. */
function need(run: string): OpenRun {
  const open = runs.get(run) ?? (file?.has(run) ? openFileRun(file, run) : undefined);
  if (!open) throw new InputError(`run ${JSON.stringify(run)} is not open`);
  return open;
}

async function handle(req: WorkerRequest): Promise<void> {
  switch (req.kind) {
    case 'load':
      return load(req.id, req.source, req.active);
    case 'open': {
      // Columns once transferred are gone from the worker: each open builds them afresh.
      if (!file?.has(req.run)) throw new InputError(`run ${JSON.stringify(req.run)} is not in the open file`);
      const { cols } = openFileRun(file, req.run);
      return post({ id: req.id, kind: 'result', value: cols }, transferablesOf(cols));
    }
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
