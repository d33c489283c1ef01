// Messages between the main thread and the trace worker. Every request carries an id; the worker
// answers with progress messages and then exactly one result or error for that id.
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
  | { id: number; kind: 'load'; source: LoadSource }
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
  runs: TimelineColumns[];
  duplicates: number;
  lines: number;
  /** Milliseconds spent parsing, analyzing and building columns. */
  timings: { read: number; analyze: number };
}

export interface WorkerResults {
  load: LoadResult;
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
  | { id: number; kind: 'result'; value: unknown }
  | { id: number; kind: 'error'; message: string; details: string[] };
