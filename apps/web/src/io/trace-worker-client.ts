// Main-thread side of the trace worker: one worker per page, a promise per request, progress
// callbacks, the summaries of the open file's runs as the worker analyzes them after a load, and an
// error type that carries the per-line details for the UI.
import type { ExportFormat } from '../model/run-export.ts';
import type {
  LoadSource,
  SummaryBatch,
  WorkerRequest,
  WorkerResponse,
  WorkerResults,
} from './worker-protocol.ts';

export class TraceLoadError extends Error {
  constructor(
    message: string,
    readonly details: string[],
  ) {
    super(message);
  }
}

type Pending = {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (bytes: number, total: number | null) => void;
  /** A load's: receives its file's run summaries once the load has succeeded. */
  onSummaries?: (batch: SummaryBatch) => void;
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class TraceWorkerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The open file's load: only its summaries are passed on (a failed load leaves the previous one). */
  private background: { id: number; onSummaries: (batch: SummaryBatch) => void } | null = null;

  constructor() {
    this.worker = new Worker(new URL('./trace-worker.ts', import.meta.url), {
      type: 'module',
      name: 'causelane-trace',
    });
    this.worker.onmessage = (e: MessageEvent<WorkerResponse>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      for (const p of this.pending.values())
        p.reject(new TraceLoadError(`trace worker failed: ${e.message}`, []));
      this.pending.clear();
    };
  }

  private receive(msg: WorkerResponse): void {
    if (msg.kind === 'summaries') {
      if (this.background?.id === msg.id) this.background.onSummaries(msg);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.kind === 'progress') p.onProgress?.(msg.bytes, msg.total);
    else {
      this.pending.delete(msg.id);
      if (msg.kind === 'result') {
        // The worker posts a load's summaries after its result, so none is missed.
        if (p.onSummaries) this.background = { id: msg.id, onSummaries: p.onSummaries };
        p.resolve(msg.value);
      } else p.reject(new TraceLoadError(msg.message, msg.details));
    }
  }

  private request<K extends WorkerRequest['kind']>(
    req: DistributiveOmit<Extract<WorkerRequest, { kind: K }>, 'id'>,
    onProgress?: Pending['onProgress'],
    onSummaries?: Pending['onSummaries'],
  ): Promise<WorkerResults[K]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress, onSummaries });
      this.worker.postMessage({ ...req, id });
    });
  }

  /**
   * Loads a file: resolves with its active run (`active`, else the first) analyzed; the other runs'
   * counts then arrive in `onSummaries`, until the next successful load.
   */
  load(
    source: LoadSource,
    active: string | null,
    onProgress?: Pending['onProgress'],
    onSummaries?: Pending['onSummaries'],
  ) {
    return this.request<'load'>({ kind: 'load', source, active }, onProgress, onSummaries);
  }
  /** The columns of a run of the loaded file (analyzed now if the background pass has not yet). */
  open(run: string) {
    return this.request<'open'>({ kind: 'open', run });
  }
  live(run: string, events: unknown[], reset: boolean) {
    return this.request<'live'>({ kind: 'live', run, events, reset });
  }
  call(run: string, call: string) {
    return this.request<'call'>({ kind: 'call', run, call });
  }
  snapshot(run: string, at: number) {
    return this.request<'snapshot'>({ kind: 'snapshot', run, at });
  }
  happensBefore(run: string, turn: number) {
    return this.request<'hb'>({ kind: 'hb', run, turn });
  }
  search(run: string, query: string) {
    return this.request<'search'>({ kind: 'search', run, query });
  }
  exportRun(run: string, format: ExportFormat, onProgress?: Pending['onProgress']) {
    return this.request<'export'>({ kind: 'export', run, format }, onProgress);
  }
  /** An export that can be stopped: `cancel` makes `done` reject with "export cancelled". */
  exportCancellable(run: string, format: ExportFormat, onProgress?: Pending['onProgress']) {
    const target = this.nextId;
    const done = this.exportRun(run, format, onProgress);
    return { done, cancel: () => void this.request<'cancel'>({ kind: 'cancel', target }) };
  }
}

let client: TraceWorkerClient | null = null;

/** The page's one trace worker, started on first use. */
export function traceWorker(): TraceWorkerClient {
  client ??= new TraceWorkerClient();
  return client;
}
