// OTLP protobuf (`application/x-protobuf`, gRPC, `.pb` files): decodes an ExportTraceServiceRequest
// with the official opentelemetry-proto definitions and hands it on in the OTLP JSON shape, so the
// one span reader (otlp-json.ts) serves every transport; also encodes the Export response.
//
// The decoder is protobufjs code generated from opentelemetry-proto by the OpenTelemetry JS project
// (`@opentelemetry/otlp-transformer` 0.216.0, the last release that ships it for traces; later
// releases hand-write an encoder only). It is a dependency under the alias
// `otlp-transformer-protobuf`, so the testing recorders keep the current transformer release.
import root from 'otlp-transformer-protobuf/build/src/generated/root.js';
import { ImportError } from './import-error.ts';

type Int64 = number | { toString(): string };
interface AnyValueMsg {
  stringValue: string | null;
  boolValue: boolean | null;
  intValue: Int64 | null;
  doubleValue: number | null;
  arrayValue: { values: AnyValueMsg[] } | null;
  kvlistValue: { values: KeyValueMsg[] } | null;
  bytesValue: Uint8Array | null;
}
interface KeyValueMsg {
  key: string | null;
  value: AnyValueMsg | null;
}
interface SpanMsg {
  traceId: Uint8Array | null;
  spanId: Uint8Array | null;
  parentSpanId: Uint8Array | null;
  traceState: string | null;
  name: string | null;
  kind: number | null;
  startTimeUnixNano: Int64 | null;
  endTimeUnixNano: Int64 | null;
  attributes: KeyValueMsg[];
  events: { timeUnixNano: Int64 | null; name: string | null; attributes: KeyValueMsg[] }[];
  status: { code: number | null; message: string | null } | null;
}
interface RequestMsg {
  resourceSpans: {
    resource: { attributes: KeyValueMsg[] } | null;
    scopeSpans: { scope: { name: string | null; version: string | null } | null; spans: SpanMsg[] }[];
    schemaUrl: string | null;
  }[];
}
interface MessageType<T> {
  decode(bytes: Uint8Array): T;
  encode(message: unknown): { finish(): Uint8Array };
}
interface TraceServiceTypes {
  ExportTraceServiceRequest: MessageType<RequestMsg>;
  ExportTraceServiceResponse: MessageType<unknown>;
}

const traceV1 = (
  root as unknown as { opentelemetry: { proto: { collector: { trace: { v1: TraceServiceTypes } } } } }
).opentelemetry.proto.collector.trace.v1;

type Json = Record<string, unknown>;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin);
}

/** fixed64 / int64 arrive as a Long (protobufjs with `long` installed) or a number: the JSON encoding's decimal string. */
const decimal = (v: Int64): string => (typeof v === 'number' ? String(v) : v.toString());

function anyValueJson(v: AnyValueMsg | null): Json {
  if (v == null) return {};
  if (v.stringValue != null) return { stringValue: v.stringValue };
  if (v.boolValue != null) return { boolValue: v.boolValue };
  if (v.intValue != null) return { intValue: decimal(v.intValue) };
  if (v.doubleValue != null) return { doubleValue: v.doubleValue };
  if (v.arrayValue != null) return { arrayValue: { values: (v.arrayValue.values ?? []).map(anyValueJson) } };
  if (v.kvlistValue != null) return { kvlistValue: { values: attributesJson(v.kvlistValue.values) } };
  if (v.bytesValue != null) return { bytesValue: base64(v.bytesValue) };
  return {};
}

function attributesJson(list: readonly KeyValueMsg[] | null): Json[] {
  return (list ?? []).map((kv) => ({ key: kv.key ?? '', value: anyValueJson(kv.value) }));
}

function spanJson(s: SpanMsg): Json {
  const out: Json = {
    traceId: s.traceId ? hex(s.traceId) : '',
    spanId: s.spanId ? hex(s.spanId) : '',
    name: s.name ?? '',
    startTimeUnixNano: s.startTimeUnixNano == null ? '0' : decimal(s.startTimeUnixNano),
    endTimeUnixNano: s.endTimeUnixNano == null ? '0' : decimal(s.endTimeUnixNano),
    attributes: attributesJson(s.attributes),
  };
  if (s.parentSpanId && s.parentSpanId.length > 0) out.parentSpanId = hex(s.parentSpanId);
  if (s.kind != null) out.kind = s.kind;
  if (s.events && s.events.length > 0)
    out.events = s.events.map((e) => ({
      name: e.name ?? '',
      timeUnixNano: e.timeUnixNano == null ? '0' : decimal(e.timeUnixNano),
      attributes: attributesJson(e.attributes),
    }));
  if (s.status) {
    const status: Json = { code: s.status.code ?? 0 };
    if (s.status.message) status.message = s.status.message;
    out.status = status;
  }
  return out;
}

/** The decoded request in the OTLP JSON encoding's shape (hex ids, int64 as decimal strings). */
function requestJson(msg: RequestMsg): Json {
  return {
    resourceSpans: (msg.resourceSpans ?? []).map((rs) => ({
      resource: { attributes: attributesJson(rs.resource?.attributes ?? null) },
      scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({
        scope: { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' },
        spans: (ss.spans ?? []).map(spanJson),
      })),
    })),
  };
}

/**
 * Decodes a binary ExportTraceServiceRequest into the OTLP JSON shape that otlpGenAiSpans and
 * importOtlpJson read. Truncated or malformed bytes throw an ImportError naming the offset.
 */
export function decodeOtlpProtobuf(bytes: Uint8Array): Json {
  try {
    // Inside the try: values nested past the stack's depth fail here, not as a crash later.
    return requestJson(traceV1.ExportTraceServiceRequest.decode(bytes));
  } catch (err) {
    throw new ImportError(
      '$',
      `not a valid OTLP protobuf ExportTraceServiceRequest (${(err as Error).message}); an OTLP exporter's protobuf body or a .pb file of one request was expected`,
    );
  }
}

export interface OtlpPartialSuccessFields {
  rejectedSpans: number;
  errorMessage: string;
}

/** An ExportTraceServiceResponse in protobuf: empty for full success, else with partialSuccess. */
export function encodeOtlpProtobufResponse(partial?: OtlpPartialSuccessFields): Uint8Array {
  return traceV1.ExportTraceServiceResponse.encode(partial ? { partialSuccess: partial } : {}).finish();
}

/** Bytes a text trace never holds: control characters other than tab, line feed and carriage return. */
function hasBinaryByte(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return true;
  }
  return false;
}

/**
 * Whether the start of a file is a binary ExportTraceServiceRequest rather than text. A request
 * starts with field 1 (resource_spans, length-delimited: byte 0x0A, which is also a line feed), and
 * its tags and lengths put control bytes near the start that JSON and JSONL never hold unescaped.
 * So a text file that merely starts with a blank line is still read as text.
 */
export function isOtlpProtobuf(head: Uint8Array): boolean {
  return head.length > 1 && head[0] === 0x0a && hasBinaryByte(head.subarray(0, 4096));
}
