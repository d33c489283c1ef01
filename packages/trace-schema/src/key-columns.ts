// CompactRun's tool.end reads and writes as run-level columns (interned key index and version), so
// the parsed `{key, version}` arrays die young instead of surviving the whole read; rebuilt on demand.

import type { KeyVersion } from './events.ts';
import { grow } from './grow.ts';

export class KeyColumns {
  /** Distinct keys; `index` maps each to its position. */
  private readonly keys: string[] = [];
  private readonly index = new Map<string, number>();
  /** Per stored tool.end at offset o: [o] = read count, [o+1] = write count, then reads, then writes. */
  private at = new Int32Array(1024);
  private versions = new Float64Array(1024);
  private length = 0;

  /** Stores one tool.end's reads and writes (either may be undefined); returns their offset. */
  add(reads: readonly KeyVersion[] | undefined, writes: readonly KeyVersion[] | undefined): number {
    const nr = reads?.length ?? 0;
    const nw = writes?.length ?? 0;
    const o = this.length;
    const end = o + 2 + nr + nw;
    if (end > this.at.length) {
      this.at = grow(this.at, end);
      this.versions = grow(this.versions, end);
    }
    this.at[o] = nr;
    this.at[o + 1] = nw;
    let k = o + 2;
    for (let j = 0; j < nr; j++) this.put(k++, reads![j]!);
    for (let j = 0; j < nw; j++) this.put(k++, writes![j]!);
    this.length = end;
    return o;
  }

  private put(k: number, kv: KeyVersion): void {
    let i = this.index.get(kv.key);
    if (i === undefined) {
      i = this.keys.length;
      this.keys.push(kv.key);
      this.index.set(kv.key, i);
    }
    this.at[k] = i;
    this.versions[k] = kv.version;
  }

  /** How many reads / writes the tool.end stored at offset `o` has. */
  readCount(o: number): number {
    return this.at[o]!;
  }

  writeCount(o: number): number {
    return this.at[o + 1]!;
  }

  /** Key and version of the j-th read / write stored at offset `o`, without building objects. */
  readKey(o: number, j: number): string {
    return this.keys[this.at[o + 2 + j]!]!;
  }

  readVersion(o: number, j: number): number {
    return this.versions[o + 2 + j]!;
  }

  writeKey(o: number, j: number): string {
    return this.keys[this.at[o + 2 + this.at[o]! + j]!]!;
  }

  writeVersion(o: number, j: number): number {
    return this.versions[o + 2 + this.at[o]! + j]!;
  }

  /** The reads stored at offset `o`, as fresh objects (undefined when there are none). */
  reads(o: number): KeyVersion[] | undefined {
    return this.list(o + 2, this.at[o]!);
  }

  /** The writes stored at offset `o`, as fresh objects (undefined when there are none). */
  writes(o: number): KeyVersion[] | undefined {
    return this.list(o + 2 + this.at[o]!, this.at[o + 1]!);
  }

  private list(from: number, n: number): KeyVersion[] | undefined {
    if (n === 0) return undefined;
    const out: KeyVersion[] = new Array(n);
    for (let j = 0; j < n; j++)
      out[j] = { key: this.keys[this.at[from + j]!]!, version: this.versions[from + j]! };
    return out;
  }
}
