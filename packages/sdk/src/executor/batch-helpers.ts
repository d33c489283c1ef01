// Small pure helpers of a batch: which in-doubt key a call touches, and the orphan record of a late
// or mislabelled answer.
import type { ToolCallSpec } from '@causelane/trace-schema';
import type { CallOutcome, OrphanedResult } from '../executor.ts';
import type { CallAccess } from './conflict-schedule.ts';

export function firstInDoubt(access: CallAccess, inDoubt: Map<string, string>): string | undefined {
  for (const k of access.reads) if (inDoubt.has(k)) return k;
  for (const k of access.writes) if (inDoubt.has(k)) return k;
  return undefined;
}

export function orphanOf(
  turn: number,
  spec: ToolCallSpec,
  reason: OrphanedResult['reason'],
  o: CallOutcome,
): OrphanedResult {
  return {
    turn,
    call: spec.id,
    name: spec.name,
    reason,
    ok: o.ok,
    ...(o.ok ? { result: o.result } : { error: o.error ?? 'failed' }),
    writes: o.writes,
    ...(o.answeredAs !== undefined ? { answeredAs: o.answeredAs } : {}),
  };
}
