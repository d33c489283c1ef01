// Saves a run in another tool's format: the worker builds the file, the browser downloads it.
import { saveFile } from '../io/file-download.ts';
import { traceWorker } from '../io/trace-worker-client.ts';
import type { ExportFormat } from '../model/run-export.ts';

/** Downloads `run` as `<run>.trace.json` (Chrome trace) or `<run>.jsonl`; resolves with the file name. */
export async function downloadRun(run: string, format: ExportFormat): Promise<string> {
  const { fileName, blob } = await traceWorker().exportRun(run, format);
  saveFile(fileName, blob);
  return fileName;
}
