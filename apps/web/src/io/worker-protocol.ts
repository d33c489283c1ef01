// Messages between the main thread and the trace worker. Every request carries an id; the worker
// answers with progress messages and then exactly one result or error for that id. A load's result
// holds only the active run; the file's other runs are analyzed after it, their counts following as
// `summaries` messages under the load's id.
import type { CallDetails } from '../model/call-details.ts';
import type { HbDiagram } from '../model/happens-before.ts';
import type { ReplaySnapshot } from '../model/replay-snapshot.ts';
import type { ExportFormat } from '../model/run-export.ts';
import type { TimelineColumns } from '../model/timeline-columns.ts';

export type LoadSource =
  | { type: 'url'; url: string; headers?: Record<string, string> }
  | { type: 'file'; file: File }
  | { type: 'text'; text: string; name: string };

export type WorkerRequest =
  /** `active`: the run to analyze first (the one the URL names); the file's first run when absent. */
  | { id: number; kind: 'load'; source: LoadSource; active: string | null }
  /** The columns of a run of the loaded file, analyzed now (ahead of the queue) if it is not yet. */
  | { id: number; kind: 'open'; run: string }
  | { id: number; kind: 'live'; run: string; events: unknown[]; reset: boolean }
  | { id: number; kind: 'call'; run: string; call: string }
  | { id: number; kind: 'snapshot'; run: string; at: number }
  | { id: number; kind: 'hb'; run: string; turn: number }
  | { id: number; kind: 'export'; run: string; format: ExportFormat }
  /** Stops the export (or other long request) with id `target`; it then fails with "export cancelled". */
  | { id: number; kind: 'cancel'; target: number }
  | { id: number; kind: 'search'; run: string; query: string };

export interface LoadResult {
  name: string;
  /** Every run of the file, in the order the file first names them. */
  runIds: string[];
  /** The active run, analyzed: the one asked for, else the first. The others follow in `summaries`. */
  active: TimelineColumns;
  duplicates: number;
  lines: number;
  /** Milliseconds spent parsing, and analyzing and building columns of the active run. */
  timings: { read: number; analyze: number };
}

/** One run's anomaly counts by severity, as the worker's background pass analyzes it. */
export interface RunSummary {
  run: string;
  error: number;
  warning: number;
  info: number;
}

/** A batch of runs analyzed after a load: `done` of `total` runs (the active one included) are. */
export interface SummaryBatch {
  summaries: RunSummary[];
  done: number;
  total: number;
}

export interface WorkerResults {
  load: LoadResult;
  open: TimelineColumns;
  live: TimelineColumns | null;
  call: CallDetails | null;
  snapshot: ReplaySnapshot | null;
  hb: HbDiagram | null;
  export: ExportedFile;
  cancel: null;
  /** Matching call lanes, in start order. */
  search: Int32Array;
}

/** A run exported by the worker, ready to download (a Blob crosses to the main thread uncopied). */
export interface ExportedFile {
  fileName: string;
  blob: Blob;
}

export type WorkerResponse =
  | { id: number; kind: 'progress'; bytes: number; total: number | null }
  /** After a load's result, under the load's id, until `done === total`. */
  | ({ id: number; kind: 'summaries' } & SummaryBatch)
  | { id: number; kind: 'result'; value: unknown }
  | { id: number; kind: 'error'; message: string; details: string[] };
