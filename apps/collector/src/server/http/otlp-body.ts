// The body of an OTLP/HTTP request as bytes: `Content-Encoding: gzip` is inflated with a cap on the
// inflated size, so a small compressed body (a gzip bomb) is refused with 413, never inflated
// without bound. OTLP/HTTP allows gzip or no compression.
import { gunzip } from 'node:zlib';

export type OtlpBody = { ok: true; bytes: Buffer } | { ok: false; status: 400 | 413 | 415; error: string };

function inflate(body: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    gunzip(body, { maxOutputLength: maxBytes }, (err, out) => (err ? reject(err) : resolve(out))),
  );
}

export async function otlpBody(
  body: Buffer,
  contentEncoding: string | string[] | undefined,
  maxBytes: number,
): Promise<OtlpBody> {
  const encoding = String(contentEncoding ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding === 'identity' || encoding === '') return { ok: true, bytes: body };
  if (encoding !== 'gzip')
    return {
      ok: false,
      status: 415,
      error: `Content-Encoding ${encoding} is not supported: OTLP/HTTP takes gzip or no compression (exporter compression: gzip or none)`,
    };
  try {
    return { ok: true, bytes: await inflate(body, maxBytes) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError)
      return {
        ok: false,
        status: 413,
        error: `the gzip body inflates to more than ${maxBytes} bytes, the collector's body limit; nothing was stored (send smaller batches)`,
      };
    return {
      ok: false,
      status: 400,
      error: `the gzip body cannot be inflated (${e.message}); nothing was stored`,
    };
  }
}
