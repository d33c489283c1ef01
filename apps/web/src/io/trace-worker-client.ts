// Main-thread side of the trace worker: one worker per page, a promise per request, progress
// callbacks, and an error type that carries the per-line details for the UI.
import type { ExportFormat } from '../model/run-export.ts';
import type { LoadSource, WorkerRequest, WorkerResponse, WorkerResults } from './worker-protocol.ts';

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
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class TraceWorkerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

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
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.kind === 'progress') p.onProgress?.(msg.bytes, msg.total);
    else {
      this.pending.delete(msg.id);
      if (msg.kind === 'result') p.resolve(msg.value);
      else p.reject(new TraceLoadError(msg.message, msg.details));
    }
  }

  private request<K extends WorkerRequest['kind']>(
    req: DistributiveOmit<Extract<WorkerRequest, { kind: K }>, 'id'>,
    onProgress?: Pending['onProgress'],
  ): Promise<WorkerResults[K]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      this.worker.postMessage({ ...req, id });
    });
  }

  load(source: LoadSource, onProgress?: Pending['onProgress']) {
    return this.request<'load'>({ kind: 'load', source }, onProgress);
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
