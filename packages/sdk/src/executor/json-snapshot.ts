// A JSON-safe deep copy of a tool's result, taken once when it arrives: what is traced and committed
// can no longer change, and values JSON cannot hold are converted or dropped with a note saying so.

export interface JsonSnapshot {
  value: unknown;
  /** One line per conversion, as `path: what happened` (`$.n: bigint written as a string`). */
  lossy: string[] | undefined;
}

/** Walks at most this deep; deeper values are cut (and noted), so a pathological result cannot blow the stack. */
const MAX_DEPTH = 64;

/** Fast path: primitives JSON holds as they are need no copy and no walk. */
export function jsonSnapshot(value: unknown): JsonSnapshot {
  const t = typeof value;
  if (value === null || t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(value)))
    return { value, lossy: undefined };
  if (value === undefined) return { value: undefined, lossy: undefined };
  const notes: string[] = [];
  const copy = walk(value, '$', [], notes);
  return { value: copy === SKIP ? undefined : copy, lossy: notes.length > 0 ? notes : undefined };
}

const SKIP = Symbol('skip');

function walk(v: unknown, path: string, stack: object[], notes: string[]): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (Number.isFinite(v)) return v;
      notes.push(`${path}: ${String(v)} written as null`);
      return null;
    case 'bigint':
      notes.push(`${path}: bigint written as a string`);
      return v.toString();
    case 'symbol':
      notes.push(`${path}: symbol written as a string`);
      return v.toString();
    case 'function':
      notes.push(`${path}: function dropped`);
      return SKIP;
    case 'undefined':
      return SKIP;
  }
  if (v === null) return null;
  const obj = v as object;
  const seenAt = stack.indexOf(obj);
  if (seenAt >= 0) {
    notes.push(`${path}: circular reference replaced`);
    return `[circular ${pathAt(path, stack.length - seenAt)}]`;
  }
  if (stack.length >= MAX_DEPTH) {
    notes.push(`${path}: nested deeper than ${MAX_DEPTH} levels, cut`);
    return null;
  }
  try {
    return copyObject(obj, path, stack, notes);
  } catch (err) {
    // A getter or toJSON that throws: keep the rest of the result.
    notes.push(`${path}: could not be read (${err instanceof Error ? err.message : 'threw'})`);
    return null;
  }
}

/** The path `up` levels above `path` ($.a.b, 1 -> $.a); paths are only for notes, so approximate is fine. */
function pathAt(path: string, up: number): string {
  let p = path;
  for (let i = 0; i < up; i++) p = p.replace(/(\.[^.[]*|\[\d+\])$/, '');
  return p || '$';
}

function copyObject(obj: object, path: string, stack: object[], notes: string[]): unknown {
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    stack.push(obj);
    const out = walk(toJSON.call(obj), path, stack, notes);
    stack.pop();
    return out === SKIP ? null : out;
  }
  stack.push(obj);
  let out: unknown;
  if (Array.isArray(obj)) {
    const arr = new Array(obj.length);
    for (let i = 0; i < obj.length; i++) {
      const item = walk(obj[i], `${path}[${i}]`, stack, notes);
      arr[i] = item === SKIP ? null : item;
    }
    out = arr;
  } else if (obj instanceof Map || obj instanceof Set) {
    notes.push(`${path}: ${obj instanceof Map ? 'Map' : 'Set'} written as an array`);
    out = walk([...obj], path, stack, notes);
  } else {
    // Class instances keep their own enumerable fields, as JSON.stringify does.
    const rec: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
      const item = walk((obj as Record<string, unknown>)[key], `${path}.${key}`, stack, notes);
      if (item !== SKIP) rec[key] = item;
    }
    if (obj instanceof Error && rec.message === undefined) rec.message = obj.message;
    out = rec;
  }
  stack.pop();
  return out;
}
