// Parses message-history attributes (JSON arrays inside the OTLP JSON). Each chat span of a
// conversation repeats the whole history, so a history that extends one parsed just before is
// parsed only from where it grows: parsing stays linear in the text instead of quadratic.

interface Parsed {
  text: string;
  /** `text` without its closing `]`: what an extension of it starts with, followed by `,`. */
  open: string;
  value: unknown[];
  /** For a one-element array (a model call's output message): that element's text. */
  element?: string;
}

/** The last few histories parsed (conversations interleave in a file, a few at a time). */
const RECENT = 8;
const recent: Parsed[] = [];

/**
 * JSON.parse of `text`. When it is an array that extends a recently parsed array (same text up to
 * that one's `]`, then `,` and more elements), only the new elements are parsed and the earlier
 * element values are shared with that earlier result: treat the result as read-only.
 */
export function parseMessageHistory(text: string): unknown {
  for (let k = 0; k < recent.length; k++) {
    const p = recent[k]!;
    if (text === p.text) return p.value;
    if (
      text.length > p.text.length &&
      text.charCodeAt(p.open.length) === 44 /* , */ &&
      // Not startsWith: V8 compares that char by char, a slice and === compare memory at once.
      text.slice(0, p.open.length) === p.open
    ) {
      const value = p.value.concat(newElements(text, p.open.length + 1));
      remember(text, value, k);
      return value;
    }
  }
  const value = JSON.parse(text) as unknown;
  if (Array.isArray(value)) remember(text, value, -1);
  return value;
}

/**
 * The elements of `[` + text from `start` on. The next history holds the last output message, and
 * then its text: when the elements start with a recent one-element array's element, followed by
 * `,` or `]`, that element's value is taken as it is and only the rest is parsed (exact: the
 * element is one complete JSON value, so the array parses the same around it).
 */
function newElements(text: string, start: number): unknown[] {
  for (const q of recent) {
    const e = q.element;
    if (e === undefined || text.length - start <= e.length) continue;
    const after = text.charCodeAt(start + e.length);
    if ((after !== 44 /* , */ && after !== 93) /* ] */ || text.slice(start, start + e.length) !== e) continue;
    const rest = JSON.parse(
      after === 44 ? `[${text.slice(start + e.length + 1)}` : `[${text.slice(start + e.length)}`,
    ) as unknown[];
    return [q.value[0], ...rest];
  }
  return JSON.parse(`[${text.slice(start)}`) as unknown[];
}

function remember(text: string, value: unknown[], replace: number): void {
  const end = text.trimEnd();
  // Only a compact `[...]` with at least one element can be extended by `,`.
  if (end.charCodeAt(end.length - 1) !== 93 /* ] */ || value.length === 0 || end !== text) return;
  const entry: Parsed = { text, open: text.slice(0, -1), value };
  if (value.length === 1 && text.charCodeAt(0) === 91 /* [ */) entry.element = text.slice(1, -1);
  if (replace >= 0) recent.splice(replace, 1);
  recent.unshift(entry);
  if (recent.length > RECENT) recent.pop();
}

/** Forgets every remembered history (so a finished import holds no memory). */
export function forgetMessageHistories(): void {
  recent.length = 0;
}
