// `POST /v1/traces`: OTLP/HTTP ingest in both encodings (`application/json` and
// `application/x-protobuf`, each optionally gzip), so any OpenTelemetry SDK's stock OTLP/HTTP
// exporter can point at the collector unchanged. Answers follow the OTLP/HTTP spec: 200 with an
// ExportTraceServiceResponse in the request's encoding (partialSuccess naming the spans not kept),
// 400 for a malformed request, 413 when too big (also once inflated), 415 for other encodings.
import { decodeOtlpProtobuf, encodeOtlpProtobufResponse, ImportError } from '@causelane/importers';
import { checkJsonValue } from '@causelane/trace-schema';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IngestService } from '../ingest-service.ts';
import { exportOtlpTraces, type OtlpExportResult } from '../otlp/otlp-export.ts';
import { otlpBody } from './otlp-body.ts';
import { sendError } from './send-error.ts';

/** The JSON answer; int64 rejectedSpans is a decimal string in OTLP JSON. */
export interface OtlpPartialSuccess {
  partialSuccess?: { rejectedSpans: string; errorMessage: string };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function answer(reply: FastifyReply, res: OtlpExportResult, protobuf: boolean): FastifyReply {
  // 503 is OTLP/HTTP's "retry later": the database refused for now and nothing was stored.
  if (!res.ok && res.status === 503) reply.header('retry-after', '1');
  if (!res.ok) return sendError(reply, res.status, res.error);
  if (protobuf)
    return reply
      .code(200)
      .type('application/x-protobuf')
      .send(Buffer.from(encodeOtlpProtobufResponse(res.partialSuccess)));
  const body: OtlpPartialSuccess = {};
  if (res.partialSuccess)
    body.partialSuccess = {
      rejectedSpans: String(res.partialSuccess.rejectedSpans),
      errorMessage: res.partialSuccess.errorMessage,
    };
  return reply.code(200).type('application/json').send(body);
}

export function registerOtlpRoute(app: FastifyInstance, ingest: IngestService): void {
  // Inflated bodies get the same cap as raw ones.
  const maxBytes = app.initialConfig.bodyLimit ?? 1024 * 1024;
  // Its own scope: this route takes bytes (protobuf, gzip), whatever the others parse bodies as.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post('/v1/traces', async (req, reply) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const protobuf = type === 'application/x-protobuf';
      if (!protobuf && type !== 'application/json')
        return sendError(
          reply,
          415,
          `expected Content-Type application/x-protobuf or application/json (OTLP/HTTP), got ${type || 'none'}`,
        );
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const body = await otlpBody(raw, req.headers['content-encoding'], maxBytes);
      if (!body.ok) return sendError(reply, body.status, body.error);

      let request: unknown;
      if (protobuf) {
        try {
          request = decodeOtlpProtobuf(body.bytes);
        } catch (err) {
          if (!(err instanceof ImportError)) throw err;
          return sendError(reply, 400, `${err.message}; nothing was stored`);
        }
      } else {
        let text: string;
        try {
          text = utf8.decode(body.bytes);
        } catch {
          return sendError(reply, 400, 'body is not valid UTF-8; nothing was stored');
        }
        try {
          request = JSON.parse(text);
        } catch (err) {
          return sendError(
            reply,
            400,
            `body is not valid JSON (${(err as Error).message}); nothing was stored`,
          );
        }
      }
      // Every string well-formed Unicode and nesting under the cap, before anything reads the spans.
      const unsafe = checkJsonValue(request);
      if (unsafe)
        return sendError(reply, 400, `field ${unsafe.field}: ${unsafe.message}; nothing was stored`);
      return answer(reply, await exportOtlpTraces(ingest, request), protobuf);
    });
  });
}
