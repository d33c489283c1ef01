// OTLP/gRPC: `opentelemetry.proto.collector.trace.v1.TraceService/Export` on its own port (4317 by
// convention), on the collector's host and with its token (`authorization: Bearer T` metadata, as
// OTLP exporters send headers). Messages are decoded with the official opentelemetry-proto code
// (importers' otlp-protobuf.ts) and stored like POST /v1/traces, partialSuccess included.
import { decodeOtlpProtobuf, encodeOtlpProtobufResponse, ImportError } from '@causelane/importers';
import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import type { AccessPolicy } from '../access-policy.ts';
import type { IngestService } from '../ingest-service.ts';
import { StoreBusyError } from '../store/event-store.ts';
import { exportOtlpTraces } from './otlp-export.ts';

export const OTLP_GRPC_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** Bytes in, bytes out: the handler decodes, so a bad message gets INVALID_ARGUMENT naming what is wrong. */
const identity = (b: Buffer) => b;
const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: OTLP_GRPC_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
    originalName: 'export',
  },
};

export interface OtlpGrpcOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  access: AccessPolicy;
  ingest: IngestService;
  /** Largest message, after decompression (grpc-js applies it to the inflated message). */
  maxMessageBytes: number;
  log: { error(msg: string): void };
}

export interface OtlpGrpcServer {
  port: number;
  close(): Promise<void>;
}

function bearer(metadata: Metadata): string | undefined {
  const value = metadata.get('authorization')[0];
  if (typeof value !== 'string') return undefined;
  return value.startsWith('Bearer ') ? value.slice(7).trim() : undefined;
}

type Reply = sendUnaryData<Buffer>;
const fail = (reply: Reply, code: status, details: string) => reply({ code, details }, null);

async function exportCall(opts: OtlpGrpcOptions, call: ServerUnaryCall<Buffer, Buffer>, reply: Reply) {
  if (!opts.access.tokenMatches(bearer(call.metadata)))
    return fail(
      reply,
      status.UNAUTHENTICATED,
      'unauthorized: send the collector token as gRPC metadata "authorization: Bearer TOKEN" (OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%20TOKEN)',
    );
  let request: unknown;
  try {
    request = decodeOtlpProtobuf(call.request);
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    return fail(reply, status.INVALID_ARGUMENT, `${err.message}; nothing was stored`);
  }
  const res = await exportOtlpTraces(opts.ingest, request);
  if (!res.ok) {
    // UNAVAILABLE is the code OTLP exporters retry with backoff.
    const code =
      res.status === 503
        ? status.UNAVAILABLE
        : res.status === 409
          ? status.FAILED_PRECONDITION
          : status.INVALID_ARGUMENT;
    return fail(reply, code, res.error);
  }
  reply(null, Buffer.from(encodeOtlpProtobufResponse(res.partialSuccess)));
}

function address(host: string, port: number): string {
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

export async function startOtlpGrpcServer(opts: OtlpGrpcOptions): Promise<OtlpGrpcServer> {
  const server = new Server({
    'grpc.max_receive_message_length': opts.maxMessageBytes,
  });
  server.addService(TRACE_SERVICE, {
    Export: (call: ServerUnaryCall<Buffer, Buffer>, reply: Reply) => {
      exportCall(opts, call, reply).catch((err: Error) => {
        // A busy store is transient: UNAVAILABLE is the code OTLP exporters retry with backoff.
        if (err instanceof StoreBusyError) return fail(reply, status.UNAVAILABLE, err.message);
        opts.log.error(`OTLP/gRPC export failed: ${err.message}`);
        fail(reply, status.INTERNAL, 'internal error; see the collector log');
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address(opts.host, opts.port), ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  ).catch((err: Error) => {
    server.forceShutdown();
    throw new Error(
      /EADDRINUSE/.test(err.message)
        ? `OTLP/gRPC port ${opts.port} on ${opts.host} is already in use (another OpenTelemetry collector?): pass --otlp-grpc-port with a free port, 0 to pick one, or --no-otlp-grpc`
        : `cannot listen for OTLP/gRPC on ${address(opts.host, opts.port)}: ${err.message}`,
    );
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Finish calls in flight (they hold store transactions), but never wait on a stuck client.
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
