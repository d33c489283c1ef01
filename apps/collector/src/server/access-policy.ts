// Who may talk to the collector: the optional bearer token (required whenever one is configured,
// and the CLI insists on one for a non-loopback host), the Host allowlist and the same-origin rule.
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

export interface AccessOptions {
  /** Required from every client when set. */
  token?: string;
  /** Extra browser origins allowed besides the served one (a dev server); their hosts are allowed too. */
  allowOrigins?: readonly string[];
  /** Extra host names browsers may reach the collector by; `.example.com` also allows its subdomains. */
  allowHosts?: readonly string[];
  /** The `--host` the collector is bound to; allowed as a Host when it is a name. */
  boundHost?: string;
}

/** A Host header: a DNS name or IPv4 address, or a bracketed IPv6 address, and an optional port. */
const HOST_HEADER = /^(?:([a-z0-9_-]+(?:\.[a-z0-9_-]+)*)\.?|\[([0-9a-f:.]+)\])(?::\d{1,5})?$/i;
const HOST_NAME = /^\.?[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?$/i;

/** The host name of a Host header, lower case, or null when it is not a well-formed one. */
function hostName(header: string): string | null {
  const m = HOST_HEADER.exec(header);
  if (!m) return null;
  if (m[2] !== undefined) return isIP(m[2]) === 6 ? m[2].toLowerCase() : null;
  return m[1]!.toLowerCase();
}

export class AccessPolicy {
  private readonly token: Buffer | null;
  private readonly extraOrigins: Set<string>;
  private readonly hosts = new Set<string>();
  /** `.example.com` entries: the domain and every name under it. */
  private readonly hostSuffixes: string[] = [];

  constructor(options: AccessOptions = {}) {
    this.token = options.token ? Buffer.from(options.token) : null;
    const origins = (options.allowOrigins ?? []).map((o) => new URL(o));
    this.extraOrigins = new Set(origins.map((o) => o.origin));
    for (const o of origins) this.hosts.add(o.hostname.replace(/^\[|\]$/g, '').toLowerCase());
    if (options.boundHost) this.hosts.add(options.boundHost.replace(/^\[|\]$/g, '').toLowerCase());
    for (const entry of options.allowHosts ?? []) {
      if (!HOST_NAME.test(entry))
        throw new Error(
          `--allow-host ${JSON.stringify(entry)}: expected a host name such as collector.example.com or .example.com (no scheme, port or path)`,
        );
      const name = entry.toLowerCase().replace(/\.$/, '');
      if (name.startsWith('.')) this.hostSuffixes.push(name);
      else this.hosts.add(name);
    }
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

  /**
   * Whether a request needs the token, decided on the route Fastify matched (its registered
   * pattern), never on the URL string: the router decodes `%61pi` to `api` before matching.
   * Every `/api/` and `/v1/` route needs it, and so does any request that matched no route unless
   * it only reads (the web app's client-side routes and 404 answers carry no trace data).
   */
  guardsRoute(routePattern: string | undefined, method: string): boolean {
    if (routePattern === undefined) return method !== 'GET' && method !== 'HEAD';
    return routePattern.startsWith('/api/') || routePattern.startsWith('/v1/');
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
   * The DNS rebinding guard (as Vite's server.allowedHosts): a page on evil.example whose name is
   * re-pointed at 127.0.0.1 reaches the collector as same-origin, with `Host: evil.example`. Only
   * names the collector is known by pass: localhost and *.localhost, the bound host, the hosts of
   * --allow-origin and --allow-host. Any IP literal passes too, since a rebinding page is always
   * loaded from a name. A request without Host cannot come from a browser (which always sends one),
   * and any other client could send whatever Host it liked, so it passes. Requests with a valid
   * token skip this rule (requestRefusal, handshakeRefusal). Null when allowed.
   */
  hostRefusal(headers: IncomingHttpHeaders): string | null {
    const header = headers.host;
    if (header === undefined) return null;
    const name = hostName(header);
    if (name === null) return 'the Host header is not a valid host name; request refused';
    if (
      isIP(name) !== 0 ||
      name === 'localhost' ||
      name.endsWith('.localhost') ||
      this.hosts.has(name) ||
      this.hostSuffixes.some((s) => name === s.slice(1) || name.endsWith(s))
    )
      return null;
    return `host "${name}" is not allowed (DNS rebinding guard): open the collector by localhost or its IP address, or start it with --allow-host ${name}`;
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

  originRefusal(headers: IncomingHttpHeaders): string | null {
    return this.originAllowed(headers) ? null : 'cross-origin request refused';
  }

  /**
   * The host then the origin rule for an HTTP request; null when allowed. A request carrying the
   * configured token skips the Host rule: a rebinding page cannot know the token, while an OTLP
   * exporter or agent reaching an exposed collector by a DNS name must not be refused.
   */
  requestRefusal(headers: IncomingHttpHeaders, method: string, query: unknown): string | null {
    const authenticated = this.token !== null && this.httpTokenMatches(headers, method, query);
    return (authenticated ? null : this.hostRefusal(headers)) ?? this.originRefusal(headers);
  }

  /**
   * The host and token rules for a socket.io namespace connection, which is the first place the
   * client's `auth` payload is known (engine.io's allowRequest, see socket/engine-gate.ts, already
   * checked the origin and, with a token set, the handshake's token). A valid token, as `auth.token`
   * or in the engine.io handshake (header or `?token=`), skips the Host rule, as on HTTP. Null when allowed.
   */
  handshakeRefusal(headers: IncomingHttpHeaders, auth: unknown, query?: unknown): string | null {
    const token = (auth as { token?: unknown } | null | undefined)?.token;
    const valid =
      this.tokenMatches(token) || (query !== undefined && this.httpTokenMatches(headers, 'GET', query));
    if (this.token !== null && valid) return null;
    return (
      this.hostRefusal(headers) ??
      (valid ? null : 'unauthorized: a valid token is required (handshake auth.token)')
    );
  }
}
