// The collector's one shape for an HTTP error answer, `{ error, details? }` as JSON (trace-schema's
// ApiError), shared by every route, hook and handler so clients parse a single error format.
import type { ApiError } from '@causelane/trace-schema';
import type { FastifyReply } from 'fastify';

export function sendError(
  reply: FastifyReply,
  status: number,
  error: string,
  details?: string[],
): FastifyReply {
  const body: ApiError = details ? { error, details } : { error };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
