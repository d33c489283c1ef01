// CompactRun's call ids: interned per run as 0..count-1, and every call an llm.response listed (id
// index and name) in run-level columns, so tool events find their call without a map lookup.
import type { CallInterner } from './compact-payload.ts';
import { grow } from './grow.ts';

export class CallIds implements CallInterner {
  /** Id of each index. */
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  /** Every call any llm.response listed, in order: interned id and name (see listCalls). */
  private listedIds = new Int32Array(256);
  /** At each listing's start: how many calls it has (listings with calls start at distinct offsets). */
  private listedCounts = new Int32Array(256);
  private readonly listedNames: string[] = [];
  /** The latest response's calls in the listing columns (internTool's fast path). */
  private recentStart = 0;
  private recentEnd = 0;
  /** A few distinct tool names, so each listing shares one string instead of keeping its own. */
  private readonly names: string[] = [];

  get count(): number {
    return this.ids.length;
  }

  intern(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
    }
    return i;
  }

  /**
   * Tool events name, almost always, a call of the latest response: compare with those few ids
   * (short strings) before falling back to the map, so most events cost no hash lookup.
   */
  internTool(id: string): number {
    const r = this.listedIds;
    for (let k = this.recentStart; k < this.recentEnd; k++) {
      const i = r[k]!;
      if (this.ids[i] === id) return i;
    }
    return this.intern(id);
  }

  listCalls(calls: readonly { id: string; name: string }[]): number {
    const start = this.listedNames.length;
    this.recentStart = start;
    this.recentEnd = start + calls.length;
    if (calls.length === 0) return -1;
    this.listedIds = grow(this.listedIds, start + calls.length);
    this.listedCounts = grow(this.listedCounts, start + calls.length);
    this.listedCounts[start] = calls.length;
    for (let k = 0; k < calls.length; k++) {
      const c = calls[k]!;
      this.listedIds[start + k] = this.intern(c.id);
      this.listedNames.push(this.shareName(c.name));
    }
    return start;
  }

  private shareName(name: string): string {
    const names = this.names;
    for (let k = 0; k < names.length; k++) if (names[k] === name) return names[k]!;
    if (names.length < 16) names.push(name);
    return name;
  }

  /** Index of an id, or -1 when the run never names it. */
  indexOf(id: string): number {
    return this.index.get(id) ?? -1;
  }

  /** How many calls the listing starting at `start` (a listCalls result, -1 for none) has. */
  listedCountAt(start: number): number {
    return start < 0 ? 0 : this.listedCounts[start]!;
  }

  /** Id index of the listing entry at `at` (a response's `list` offset plus the call's position). */
  listedIndex(at: number): number {
    return this.listedIds[at]!;
  }

  listedName(at: number): string {
    return this.listedNames[at]!;
  }
}
