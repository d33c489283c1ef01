// The one error every importer throws on bad input: it names where (a JSON path such as
// `$.resourceSpans[0].scopeSpans[1].spans[4].endTimeUnixNano`, or `line 3`) and what is wrong.
export class ImportError extends Error {
  constructor(
    /** JSON path (`$...`) or `line N` of the offending value. */
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
    this.name = 'ImportError';
  }
}

/** Short rendering of an offending value for messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
