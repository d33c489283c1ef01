// Checks that apply to any untrusted JSON value, whatever its schema: every string and object key
// is well-formed Unicode (no unpaired surrogate, which SQLite, UTF-8 and browsers cannot keep), and
// nesting stays under a cap (deeper values overflow the stack of recursive readers and writers).

/** Deepest nesting accepted in an event or request: the value itself is level 1. */
export const MAX_NESTING_DEPTH = 100;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** String.prototype.isWellFormed (ES2024, native and fast) where the runtime has it. */
const wellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !LONE_SURROGATE.test(s);

/** Index of the first unpaired surrogate in `s`, or -1 when it is well-formed Unicode. */
export function loneSurrogateIndex(s: string): number {
  if (wellFormed(s)) return -1;
  return LONE_SURROGATE.exec(s)?.index ?? -1;
}

function surrogateMessage(s: string, what: string): string {
  const i = loneSurrogateIndex(s);
  const unit = s.charCodeAt(i).toString(16).toUpperCase();
  return `${what} has an unpaired surrogate U+${unit} at index ${i}, which is not valid Unicode (was a longer string cut through an emoji?)`;
}

/** `a.b[0]`-style path; keys that are not plain names are quoted (escaped, so the message stays ASCII-safe). */
function joinPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out || '(event)';
}

interface Failure {
  path: (string | number)[];
  message: string;
}

function walk(value: unknown, depth: number, maxDepth: number): Failure | null {
  if (typeof value === 'string')
    return wellFormed(value) ? null : { path: [], message: surrogateMessage(value, 'the string') };
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= maxDepth)
    return { path: [], message: `nesting is deeper than ${maxDepth} levels; flatten the value` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const f = walk(value[i], depth + 1, maxDepth);
      if (f) {
        f.path.unshift(i);
        return f;
      }
    }
    return null;
  }
  // Parsed JSON has no inherited keys; any that another caller's object has are checked too.
  for (const key in value) {
    if (!wellFormed(key)) return { path: [key], message: surrogateMessage(key, 'the key') };
    const f = walk((value as Record<string, unknown>)[key], depth + 1, maxDepth);
    if (f) {
      f.path.unshift(key);
      return f;
    }
  }
  return null;
}

/** A `\\u` escape of a surrogate half (D800–DFFF): the only way parsed JSON text can yield one. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * Whether the value JSON.parse made of `text` is certain to pass checkJsonValue, decided on the text
 * with native scans instead of a walk of the value: the text is well-formed, escapes no surrogate
 * half, and holds at most `maxDepth` brackets (each level of nesting opens one). False means "walk
 * it", never "it fails".
 */
export function jsonTextIsClean(text: string, maxDepth = MAX_NESTING_DEPTH): boolean {
  if (!wellFormed(text) || (text.indexOf('\\u') !== -1 && SURROGATE_ESCAPE.test(text))) return false;
  if (text.length <= 2 * maxDepth) return true;
  let brackets = 0;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1))
    if (++brackets > maxDepth) return false;
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1))
    if (++brackets > maxDepth) return false;
  return true;
}

/**
 * The first string or key with an unpaired surrogate, or the first value nested deeper than
 * `maxDepth`, as a field error (`calls[0].args.q`); null when the value is clean. It never recurses
 * past `maxDepth`, so it is safe on any parsed JSON.
 */
export function checkJsonValue(
  value: unknown,
  maxDepth = MAX_NESTING_DEPTH,
): { field: string; message: string } | null {
  const f = walk(value, 0, maxDepth);
  return f ? { field: joinPath(f.path), message: f.message } : null;
}
