// Opens a load's source in the trace worker: a dropped file, pasted text or a URL, as a byte stream
// with its name and size (when known); a URL that cannot be fetched is an InputError naming it.
import type { LoadSource } from '../worker-protocol.ts';
import { InputError } from './input-error.ts';

export async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

export async function openSource(
  source: LoadSource,
): Promise<{ name: string; stream: ReadableStream<Uint8Array>; total: number | null }> {
  if (source.type === 'file')
    return { name: source.file.name, stream: source.file.stream(), total: source.file.size };
  if (source.type === 'text') {
    const blob = new Blob([source.text]);
    return { name: source.name, stream: blob.stream(), total: blob.size };
  }
  let res: Response;
  try {
    res = await fetch(source.url, { headers: source.headers ?? {} });
  } catch (err) {
    throw new InputError(`could not fetch ${source.url}: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body)
    throw new InputError(`could not fetch ${source.url}: HTTP ${res.status} ${res.statusText}`);
  const len = Number(res.headers.get('content-length'));
  const name = decodeURIComponent(
    new URL(source.url, self.location.href).pathname.split('/').pop() || source.url,
  );
  return { name, stream: res.body, total: Number.isFinite(len) && len > 0 ? len : null };
}
