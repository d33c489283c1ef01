// One run handed to other tools, computed in the trace worker: format-v1 JSONL (a loaded file's
// own lines, so args and results survive byte for byte) or Chrome Trace Event JSON for Perfetto.
import type { Anomaly } from '@causelane/analysis';
import { toChromeTrace } from '@causelane/exporters';
import { type TraceEvent, toJsonl } from '@causelane/trace-schema';

export type ExportFormat = 'chrome' | 'jsonl';

/**
 * Where a run's events come from: a loaded file keeps each event's raw line (in seq order, the
 * reader's repeats already dropped); a live run keeps the validated event objects.
 */
export type ExportSource =
  | { kind: 'lines'; run: string; count: number; lineOf: (i: number) => string | null }
  | { kind: 'events'; run: string; events: readonly TraceEvent[] };

export interface RunExport {
  fileName: string;
  mimeType: string;
  text: string;
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

function eventsOf(source: ExportSource): TraceEvent[] {
  if (source.kind === 'events') return [...source.events];
  const out: TraceEvent[] = new Array(source.count);
  // These lines passed validation when the file was loaded.
  for (let i = 0; i < source.count; i++) out[i] = JSON.parse(lineAt(source, i)) as TraceEvent;
  return out;
}

function jsonlOf(source: ExportSource): string {
  if (source.kind === 'events') return toJsonl(source.events);
  const parts: string[] = new Array(source.count);
  for (let i = 0; i < source.count; i++) parts[i] = lineAt(source, i);
  return parts.length === 0 ? '' : `${parts.join('\n')}\n`;
}

export function exportRun(
  source: ExportSource,
  format: ExportFormat,
  anomalies: readonly Anomaly[],
): RunExport {
  const fileName = exportFileName(source.run, format);
  if (format === 'jsonl') return { fileName, mimeType: 'application/x-ndjson', text: jsonlOf(source) };
  const trace = toChromeTrace(new Map([[source.run, eventsOf(source)]]), anomalies);
  return { fileName, mimeType: 'application/json', text: `${JSON.stringify(trace)}\n` };
}
