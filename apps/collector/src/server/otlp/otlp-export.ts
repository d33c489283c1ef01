// One OTLP trace Export, whatever the transport (HTTP JSON, HTTP protobuf, gRPC): reads the GenAI
// spans of a decoded ExportTraceServiceRequest, stores them through IngestService, and says in
// OTLP's partialSuccess which spans were not kept and why, so an exporter's log explains an empty
// run list instead of a silent success.
import { ImportError, isOtlpTraceRequest, otlpGenAiSpans } from '@causelane/importers';
import type { IngestService } from '../ingest-service.ts';

/** Span errors and span names quoted in partialSuccess.errorMessage; the counts are always complete. */
const MAX_QUOTED = 5;

export interface OtlpPartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

export type OtlpExportResult =
  | { ok: true; partialSuccess?: OtlpPartialSuccess }
  /** `status` is the HTTP status; the gRPC server maps it to a gRPC code. */
  | { ok: false; status: 400 | 409 | 503; error: string };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function quoted(list: readonly string[], total: number): string {
  const more = total > list.length ? ` (and ${total - list.length} more)` : '';
  return `${list.join('; ')}${more}`;
}

/** Stores the spans of one decoded request (the OTLP JSON shape); malformed spans are rejected alone. */
export async function exportOtlpTraces(ingest: IngestService, request: unknown): Promise<OtlpExportResult> {
  if (!isOtlpTraceRequest(request))
    return {
      ok: false,
      status: 400,
      error:
        'body is not an OTLP ExportTraceServiceRequest: expected an object with a resourceSpans array; nothing was stored',
    };
  const spanErrors: string[] = [];
  let badSpans = 0;
  const foreignNames = new Set<string>();
  let foreign = 0;
  let spans: ReturnType<typeof otlpGenAiSpans>;
  try {
    spans = otlpGenAiSpans([request], {
      onSpanError: (err) => {
        badSpans++;
        if (spanErrors.length < MAX_QUOTED) spanErrors.push(err.message);
      },
      onForeignSpan: (name) => {
        foreign++;
        if (foreignNames.size < MAX_QUOTED) foreignNames.add(JSON.stringify(name));
      },
    });
  } catch (err) {
    // Values nested past the stack's depth (AnyValue arrays in arrays) cannot be read.
    if (err instanceof RangeError)
      return {
        ok: false,
        status: 400,
        error: `the request nests values too deeply to read (${err.message}); nothing was stored`,
      };
    // A malformed request structure (above the spans) refuses the whole request.
    if (!(err instanceof ImportError)) throw err;
    return { ok: false, status: 400, error: `${err.message}; nothing was stored` };
  }
  const stored = await ingest.ingestSpans(spans);
  if (!stored.ok) return { ok: false, status: stored.status, error: stored.error };

  const parts: string[] = [];
  if (badSpans > 0) parts.push(`${plural(badSpans, 'span')} rejected: ${quoted(spanErrors, badSpans)}`);
  if (foreign > 0)
    parts.push(
      `${plural(foreign, 'span')} carry no agent semantics and ${foreign === 1 ? 'was' : 'were'} not stored (${quoted([...foreignNames], foreign)}): Causelane reads model-call and tool spans (OTel GenAI gen_ai.operation.name chat / execute_tool, OpenInference, OpenLLMetry, AI SDK ai.*, Mastra); see docs/importers.md for what each instrumentation needs`,
    );
  // Agent spans alone (an invoke_agent root that ended first) make no run until a model call or a
  // tool span of their trace arrives: said, so an empty run list has a reason in the exporter's log.
  if (stored.runs.length === 0 && !stored.deferred && spans.length > 0)
    parts.push(
      `${plural(spans.length, 'agent span')} kept, but no run yet: no model-call or tool span of ${spans.length === 1 ? 'its' : 'their'} trace has arrived (agent spans only name the agent)`,
    );
  if (parts.length === 0) return { ok: true };
  return { ok: true, partialSuccess: { rejectedSpans: badSpans + foreign, errorMessage: parts.join('. ') } };
}
