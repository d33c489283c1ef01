// Reads a stream of text or byte chunks (fetch bodies, File.stream(), Node streams) line by line
// into the JSONL readers: the one chunk loop that the CLI, the web worker and benchmarks share.
import {
  type CompactReaderOptions,
  type CompactReadResult,
  CompactTraceReader,
  type ReadResult,
  TraceReader,
  type TraceReaderOptions,
} from './trace-reader.ts';

export type StreamOptions<C extends string | Uint8Array = string | Uint8Array> = TraceReaderOptions & {
  /** Bytes (or, for text chunks, UTF-16 units) read so far, after each chunk. */
  onProgress?: (bytes: number) => void;
  /** Sees each chunk before it is read, for callers that also keep the raw input. */
  onChunk?: (chunk: C) => void;
};

/** Reads a stream of text or UTF-8 byte chunks (fetch bodies, File.stream(), Node streams). */
export function readTraceStream<C extends string | Uint8Array>(
  chunks: AsyncIterable<C>,
  options?: StreamOptions<C>,
): Promise<ReadResult> {
  return feed(new TraceReader(options), chunks, options);
}

/** Like readTraceStream, into compact columnar runs (for analysing big files). */
export function readCompactTraceStream<C extends string | Uint8Array>(
  chunks: AsyncIterable<C>,
  options?: StreamOptions<C> & CompactReaderOptions,
): Promise<CompactReadResult> {
  return feed(new CompactTraceReader(options), chunks, options);
}

async function feed<R, C extends string | Uint8Array>(
  r: { push(chunk: string): void; finish(): R },
  chunks: AsyncIterable<C>,
  options?: StreamOptions<C>,
): Promise<R> {
  const decoder = new TextDecoder();
  let bytes = 0;
  for await (const chunk of chunks) {
    options?.onChunk?.(chunk);
    if (typeof chunk === 'string') {
      bytes += chunk.length;
      r.push(chunk);
    } else {
      bytes += chunk.byteLength;
      r.push(decoder.decode(chunk, { stream: true }));
    }
    options?.onProgress?.(bytes);
  }
  r.push(decoder.decode());
  return r.finish();
}
