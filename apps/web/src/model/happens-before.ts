// Happens-before diagram of one turn, after ShiViz: one column for the agent and one per call, events
// ordered by seq down the page, and the dispatch -> end -> commit -> next request edges. An edge
// that the causal order breaks (a request before a result was resolved) is marked as a violation.
import {
  type CallModel,
  callClosedSeq,
  type RunModel,
  resolvedSeq,
  type TurnModel,
} from '@causelane/analysis';
import { indexOfSeq } from '@causelane/trace-schema';

export interface HbNode {
  id: string;
  /** 0 is the agent; call columns follow in call-index order. */
  col: number;
  seq: number;
  t: number;
  label: string;
  /** Position down the page (rank by seq). */
  row: number;
}

export type HbEdgeKind = 'dispatch' | 'run' | 'commit' | 'consume' | 'orphan' | 'timeout';

export interface HbEdge {
  from: string;
  to: string;
  kind: HbEdgeKind;
  /** Why this edge breaks causality, or null. */
  violation: string | null;
}

export interface HbDiagram {
  turn: number;
  columns: { label: string; call: string | null }[];
  nodes: HbNode[];
  edges: HbEdge[];
}

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

  const order = [...new Set(nodes.map((n) => n.seq))].sort((a, b) => a - b);
  const rank = new Map(order.map((s, i) => [s, i]));
  for (const n of nodes) n.row = rank.get(n.seq)!;
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
