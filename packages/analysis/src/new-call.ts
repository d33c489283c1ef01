// A new CallModel as a run's llm.response lists it, before any of its lifecycle events. A call of
// a compact source keeps its reads/writes in the source's key columns, built as arrays only on use.
import type { KeyColumns, KeyVersion } from '@causelane/trace-schema';
import type { CallModel } from './run-model.ts';

/** Shared by every call without reads or writes (never mutated). */
export const NO_KEYS: KeyVersion[] = [];

/**
 * Every field up front: one hidden class and in-object slots for all calls (leaner, faster).
 * `reads` and `writes` are plain arrays, or (setKeys) offsets into a compact source's key columns
 * that the rules read through readCount/readKey/… and that become arrays on first access.
 */
export class Call implements CallModel {
  startSeq: number | undefined = undefined;
  endSeq: number | undefined = undefined;
  ok: boolean | undefined = undefined;
  result: unknown = undefined;
  error: string | undefined = undefined;
  commitSeq: number | undefined = undefined;
  synthetic: boolean | undefined = undefined;
  timeoutSeq: number | undefined = undefined;
  orphanSeq: number | undefined = undefined;
  orphanReason: string | undefined = undefined;
  #reads: KeyVersion[] = NO_KEYS;
  #writes: KeyVersion[] = NO_KEYS;
  #cols: KeyColumns | null = null;
  #at = -1;

  constructor(
    public id: string,
    public name: string,
    public args: unknown,
    public turn: number,
    public index: number,
    public listedSeq: number,
  ) {}

  /** Reads and writes from the source's key columns at offset `at` (-1: none). */
  setKeys(cols: KeyColumns, at: number): void {
    this.#reads = NO_KEYS;
    this.#writes = NO_KEYS;
    this.#cols = at < 0 ? null : cols;
    this.#at = at;
  }

  private materialize(): void {
    const cols = this.#cols!;
    this.#reads = cols.reads(this.#at) ?? NO_KEYS;
    this.#writes = cols.writes(this.#at) ?? NO_KEYS;
    this.#cols = null;
    this.#at = -1;
  }

  get reads(): KeyVersion[] {
    if (this.#cols) this.materialize();
    return this.#reads;
  }

  set reads(v: KeyVersion[]) {
    if (this.#cols) this.materialize();
    this.#reads = v;
  }

  get writes(): KeyVersion[] {
    if (this.#cols) this.materialize();
    return this.#writes;
  }

  set writes(v: KeyVersion[]) {
    if (this.#cols) this.materialize();
    this.#writes = v;
  }

  get readCount(): number {
    return this.#cols ? this.#cols.readCount(this.#at) : this.#reads.length;
  }

  get writeCount(): number {
    return this.#cols ? this.#cols.writeCount(this.#at) : this.#writes.length;
  }

  readKey(j: number): string {
    return this.#cols ? this.#cols.readKey(this.#at, j) : this.#reads[j]!.key;
  }

  readVersion(j: number): number {
    return this.#cols ? this.#cols.readVersion(this.#at, j) : this.#reads[j]!.version;
  }

  writeKey(j: number): string {
    return this.#cols ? this.#cols.writeKey(this.#at, j) : this.#writes[j]!.key;
  }

  writeVersion(j: number): number {
    return this.#cols ? this.#cols.writeVersion(this.#at, j) : this.#writes[j]!.version;
  }
}

export function newCall(
  id: string,
  name: string,
  args: unknown,
  turn: number,
  index: number,
  listedSeq: number,
): Call {
  return new Call(id, name, args, turn, index, listedSeq);
}

// What the rules read of a call's reads and writes, for a Call (no arrays built) or any CallModel.
export const readCount = (c: CallModel): number => (c instanceof Call ? c.readCount : c.reads.length);
export const writeCount = (c: CallModel): number => (c instanceof Call ? c.writeCount : c.writes.length);
export const readKey = (c: CallModel, j: number): string =>
  c instanceof Call ? c.readKey(j) : c.reads[j]!.key;
export const readVersion = (c: CallModel, j: number): number =>
  c instanceof Call ? c.readVersion(j) : c.reads[j]!.version;
export const writeKey = (c: CallModel, j: number): string =>
  c instanceof Call ? c.writeKey(j) : c.writes[j]!.key;
export const writeVersion = (c: CallModel, j: number): number =>
  c instanceof Call ? c.writeVersion(j) : c.writes[j]!.version;
