// The dispatcher's entry for raw bytes (a file read as bytes, an upload): a binary OTLP protobuf
// ExportTraceServiceRequest (`.pb`) is decoded as such; anything else must be UTF-8 text and goes
// through importTrace's text detection. Protobuf never passes through a (lossy) string.
import { ImportError } from './import-error.ts';
import { importTrace, type TraceImport, type TraceImportOptions } from './import-trace.ts';
import { importOtlpJson, importOtlpJsonDetailed } from './otlp-json.ts';
import { decodeOtlpProtobuf, isOtlpProtobuf } from './otlp-protobuf.ts';

/** Binary OTLP protobuf to format-v1 runs; ImportError on bytes that do not decode or hold no GenAI spans. */
export function importOtlpProtobuf(bytes: Uint8Array) {
  return importOtlpJson([decodeOtlpProtobuf(bytes)]);
}

/** Like importTrace, for bytes: protobuf is detected from the content, never from a file name. */
export function importTraceBytes(bytes: Uint8Array, opts: TraceImportOptions): TraceImport {
  if (isOtlpProtobuf(bytes)) {
    try {
      const res = importOtlpJsonDetailed([decodeOtlpProtobuf(bytes)]);
      return { ok: true, format: 'otlp', runs: res.runs, evidence: res.evidence, warnings: res.warnings };
    } catch (err) {
      if (err instanceof ImportError) return { ok: false, errors: [`${opts.source}: ${err.message}`] };
      throw err;
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return {
      ok: false,
      errors: [
        `${opts.source}: neither UTF-8 text (JSONL, OTLP JSON, a message history) nor an OTLP protobuf ExportTraceServiceRequest`,
      ],
    };
  }
  return importTrace(text, opts);
}
