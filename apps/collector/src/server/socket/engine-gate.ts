// What a socket.io client must pass before the collector holds anything for it: the engine.io
// handshake checks the Origin and, when a token is set, the token (Authorization header or ?token=),
// answering 401/403/503 itself; connections that have not joined a namespace are capped in number
// and in time; and the parser refuses binary attachments, which the protocol never uses (they
// would let a client make the server buffer up to ten maximum-size frames per message).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Namespace, Server } from 'socket.io';
import { Decoder, Encoder } from 'socket.io-parser';
import type { AccessPolicy } from '../access-policy.ts';

/** socket.io-parser's Decoder for text packets only: a binary event, ack or frame is a protocol error. */
class TextOnlyDecoder extends Decoder {
  override add(obj: unknown): void {
    if (typeof obj !== 'string')
      throw new Error('binary data is not part of the Causelane protocol; connection closed');
    // Packet types 5 and 6 announce binary attachments to follow.
    if (obj.charCodeAt(0) === 53 || obj.charCodeAt(0) === 54)
      throw new Error('binary attachments are not part of the Causelane protocol; connection closed');
    super.add(obj);
  }
}

export const textOnlyParser = { Encoder, Decoder: TextOnlyDecoder };

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'Service Unavailable',
};

/**
 * Answers an engine.io handshake with `status` and the project's `{ error }` body: over the HTTP
 * response for polling, or on the raw socket for a WebSocket upgrade (engine.io itself would say
 * 400 or 403 without a reason the client can act on).
 */
function refuse(req: IncomingMessage, status: number, error: string): void {
  const body = JSON.stringify({ error });
  const res = (req as IncomingMessage & { res?: ServerResponse }).res;
  if (res && !res.headersSent) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    res.end(body);
    return;
  }
  const head = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  req.socket.end(head + body);
}

function queryOf(req: IncomingMessage): { token?: string } {
  const token = new URL(req.url ?? '/', 'http://collector').searchParams.get('token');
  return token === null ? {} : { token };
}

export interface EngineGateOptions {
  /** Engine.io connections that have not joined a namespace yet; more are refused with 503. */
  maxPending: number;
  /** A connection that has not joined a namespace by then is closed at once (not at its next poll). */
  joinTimeoutMs: number;
}

type EngineConn = { id: string; once(ev: 'close', fn: () => void): void; close(discard?: boolean): void };

export class EngineGate {
  /** Engine.io connections that have not joined a namespace, with the timer that closes them. */
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly access: AccessPolicy,
    private readonly options: EngineGateOptions,
  ) {}

  get pendingConnections(): number {
    return this.pending.size;
  }

  /** For socket.io's `allowRequest`; runs on every handshake, polling or WebSocket, before any namespace. */
  readonly allowRequest = (
    req: IncomingMessage,
    cb: (err: string | null | undefined, ok: boolean) => void,
  ) => {
    const originRefusal = this.access.originRefusal(req.headers);
    if (originRefusal !== null) return refuse(req, 403, originRefusal);
    if (this.access.requiresToken && !this.access.httpTokenMatches(req.headers, 'GET', queryOf(req)))
      return refuse(
        req,
        401,
        'unauthorized: this collector needs its token in the handshake (Authorization: Bearer TOKEN, or ?token=TOKEN)',
      );
    if (this.pending.size >= this.options.maxPending)
      return refuse(
        req,
        503,
        `${this.pending.size} connections are waiting to join a namespace; retry later`,
      );
    cb(null, true);
  };

  /** Counts engine.io connections until they join a namespace or close. */
  attach(io: Server): void {
    io.engine.on('connection', (conn: EngineConn) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(conn.id)) return;
        // Discarding closes a polling connection now; it would otherwise linger until its ping timeout.
        conn.close(true);
      }, this.options.joinTimeoutMs);
      this.pending.set(conn.id, timer);
      conn.once('close', () => this.joined(conn.id));
    });
  }

  /** The Host and token rules for a namespace (the auth payload is known here); a joined connection is no longer pending. */
  guard(nsp: Namespace | Server): void {
    nsp.use((socket, next) => {
      const { headers, auth, query } = socket.handshake;
      const refusal = this.access.handshakeRefusal(headers, auth, query);
      if (refusal !== null) return next(new Error(refusal));
      this.joined((socket.conn as unknown as EngineConn).id);
      next();
    });
  }

  private joined(id: string): void {
    clearTimeout(this.pending.get(id));
    this.pending.delete(id);
  }
}
