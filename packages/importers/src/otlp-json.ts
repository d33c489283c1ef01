// Reads the OTLP JSON encoding of ExportTraceServiceRequest (resourceSpans > scopeSpans > spans),
// as written by OTLP/HTTP JSON exporters and the collector's file exporter, into GenAI spans.
import type { TraceEvent } from '@causelane/trace-schema';
import { forgetMessageHistories } from './dialects/message-history-json.ts';
import { forgetInputScans } from './dialects/otel-genai.ts';
import { type GenAiSpan, genAiSpanFrom, type RawSpan } from './genai-span.ts';
import { describeValue, ImportError } from './import-error.ts';
import { assembleRuns } from './spans-to-events.ts';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arrayAt(parent: Json, key: string, where: string, required = false): unknown[] {
  const v = parent[key];
  if (v === undefined || v === null) {
    if (required) throw new ImportError(`${where}.${key}`, 'required, but missing');
    return [];
  }
  if (!Array.isArray(v))
    throw new ImportError(`${where}.${key}`, `expected an array, got ${describeValue(v)}`);
  return v;
}

function objectAt(list: unknown[], i: number, where: string): Json {
  const v = list[i];
  if (!isObject(v)) throw new ImportError(`${where}[${i}]`, `expected an object, got ${describeValue(v)}`);
  return v;
}

/** OTLP AnyValue to plain JS; int64 arrives as a decimal string in JSON. */
export function anyValue(v: unknown, where: string): unknown {
  if (!isObject(v)) throw new ImportError(where, `expected an AnyValue object, got ${describeValue(v)}`);
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('bytesValue' in v) return v.bytesValue;
  if ('arrayValue' in v) {
    const values = isObject(v.arrayValue) ? arrayAt(v.arrayValue, 'values', `${where}.arrayValue`) : [];
    return values.map((x, i) => anyValue(x, `${where}.arrayValue.values[${i}]`));
  }
  if ('kvlistValue' in v)
    return isObject(v.kvlistValue) ? attributes(v.kvlistValue, `${where}.kvlistValue`, 'values') : {};
  return undefined;
}

function attributes(parent: Json, where: string, key = 'attributes'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const list = arrayAt(parent, key, where);
  // The JSON paths are built only for an error: this loop runs for every attribute of the file.
  for (let i = 0; i < list.length; i++) {
    const kv = list[i];
    if (!isObject(kv))
      throw new ImportError(`${where}.${key}[${i}]`, `expected an object, got ${describeValue(kv)}`);
    if (typeof kv.key !== 'string')
      throw new ImportError(`${where}.${key}[${i}].key`, `expected a string, got ${describeValue(kv.key)}`);
    const v = kv.value;
    // A string value (most of them) as anyValue reads it, without its call.
    out[kv.key] =
      v === undefined
        ? undefined
        : isObject(v) && 'stringValue' in v
          ? v.stringValue
          : anyValue(v, `${where}.${key}[${i}].value`);
  }
  return out;
}

/** /^\d+$/.test(v), without a regular expression on every span's two timestamps. */
export function allDigits(v: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Nanoseconds since the epoch (string, number, or protobufjs' {low, high}) to milliseconds. */
function nanosToMs(v: unknown, where: string, field: string): number {
  if (typeof v === 'string' && allDigits(v)) {
    // Whole microseconds, then ms. Up to 18 digits of microseconds, `v` without its last 3 digits
    // rounds to the same double as Number(BigInt(v) / 1000n), without the BigInts.
    if (v.length <= 21) return Number(v.slice(0, -3)) / 1000;
    return Number(BigInt(v) / 1000n) / 1000;
  }
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v / 1e6;
  if (isObject(v) && typeof v.low === 'number' && typeof v.high === 'number') {
    return ((v.high >>> 0) * 2 ** 32 + (v.low >>> 0)) / 1e6;
  }
  throw new ImportError(`${where}.${field}`, `expected nanoseconds since the epoch, got ${describeValue(v)}`);
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Trace and span ids as the OTLP JSON encoding writes them: hex, kept exactly as written (never
 * case-folded: a run id is named after it). Python's protobuf MessageToJson writes the bytes as
 * base64 instead (24 characters for a trace id, 12 for a span id): those are decoded to hex.
 */
export function otlpId(v: unknown, where: string, bytes: 16 | 8): string {
  if (typeof v !== 'string' || v === '')
    throw new ImportError(where, `expected a hex id string, got ${describeValue(v)}`);
  const b64Length = bytes === 16 ? 24 : 12;
  if (v.length === b64Length && BASE64.test(v) && !/^[0-9a-fA-F]+$/.test(v)) {
    const bin = atob(v);
    if (bin.length === bytes) {
      let hex = '';
      for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, '0');
      return hex;
    }
  }
  return v;
}

/** otlpId, with the path built only when needed: a hex id (not of base64's length) is kept as is. */
function idOf(v: unknown, where: string, field: string, bytes: 16 | 8): string {
  if (typeof v === 'string' && v !== '' && v.length !== (bytes === 16 ? 24 : 12)) return v;
  return otlpId(v, `${where}.${field}`, bytes);
}

function statusIsError(status: unknown): boolean {
  if (!isObject(status)) return false;
  return status.code === 2 || status.code === 'STATUS_CODE_ERROR';
}

/** The resource attributes that tell one agent process from another (runs chain only within one). */
function processKey(resource: Record<string, unknown>): string | undefined {
  const parts = ['service.name', 'service.instance.id', 'process.pid', 'host.name'].map((k) => resource[k]);
  return parts.some((p) => p !== undefined)
    ? parts.map((p) => (p === undefined ? '' : String(p))).join('|')
    : undefined;
}

/** True when the value looks like an ExportTraceServiceRequest. */
export function isOtlpTraceRequest(value: unknown): boolean {
  return isObject(value) && Array.isArray(value.resourceSpans);
}

export interface OtlpSpanOptions {
  /**
   * Called with the error of a span that cannot be read, which is then skipped (live ingest
   * answers OTLP partial success). Without it the first bad span throws. Errors in the request's
   * structure above the spans always throw.
   */
  onSpanError?: (err: ImportError) => void;
  /** Called with the name of each span that no dialect claims (HTTP, database, framework spans). */
  onForeignSpan?: (name: string) => void;
}

/**
 * Every GenAI span of one or more requests (the file exporter writes one request per line), each
 * (traceId, spanId) once: an exporter retry or a batch written twice repeats spans, and a second
 * copy would read as a second model call or tool run. The first copy is kept.
 */
export function otlpGenAiSpans(requests: readonly unknown[], opts: OtlpSpanOptions = {}): GenAiSpan[] {
  try {
    return genAiSpansOf(requests, opts);
  } finally {
    // Histories are shared between the spans of one read only: hold no memory afterwards.
    forgetMessageHistories();
    forgetInputScans();
  }
}

function genAiSpansOf(requests: readonly unknown[], opts: OtlpSpanOptions): GenAiSpan[] {
  const out: GenAiSpan[] = [];
  // Span ids seen, per trace id: a pair without building a key string per span.
  const seen = new Map<string, Set<string>>();
  requests.forEach((request, r) => {
    const root = requests.length === 1 ? '$' : `line ${r + 1}: $`;
    if (!isObject(request))
      throw new ImportError(
        root,
        `expected an ExportTraceServiceRequest object, got ${describeValue(request)}`,
      );
    const resourceSpans = arrayAt(request, 'resourceSpans', root, true);
    for (let i = 0; i < resourceSpans.length; i++) {
      const rsWhere = `${root}.resourceSpans[${i}]`;
      const rs = objectAt(resourceSpans, i, `${root}.resourceSpans`);
      const resource = isObject(rs.resource) ? attributes(rs.resource, `${rsWhere}.resource`) : {};
      const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : undefined;
      const process = processKey(resource);
      const scopeSpans = arrayAt(rs, 'scopeSpans', rsWhere);
      for (let j = 0; j < scopeSpans.length; j++) {
        const ssWhere = `${rsWhere}.scopeSpans[${j}]`;
        const spans = arrayAt(objectAt(scopeSpans, j, `${rsWhere}.scopeSpans`), 'spans', ssWhere);
        for (let k = 0; k < spans.length; k++) {
          try {
            const span = readSpan(spans, k, ssWhere, service, process);
            if (!span) {
              opts.onForeignSpan?.(String(objectAt(spans, k, ssWhere).name ?? ''));
              continue;
            }
            let ids = seen.get(span.traceId);
            if (!ids) {
              ids = new Set();
              seen.set(span.traceId, ids);
            }
            if (ids.has(span.spanId)) continue;
            ids.add(span.spanId);
            out.push(span);
          } catch (err) {
            if (!(err instanceof ImportError) || !opts.onSpanError) throw err;
            opts.onSpanError(err);
          }
        }
      }
    }
  });
  return out;
}

function readSpan(
  spans: unknown[],
  k: number,
  ssWhere: string,
  service: string | undefined,
  process: string | undefined,
): GenAiSpan | null {
  const where = `${ssWhere}.spans[${k}]`;
  const s = spans[k];
  if (!isObject(s))
    throw new ImportError(`${ssWhere}.spans[${k}]`, `expected an object, got ${describeValue(s)}`);
  const raw: RawSpan = {
    traceId: idOf(s.traceId, where, 'traceId', 16),
    spanId: idOf(s.spanId, where, 'spanId', 8),
    name: typeof s.name === 'string' ? s.name : '',
    startMs: nanosToMs(s.startTimeUnixNano, where, 'startTimeUnixNano'),
    endMs: nanosToMs(s.endTimeUnixNano, where, 'endTimeUnixNano'),
    attributes: attributes(s, where),
    events: arrayAt(s, 'events', where).map((_, n, list) => {
      const ev = objectAt(list, n, `${where}.events`);
      return {
        name: typeof ev.name === 'string' ? ev.name : '',
        attributes: attributes(ev, `${where}.events[${n}]`),
      };
    }),
    error: statusIsError(s.status),
    where,
  };
  if (raw.endMs! < raw.startMs) throw new ImportError(`${where}.endTimeUnixNano`, 'ends before it starts');
  if (isObject(s.status) && typeof s.status.message === 'string') raw.statusMessage = s.status.message;
  if (typeof s.parentSpanId === 'string' && s.parentSpanId !== '')
    raw.parentSpanId = idOf(s.parentSpanId, where, 'parentSpanId', 8);
  if (service) raw.service = service;
  if (process) raw.process = process;
  return genAiSpanFrom(raw);
}

export interface OtlpImport {
  runs: Map<string, TraceEvent[]>;
  /** Per run: what its spans could not show (also in its run.start meta.evidence). */
  evidence: Map<string, string[]>;
  /** About the file as a whole, e.g. many one-span runs (no root span, messages that do not chain). */
  warnings: string[];
}

/** Runs with one model call and nothing else, from this many on, and most runs: the spans did not join. */
const ONE_SPAN_RUNS_WARNING = 3;

/** OTLP JSON (one request, or several from a JSON-lines file) to format-v1 runs, evidence and warnings. */
export function importOtlpJsonDetailed(requests: unknown | readonly unknown[]): OtlpImport {
  const list = Array.isArray(requests) ? requests : [requests];
  const spans = otlpGenAiSpans(list);
  if (!spans.some((s) => s.kind !== 'agent')) {
    throw new ImportError(
      '$.resourceSpans',
      'no GenAI spans found (expected model-call and tool spans: gen_ai.operation.name chat or execute_tool, AI SDK ai.* spans, OpenInference LLM/TOOL, OpenLLMetry or Mastra spans)',
    );
  }
  const assembled = assembleRuns(spans, { source: 'otlp' });
  const runs = new Map<string, TraceEvent[]>();
  const evidence = new Map<string, string[]>();
  let single = 0;
  for (const [run, a] of assembled) {
    runs.set(run, a.events);
    if (a.evidence.length > 0) evidence.set(run, a.evidence);
    if (
      a.events.filter((e) => e.type === 'llm.request').length === 1 &&
      a.events.every((e) => !e.type.startsWith('tool.'))
    )
      single++;
  }
  const warnings: string[] = [];
  if (single >= ONE_SPAN_RUNS_WARNING && single * 2 > runs.size)
    warnings.push(
      `${single} of ${runs.size} runs hold a single model call: the spans share no root span and their messages do not chain into conversations; wrap each agent run in one span, or record input messages (see docs/importers.md)`,
    );
  return { runs, evidence, warnings };
}

/** OTLP JSON (one request, or several from a JSON-lines file) to format-v1 runs. */
export function importOtlpJson(requests: unknown | readonly unknown[]): Map<string, TraceEvent[]> {
  return importOtlpJsonDetailed(requests).runs;
}
