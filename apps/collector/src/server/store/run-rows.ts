// What both stores share about run summary rows: the per-run delta a batch adds, the row-to-list-item
// check that skips (and logs) a corrupt row instead of failing the list, and the keyset cursor.
import type { RunListItem, TraceEvent } from '@causelane/trace-schema';
import { DEFAULT_RUN_PAGE, MAX_RUN_PAGE, type RunPageRequest, type StoreLog } from './event-store.ts';
import { InvalidCursorError } from './store-errors.ts';

/** A `runs` row as both stores read it (column names are the same in both schemas). */
export interface RunRow {
  id: unknown;
  created: unknown;
  agent: unknown;
  mode: unknown;
  status: unknown;
  t_start: unknown;
  t_end: unknown;
  events: unknown;
  n_error: unknown;
  n_warning: unknown;
  n_info: unknown;
}

/** What one batch adds to one run's summary. */
export interface RunDelta {
  count: number;
  tMin: number;
  tMax: number;
  agent: string | null;
  mode: string | null;
  status: string | null;
  /** The batch holds the run's run.end. */
  ended: boolean;
}

export function addToDelta(deltas: Map<string, RunDelta>, ev: TraceEvent): void {
  let d = deltas.get(ev.run);
  if (!d) {
    d = { count: 0, tMin: ev.t, tMax: ev.t, agent: null, mode: null, status: null, ended: false };
    deltas.set(ev.run, d);
  }
  d.count++;
  if (ev.t < d.tMin) d.tMin = ev.t;
  if (ev.t > d.tMax) d.tMax = ev.t;
  if (ev.type === 'run.start') {
    d.agent = ev.agent ?? d.agent;
    d.mode = ev.mode ?? d.mode;
  } else if (ev.type === 'run.end') {
    d.status = ev.status ?? d.status;
    d.ended = true;
  }
}

const num = (v: unknown): number | null => {
  const n = typeof v === 'string' && v !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};
const text = (v: unknown): string | null | undefined =>
  v === null ? null : typeof v === 'string' ? v : undefined;

/**
 * The list item of a row, or the reason it cannot be one. A row is refused when a field has the
 * wrong type or a number is not finite; `validId` is false when the store found the id's stored
 * bytes not to be valid UTF-8 (it could not be addressed again by the id read back).
 */
export function listItemOf(r: RunRow, validId = true): RunListItem | string {
  if (typeof r.id !== 'string' || r.id === '') return 'id is not a string';
  if (!validId) return 'id is not valid UTF-8';
  const agent = text(r.agent);
  const mode = text(r.mode);
  const status = text(r.status);
  if (agent === undefined || mode === undefined || status === undefined)
    return 'agent, mode or status is not text';
  const start = num(r.t_start);
  const end = num(r.t_end);
  if ((start === null) !== (r.t_start === null) || (end === null) !== (r.t_end === null))
    return 'start or end is not a finite number';
  const events = num(r.events);
  const error = num(r.n_error);
  const warning = num(r.n_warning);
  const info = num(r.n_info);
  if (events === null || error === null || warning === null || info === null || num(r.created) === null)
    return 'a count or the creation time is not a finite number';
  return { id: r.id, agent, mode, status, start, end, events, anomalies: { error, warning, info } };
}

/** Rows to list items, skipping (and logging) the ones that cannot be shown. */
export function listItemsOf(
  rows: readonly RunRow[],
  log: { error(msg: string): void },
  validId: (r: RunRow) => boolean = () => true,
): RunListItem[] {
  const out: RunListItem[] = [];
  for (const r of rows) {
    const item = listItemOf(r, validId(r));
    if (typeof item === 'string')
      log.error(`run list: skipped a stored run row (${item}): ${describe(r.id)}`);
    else out.push(item);
  }
  return out;
}

function describe(id: unknown): string {
  return typeof id === 'string' ? JSON.stringify(id.slice(0, 200)) : String(id);
}

export interface RunKey {
  created: number;
  id: string;
}

export function encodeCursor(key: RunKey): string {
  return Buffer.from(JSON.stringify([key.created, key.id])).toString('base64url');
}

export function decodeCursor(cursor: string): RunKey {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string')
      return { created: v[0] as number, id: v[1] };
  } catch {}
  throw new InvalidCursorError(cursor);
}

export function pageLimit(req: RunPageRequest | undefined): number {
  const limit = req?.limit;
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_RUN_PAGE;
  return Math.max(1, Math.min(MAX_RUN_PAGE, Math.floor(limit)));
}

/** Parses stored bodies into `out`; a body that is not JSON is skipped and logged, never fatal. */
export function parseBodies(run: string, page: readonly string[], out: TraceEvent[], log: StoreLog): void {
  for (const body of page) {
    try {
      out.push(JSON.parse(body) as TraceEvent);
    } catch {
      log.error(`run ${JSON.stringify(run.slice(0, 200))}: skipped a stored event that is not JSON`);
    }
  }
}
