// Asks the trace worker for something derived (call details, a replay snapshot, a diagram) whenever
// `key` changes, keeping only the latest answer.
import { useEffect, useState } from 'react';

export function useWorkerQuery<T>(query: (() => Promise<T>) | null, key: string): T | null {
  const [value, setValue] = useState<T | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names everything the query reads
  useEffect(() => {
    if (!query) {
      setValue(null);
      return;
    }
    let live = true;
    query().then(
      (v) => live && setValue(v),
      () => live && setValue(null),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return value;
}

const versions = new WeakMap<object, number>();
let nextVersion = 1;

/** A number that changes whenever `obj` is replaced (a live run's columns are, on every batch). */
export function versionOf(obj: object | undefined): number {
  if (!obj) return 0;
  let v = versions.get(obj);
  if (v === undefined) {
    v = nextVersion++;
    versions.set(obj, v);
  }
  return v;
}
