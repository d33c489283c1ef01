// The OpenTelemetry Collector file exporter's output (and the OTLP file format of the spec): JSON
// lines, each one ExportTraceServiceRequest in the OTLP JSON encoding. Recognised by its first line;
// from then on a bad line is reported as `line N: …` in OTLP terms, not as a format-v1 error.
import { describeValue, ImportError } from './import-error.ts';
import { isOtlpTraceRequest } from './otlp-json.ts';

const OTHER_SIGNALS = ['resourceMetrics', 'resourceLogs', 'resourceProfiles'] as const;

function lineError(n: number, line: string): ImportError | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return new ImportError(
      `line ${n}`,
      `not valid JSON (${(err as Error).message}); each line of an OTLP file-exporter file is one ExportTraceServiceRequest (a line cut short by a collector still writing?)`,
    );
  }
  if (isOtlpTraceRequest(value)) return null;
  const other =
    typeof value === 'object' && value !== null
      ? OTHER_SIGNALS.find((k) => k in (value as object))
      : undefined;
  return new ImportError(
    `line ${n}`,
    other
      ? `holds ${other}, not traces: a file-exporter file must hold traces only (a pipeline of its own for traces)`
      : `expected an ExportTraceServiceRequest object with a resourceSpans array, got ${describeValue(value)}`,
  );
}

/**
 * The requests of an OTLP JSON-lines text, or null when its first non-blank line is not an
 * ExportTraceServiceRequest (then it is some other format). Blank lines and CRLF are allowed.
 */
export function readOtlpJsonLines(text: string): unknown[] | null {
  const out: unknown[] = [];
  let n = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    n++;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    if (out.length === 0) {
      // The first line decides the format.
      try {
        const value = JSON.parse(line);
        if (!isOtlpTraceRequest(value)) return null;
        out.push(value);
        continue;
      } catch {
        return null;
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (value === undefined || !isOtlpTraceRequest(value)) throw lineError(n, line)!;
    out.push(value);
  }
  return out.length > 0 ? out : null;
}
