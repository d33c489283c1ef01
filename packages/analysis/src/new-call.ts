// A new CallModel as a run's llm.response lists it, before any of its lifecycle events.
import type { KeyVersion } from '@causelane/trace-schema';
import type { CallModel } from './run-model.ts';

/** Shared by every call without reads or writes (never mutated). */
export const NO_KEYS: KeyVersion[] = [];

/** Every field up front: one hidden class and in-object slots for all calls (leaner, faster). */
export function newCall(
  id: string,
  name: string,
  args: unknown,
  turn: number,
  index: number,
  listedSeq: number,
): CallModel {
  return {
    id,
    name,
    args,
    turn,
    index,
    listedSeq,
    startSeq: undefined,
    endSeq: undefined,
    ok: undefined,
    result: undefined,
    error: undefined,
    reads: NO_KEYS,
    writes: NO_KEYS,
    commitSeq: undefined,
    synthetic: undefined,
    timeoutSeq: undefined,
    orphanSeq: undefined,
    orphanReason: undefined,
  };
}
