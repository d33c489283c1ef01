// Who may talk to the collector: the optional bearer token (required whenever one is configured,
// and the CLI insists on one for a non-loopback host) and the same-origin rule for browsers.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1';
  return false;
}

export class AccessPolicy {
  private readonly token: Buffer | null;
  private readonly extraOrigins: Set<string>;

  constructor(token: string | undefined, allowOrigins: readonly string[] = []) {
    this.token = token ? Buffer.from(token) : null;
    this.extraOrigins = new Set(allowOrigins.map((o) => new URL(o).origin));
  }

  get requiresToken(): boolean {
    return this.token !== null;
  }

  /** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
  tokenMatches(candidate: unknown): boolean {
    if (this.token === null) return true;
    if (typeof candidate !== 'string') return false;
    const given = Buffer.from(candidate);
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }

  /** Paths that need the token: the API and OTLP ingest (`/v1/traces`); the web app's files do not. */
  guards(url: string): boolean {
    return url.startsWith('/api/') || url.startsWith('/v1/');
  }

  /** The token of an HTTP request: `Authorization: Bearer T`, or `?token=T` on GET (for links). */
  httpTokenMatches(headers: IncomingHttpHeaders, method: string, query: unknown): boolean {
    if (this.token === null) return true;
    const auth = headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer '))
      return this.tokenMatches(auth.slice(7).trim());
    if (method === 'GET' || method === 'HEAD')
      return this.tokenMatches((query as { token?: unknown } | null)?.token);
    return false;
  }

  /**
   * Browsers send `Origin` on cross-site requests (and on same-site POSTs). Only the origin the
   * collector is served from (same host header) and explicitly allowed ones may call it; agents
   * and curl send no Origin and pass.
   */
  originAllowed(headers: IncomingHttpHeaders): boolean {
    const origin = headers.origin;
    if (origin === undefined) return true;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false;
    }
    if (this.extraOrigins.has(parsed.origin)) return true;
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.host === headers.host;
  }
}
