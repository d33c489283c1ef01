// Decodes a request body as strict UTF-8: invalid bytes are refused, naming the line and byte
// column, instead of being replaced by U+FFFD (which would store text the sender never wrote).

export type Utf8Text = { ok: true; text: string } | { ok: false; line: number; column: number; byte: number };

const strict = new TextDecoder('utf-8', { fatal: true });

/** Byte offset of the first invalid UTF-8 sequence in `b` (checked by hand, only once decoding failed). */
function firstInvalid(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += n + 1;
  }
  return -1;
}

export function decodeUtf8(body: Uint8Array): Utf8Text {
  try {
    return { ok: true, text: strict.decode(body) };
  } catch {
    const found = firstInvalid(body);
    const at = found < 0 ? body.length : found;
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (body[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    return { ok: false, line, column: at - lineStart + 1, byte: body[at] ?? 0 };
  }
}
