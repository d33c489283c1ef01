// One model-requested call inside a CausalSession: the framework's invocation it waits for, the
// committed result it hands back, and the framework's own value or exception kept beside it.
import type { ToolResultEntry } from '../../agent-context.ts';
import type { NotingContext } from './tool-state.ts';

/** What the framework's tool invocation gets back once its batch has committed. */
export type SessionOutcome =
  | { ok: true; value: unknown }
  /** `thrown`: what the tool itself threw, when the committed failure is the tool's own. */
  | { ok: false; error: string; synthetic: boolean; thrown?: unknown };

/** A bound tool run (see `bindToolRun`): runs the framework's real execute with this call's context. */
export type ToolRun = (ctx: NotingContext) => Promise<unknown>;

export interface Slot {
  providerId: string;
  traceId: string;
  /** Says why the call must fail without waiting for the framework (input the framework will reject). */
  refusal: (() => string | undefined | Promise<string | undefined>) | undefined;
  run: ToolRun | undefined;
  /** What the executor traces and snapshots instead of the framework's own value (kept as `real`). */
  traced: ((value: unknown) => unknown) | undefined;
  wake: (() => void) | undefined;
  real: { value: unknown } | undefined;
  thrown: { error: unknown } | undefined;
  entry: ToolResultEntry | undefined;
  resolve: (o: SessionOutcome) => void;
  reject: (err: Error) => void;
  outcome: Promise<SessionOutcome>;
  settled: boolean;
}

export function newSlot(
  providerId: string,
  traceId: string,
  refusal: (() => string | undefined | Promise<string | undefined>) | undefined,
): Slot {
  let resolve!: (o: SessionOutcome) => void;
  let reject!: (err: Error) => void;
  const outcome = new Promise<SessionOutcome>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A call the framework never invoked (it rejected the input itself) must not leave an unhandled rejection.
  outcome.catch(() => {});
  const slot: Slot = {
    providerId,
    traceId,
    refusal,
    run: undefined,
    traced: undefined,
    wake: undefined,
    real: undefined,
    thrown: undefined,
    entry: undefined,
    outcome,
    settled: false,
    resolve: (o) => {
      slot.settled = true;
      resolve(o);
    },
    reject: (e) => {
      slot.settled = true;
      reject(e);
    },
  };
  return slot;
}
