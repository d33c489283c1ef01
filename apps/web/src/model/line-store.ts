// The raw bytes of a loaded JSONL file, kept as received with the offset where each line starts, so
// the inspector can parse one event's full line (args, result, error) on demand instead of the
// worker keeping an object per event. Lines are numbered from 1, as the reader numbers them.

const NEWLINE = 0x0a;

export class LineStore {
  private readonly chunks: Uint8Array[] = [];
  /** Byte offset of each chunk's first byte. */
  private chunkStart: number[] = [];
  /** Byte offset where line k + 1 starts. */
  private lineStart = new Float64Array(1 << 16);
  private lines = 1;
  private bytes = 0;
  private readonly decoder = new TextDecoder();

  /** Appends the next chunk of the file (kept, not copied). */
  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.chunkStart.push(this.bytes);
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, nl + 1)) {
      if (this.lines === this.lineStart.length) {
        const grown = new Float64Array(this.lines * 2);
        grown.set(this.lineStart);
        this.lineStart = grown;
      }
      this.lineStart[this.lines++] = this.bytes + nl + 1;
    }
    this.bytes += chunk.byteLength;
  }

  get byteLength(): number {
    return this.bytes;
  }

  /** Text of line `line` (1-based) without its newline, or null past the end. */
  text(line: number): string | null {
    if (line < 1 || line > this.lines) return null;
    const start = this.lineStart[line - 1]!;
    const end = line < this.lines ? this.lineStart[line]! - 1 : this.bytes;
    if (start > end) return null;
    return this.decoder
      .decode(this.slice(start, end))
      .replace(/^\uFEFF/, '')
      .replace(/\r$/, '');
  }

  private slice(start: number, end: number): Uint8Array {
    let lo = 0;
    let hi = this.chunkStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.chunkStart[mid]! <= start) lo = mid;
      else hi = mid - 1;
    }
    const first = this.chunks[lo]!;
    const off = start - this.chunkStart[lo]!;
    if (off + (end - start) <= first.byteLength) return first.subarray(off, off + (end - start));
    // The line spans chunks: copy its pieces together.
    const out = new Uint8Array(end - start);
    let at = 0;
    for (let c = lo; at < out.length; c++) {
      const chunk = this.chunks[c]!;
      const from = c === lo ? off : 0;
      const take = Math.min(chunk.byteLength - from, out.length - at);
      out.set(chunk.subarray(from, from + take), at);
      at += take;
    }
    return out;
  }
}
