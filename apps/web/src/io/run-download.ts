// Saves a run in another tool's format: the worker builds the file, the main thread only hands the
// Blob to the browser's download through a short-lived object URL.
import type { ExportFormat } from '../model/run-export.ts';
import { traceWorker } from './trace-session.ts';

/** Downloads `run` as `<run>.trace.json` (Chrome trace) or `<run>.jsonl`; resolves with the file name. */
export async function downloadRun(run: string, format: ExportFormat): Promise<string> {
  const { fileName, blob } = await traceWorker().exportRun(run, format);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Some browsers resolve the URL after the click's task; FileSaver.js waits 40 s for the same reason.
    setTimeout(() => URL.revokeObjectURL(url), 40_000);
  }
  return fileName;
}
