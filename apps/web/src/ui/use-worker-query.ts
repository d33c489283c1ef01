// Asks the trace worker for something derived (call details, a replay snapshot, a diagram) whenever
// the inputs change, keeping only the latest answer.
import { useEffect, useState } from 'react';

export function useWorkerQuery<T>(query: (() => Promise<T>) | null, deps: readonly unknown[]): T | null {
  const [value, setValue] = useState<T | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists the query's inputs
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
  }, deps);
  return value;
}
