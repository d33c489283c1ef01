// `POST /v1/traces`: OTLP/HTTP JSON ingest, so an app instrumented with OpenTelemetry GenAI spans
// (OpenLLMetry, OpenInference, Logfire) can point its OTLP exporter at the collector unchanged.
// Answers follow the OTLP/HTTP spec: 200 `{}` or `{ partialSuccess }`, 400 for a malformed request.
import { ImportError, isOtlpTraceRequest, otlpGenAiSpans } from '@causelane/importers';
import type { FastifyInstance } from 'fastify';
import type { IngestService } from '../ingest-service.ts';
import { sendError } from './send-error.ts';

/** Span errors quoted in partialSuccess.errorMessage; the count is always complete. */
const MAX_SPAN_ERRORS = 5;

export interface OtlpPartialSuccess {
  partialSuccess?: { rejectedSpans: string; errorMessage: string };
}

export function registerOtlpRoute(app: FastifyInstance, ingest: IngestService): void {
  app.post('/v1/traces', async (req, reply) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/x-protobuf')
      return sendError(
        reply,
        415,
        'OTLP protobuf is not supported: configure the exporter for http/json (e.g. OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json)',
      );
    if (type !== 'application/json')
      return sendError(
        reply,
        415,
        `expected Content-Type application/json (OTLP/HTTP JSON), got ${type || 'none'}`,
      );
    const encoding = (req.headers['content-encoding'] ?? 'identity').toString().toLowerCase();
    if (encoding !== 'identity')
      return sendError(
        reply,
        415,
        `Content-Encoding ${encoding} is not supported: send the request uncompressed (exporter compression: none)`,
      );

    let request: unknown;
    try {
      request = JSON.parse(typeof req.body === 'string' ? req.body : '');
    } catch (err) {
      return sendError(reply, 400, `body is not valid JSON (${(err as Error).message}); nothing was stored`);
    }
    if (!isOtlpTraceRequest(request))
      return sendError(
        reply,
        400,
        'body is not an OTLP ExportTraceServiceRequest: expected an object with a resourceSpans array; nothing was stored',
      );

    // A malformed span is rejected alone (partial success); a malformed request structure is a 400.
    const spanErrors: string[] = [];
    let spans: ReturnType<typeof otlpGenAiSpans>;
    try {
      spans = otlpGenAiSpans([request], { onSpanError: (err) => spanErrors.push(err.message) });
    } catch (err) {
      if (!(err instanceof ImportError)) throw err;
      return sendError(reply, 400, `${err.message}; nothing was stored`);
    }
    const stored = await ingest.ingestSpans(spans);
    if (!stored.ok) return sendError(reply, stored.status, stored.error);

    const answer: OtlpPartialSuccess = {};
    if (spanErrors.length > 0) {
      const more =
        spanErrors.length > MAX_SPAN_ERRORS ? ` (and ${spanErrors.length - MAX_SPAN_ERRORS} more)` : '';
      answer.partialSuccess = {
        // int64 is a decimal string in OTLP JSON.
        rejectedSpans: String(spanErrors.length),
        errorMessage: `${spanErrors.length} span${spanErrors.length === 1 ? '' : 's'} rejected: ${spanErrors.slice(0, MAX_SPAN_ERRORS).join('; ')}${more}`,
      };
    }
    return reply.code(200).type('application/json').send(answer);
  });
}
