// Plain-language explanation and fix for each anomaly type: shown by the CLI, the web app and docs.
import type { AnomalyType } from './anomaly.ts';

export interface AnomalyExplanation {
  title: string;
  what: string;
  why: string;
  fix: string;
}

export const EXPLANATIONS: Record<AnomalyType, AnomalyExplanation> = {
  'premature-llm-call': {
    title: 'Premature model call',
    what: 'The agent asked the model for the next turn while a tool call of an earlier turn was still unresolved.',
    why: 'The model plans on a context that lacks that result, and provider APIs reject a history where a tool call has no answer.',
    fix: 'Put a barrier after each batch: wait for every call to finish or hit its deadline, commit a stand-in error for calls you give up on, then ask the model.',
  },
  'late-commit': {
    title: 'Late commit',
    what: "A tool's result was written into the context after a later turn had already asked the model.",
    why: 'The result lands in the wrong turn: the model sees an answer to a question it no longer remembers asking, or two answers for one call.',
    fix: 'Once a turn is closed, route late results to an orphaned-results buffer instead of the context.',
  },
  'commit-order': {
    title: 'Results committed in arrival order',
    what: 'Within one turn the results were committed in the order they finished, not in the order the model asked for them.',
    why: 'The context, and every state change that follows from it, then depends on timing: the same run replayed can take another path.',
    fix: 'Collect the batch, then commit results in call-index order as one serialized update.',
  },
  'orphaned-result': {
    title: 'Orphaned result',
    what: 'A call produced its result after its turn was closed or after it timed out.',
    why: 'As info, the executor kept it aside as it should. As a warning, the result vanished: work was done and silently dropped.',
    fix: 'Give slow tools deadlines, commit a synthetic error for the call, and keep late results in an inspectable orphan buffer.',
  },
  'stale-read': {
    title: 'Stale read',
    what: 'A read returned a version of a key older than a write that had already happened before the model saw the read.',
    why: 'The agent decides on pre-write state: it reports stock that was just restocked, or edits a file that was just changed.',
    fix: 'Declare the keys each tool reads and writes so conflicting calls run in order, and hand tools the latest committed version (read-your-writes).',
  },
  'rw-race': {
    title: 'Read/write race',
    what: 'Two calls of one turn ran in parallel, one reading a key the other writes.',
    why: 'What the read returns depends on which call wins; this time it may have been fine, next time it is a stale read.',
    fix: 'Run calls that conflict on a key in call order; keep the rest parallel (conflict-aware scheduling).',
  },
  'ww-conflict': {
    title: 'Write/write conflict',
    what: 'Two calls of one turn wrote the same key in parallel.',
    why: 'One update can overwrite the other: a lost update, such as two edits of one file where only the last survives.',
    fix: 'Serialize writers of the same key in call order, or merge their changes explicitly.',
  },
  'unmatched-result': {
    title: 'Unmatched result',
    what: 'A tool event named a call id the model never asked for in that turn, or a call was committed twice.',
    why: 'Provider APIs demand exactly one result per call id; a mismatched id (often after a retry) corrupts the history or gets rejected.',
    fix: 'Keep call ids stable across retries, drop results for unknown ids or closed turns, and commit each call id once.',
  },
};
