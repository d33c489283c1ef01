// callById over interned call indices: the source's id → index lookup, then an array, so a compact
// run's model keeps no second map of id strings.
import type { EventColumns } from '@causelane/trace-schema';
import type { CallModel } from './run-model.ts';

export class IndexedCalls implements ReadonlyMap<string, CallModel> {
  constructor(
    private readonly source: EventColumns,
    private readonly byIndex: readonly (CallModel | undefined)[],
    /** Every call in listing order: the order a Map filled while listing would iterate in. */
    private readonly calls: readonly CallModel[],
  ) {}
  get(id: string): CallModel | undefined {
    const k = this.source.callIndexOf!(id);
    return k < 0 ? undefined : this.byIndex[k];
  }
  has(id: string): boolean {
    return this.get(id) !== undefined;
  }
  get size(): number {
    return this.calls.length;
  }
  forEach(
    fn: (value: CallModel, key: string, map: ReadonlyMap<string, CallModel>) => void,
    self?: unknown,
  ): void {
    for (const c of this.calls) fn.call(self, c, c.id, this);
  }
  *entries(): MapIterator<[string, CallModel]> {
    for (const c of this.calls) yield [c.id, c];
  }
  *keys(): MapIterator<string> {
    for (const c of this.calls) yield c.id;
  }
  *values(): MapIterator<CallModel> {
    yield* this.calls;
  }
  [Symbol.iterator](): MapIterator<[string, CallModel]> {
    return this.entries();
  }
}
