// Reads the OTLP JSON encoding of ExportTraceServiceRequest (resourceSpans > scopeSpans > spans),
// as written by OTLP/HTTP JSON exporters and the collector's file exporter, into GenAI spans.
import type { TraceEvent } from '@causelane/trace-schema';
import { type GenAiSpan, genAiSpanFrom, type RawSpan } from './genai-span.ts';
import { describeValue, ImportError } from './import-error.ts';
import { spansToRuns } from './spans-to-events.ts';

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
  for (let i = 0; i < list.length; i++) {
    const kv = objectAt(list, i, `${where}.${key}`);
    if (typeof kv.key !== 'string')
      throw new ImportError(`${where}.${key}[${i}].key`, `expected a string, got ${describeValue(kv.key)}`);
    out[kv.key] = kv.value === undefined ? undefined : anyValue(kv.value, `${where}.${key}[${i}].value`);
  }
  return out;
}

/** Nanoseconds since the epoch (string, number, or protobufjs' {low, high}) to milliseconds. */
function nanosToMs(v: unknown, where: string): number {
  if (typeof v === 'string' && /^\d+$/.test(v)) {
    const ns = BigInt(v);
    return Number(ns / 1000n) / 1000;
  }
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v / 1e6;
  if (isObject(v) && typeof v.low === 'number' && typeof v.high === 'number') {
    return ((v.high >>> 0) * 2 ** 32 + (v.low >>> 0)) / 1e6;
  }
  throw new ImportError(where, `expected nanoseconds since the epoch, got ${describeValue(v)}`);
}

function hexId(v: unknown, where: string): string {
  if (typeof v === 'string' && v !== '') return v.toLowerCase();
  throw new ImportError(where, `expected a hex id string, got ${describeValue(v)}`);
}

function statusIsError(status: unknown): boolean {
  if (!isObject(status)) return false;
  return status.code === 2 || status.code === 'STATUS_CODE_ERROR';
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
}

/**
 * Every GenAI span of one or more requests (the file exporter writes one request per line), each
 * (traceId, spanId) once: an exporter retry or a batch written twice repeats spans, and a second
 * copy would read as a second model call or tool run. The first copy is kept.
 */
export function otlpGenAiSpans(requests: readonly unknown[], opts: OtlpSpanOptions = {}): GenAiSpan[] {
  const out: GenAiSpan[] = [];
  const seen = new Set<string>();
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
      const scopeSpans = arrayAt(rs, 'scopeSpans', rsWhere);
      for (let j = 0; j < scopeSpans.length; j++) {
        const ssWhere = `${rsWhere}.scopeSpans[${j}]`;
        const spans = arrayAt(objectAt(scopeSpans, j, `${rsWhere}.scopeSpans`), 'spans', ssWhere);
        for (let k = 0; k < spans.length; k++) {
          try {
            const span = readSpan(spans, k, ssWhere, service);
            if (!span) continue;
            const key = JSON.stringify([span.traceId, span.spanId]);
            if (seen.has(key)) continue;
            seen.add(key);
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
): GenAiSpan | null {
  const where = `${ssWhere}.spans[${k}]`;
  const s = objectAt(spans, k, `${ssWhere}.spans`);
  const raw: RawSpan = {
    traceId: hexId(s.traceId, `${where}.traceId`),
    spanId: hexId(s.spanId, `${where}.spanId`),
    name: typeof s.name === 'string' ? s.name : '',
    startMs: nanosToMs(s.startTimeUnixNano, `${where}.startTimeUnixNano`),
    endMs: nanosToMs(s.endTimeUnixNano, `${where}.endTimeUnixNano`),
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
  if (service) raw.service = service;
  return genAiSpanFrom(raw);
}

/** OTLP JSON (one request, or several from a JSON-lines file) to format-v1 runs. */
export function importOtlpJson(requests: unknown | readonly unknown[]): Map<string, TraceEvent[]> {
  const list = Array.isArray(requests) ? requests : [requests];
  const spans = otlpGenAiSpans(list);
  if (spans.length === 0) {
    throw new ImportError(
      '$.resourceSpans',
      'no GenAI spans found (expected spans with gen_ai.operation.name chat, generate_content, text_completion or execute_tool)',
    );
  }
  return spansToRuns(spans, { source: 'otlp' });
}
