// Happens-before diagram of one turn, after ShiViz: one column for the agent and one per call, the
// dispatch -> end -> commit -> next request edges, and state edges between calls that wrote and read
// the same key (the stale one marked). Rows are layers: each node sits below every node an edge or
// its own column orders before it (by seq), so 12 parallel calls take 6 rows, not 39. An edge that
// the causal order breaks (a request before a result was resolved) is marked as a violation.
import {
  type CallModel,
  callClosedSeq,
  type RunModel,
  resolvedSeq,
  type TurnModel,
} from '@causelane/analysis';
import { indexOfSeq } from '@causelane/trace-schema';
import { layerRows, stateEdges } from './happens-before-state.ts';
import type { HbDiagram, HbEdge, HbEdgeKind, HbNode } from './happens-before-types.ts';

export type { HbDiagram, HbEdge, HbEdgeKind, HbNode };

function tOf(model: RunModel, seq: number): number {
  const i = indexOfSeq(model.source, seq);
  return i >= 0 ? model.source.event(i).t : 0;
}

export function happensBeforeDiagram(model: RunModel, turn: number): HbDiagram | null {
  const tm: TurnModel | undefined = model.turnByNumber.get(turn);
  if (!tm) return null;
  const calls = [...tm.calls].sort((a, b) => a.index - b.index);
  const nodes: HbNode[] = [];
  const edges: HbEdge[] = [];
  const add = (id: string, col: number, seq: number | undefined, label: string): string | null => {
    if (seq === undefined) return null;
    nodes.push({ id, col, seq, t: tOf(model, seq), label, row: 0 });
    return id;
  };
  const req = add('request', 0, tm.requestSeq, `llm.request turn ${turn}`);
  const res = add('response', 0, tm.responseSeq, `llm.response (${calls.length} calls)`);
  if (req && res) edges.push({ from: req, to: res, kind: 'dispatch', violation: null });
  const next = add('next', 0, tm.closeSeq, `llm.request turn ${tm.closedByTurn ?? turn + 1}`);

  calls.forEach((c: CallModel, i) => {
    const col = i + 1;
    const start = add(`${c.id}:start`, col, c.startSeq, 'tool.start');
    const end = add(`${c.id}:end`, col, c.endSeq, c.ok === false ? 'tool.end (error)' : 'tool.end');
    const commit = add(
      `${c.id}:commit`,
      col,
      c.commitSeq,
      c.synthetic ? 'tool.commit (synthetic)' : 'tool.commit',
    );
    const timeout = add(`${c.id}:timeout`, col, c.timeoutSeq, 'tool.timeout');
    const orphan = add(
      `${c.id}:orphan`,
      col,
      c.orphanSeq,
      `tool.orphan${c.orphanReason ? ` (${c.orphanReason})` : ''}`,
    );
    if (res && start) edges.push({ from: res, to: start, kind: 'dispatch', violation: null });
    if (start && end) edges.push({ from: start, to: end, kind: 'run', violation: null });
    if (end && commit) edges.push({ from: end, to: commit, kind: 'commit', violation: null });
    if (start && timeout) edges.push({ from: start, to: timeout, kind: 'timeout', violation: null });
    if (end && orphan) edges.push({ from: end, to: orphan, kind: 'orphan', violation: null });
    if (!next || tm.closeSeq === undefined) return;
    const resolved = resolvedSeq(c);
    const closed = callClosedSeq(c, tm);
    if (commit && c.commitSeq! > tm.closeSeq) {
      edges.push({
        from: next,
        to: commit,
        kind: 'consume',
        violation: 'committed after the next turn asked the model (late commit)',
      });
    } else if (resolved === undefined || resolved > tm.closeSeq) {
      const last = end ?? start ?? null;
      edges.push({
        from: last ?? next,
        to: next,
        kind: 'consume',
        violation: 'the next model request came before this call was resolved (premature call)',
      });
    } else {
      const via = commit ?? orphan ?? timeout;
      if (via) edges.push({ from: via, to: next, kind: 'consume', violation: null });
    }
    if (end && closed !== undefined && c.endSeq! > closed && !commit) {
      edges.push({
        from: next,
        to: end,
        kind: 'orphan',
        violation: 'the result arrived after the call was closed',
      });
    }
  });

  edges.push(...stateEdges(model, tm, calls));
  layerRows(nodes, edges);
  return {
    turn,
    columns: [
      { label: 'agent', call: null },
      ...calls.map((c) => ({ label: `${c.name} #${c.index}`, call: c.id })),
    ],
    nodes,
    edges,
  };
}
