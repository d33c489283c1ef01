// Which framework tool spans belong to calls a Causelane executor ran. Such a span also covers the
// call's wait in the executor's queue, so a trace-only path reading those spans must not attach
// state to it: overlapping spans would suggest a race the executor prevented.

const spans = new WeakSet<object>();

/** Marks a framework span (or its data object) as covering an enforced call. */
export function markEnforced(span: object): void {
  spans.add(span);
}

export function wasEnforced(span: object): boolean {
  return spans.has(span);
}
