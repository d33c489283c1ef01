// Saves a run in another tool's format: the worker builds the file in chunks (with progress, and
// cancellable), the browser downloads it.
import { saveFile } from '../io/file-download.ts';
import { traceWorker } from '../io/trace-worker-client.ts';
import type { ExportFormat } from '../model/run-export.ts';

/** Downloads `run` as `<run>.trace.json` (Chrome trace) or `<run>.jsonl`; resolves with the file name. */
export async function downloadRun(run: string, format: ExportFormat): Promise<string> {
  return startDownload(run, format).done;
}

export interface DownloadJob {
  /** The file name once saved; rejects with "export cancelled" after `cancel`. */
  done: Promise<string>;
  cancel: () => void;
}

/** Starts exporting `run`; `onProgress` gets events done of the run's total. */
export function startDownload(
  run: string,
  format: ExportFormat,
  onProgress?: (done: number, total: number | null) => void,
): DownloadJob {
  const job = traceWorker().exportCancellable(run, format, onProgress);
  return {
    done: job.done.then(({ fileName, blob }) => {
      saveFile(fileName, blob);
      return fileName;
    }),
    cancel: job.cancel,
  };
}
