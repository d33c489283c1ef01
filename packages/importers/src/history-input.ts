// Small checked accessors for message-history JSON, so every importer names the exact JSON path
// of what is wrong.
import { describeValue, ImportError } from './import-error.ts';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function objectItem(list: readonly unknown[], i: number, where: string): JsonObject {
  const v = list[i];
  if (!isObject(v)) throw new ImportError(`${where}[${i}]`, `expected an object, got ${describeValue(v)}`);
  return v;
}

export function requiredString(o: JsonObject, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '')
    throw new ImportError(`${where}.${key}`, `expected a non-empty string, got ${describeValue(v)}`);
  return v;
}

/** Tool arguments arrive as a JSON string in OpenAI's formats; keep them parsed when they parse. */
export function parsedArgs(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
