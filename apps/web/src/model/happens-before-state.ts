// The state side of the happens-before diagram: edges between calls of a turn that wrote and read
// the same key (write -> read, or read -> write, by seq), the stale one marked; and the layering that
// gives each node its row.
import { type CallModel, type RunModel, requestIndexAt, type TurnModel } from '@causelane/analysis';
import type { HbEdge, HbNode } from './happens-before-types.ts';

/** seq of the first `llm.request` after `seq` (the consumption of a result committed at `seq`). */
function requestAfter(model: RunModel, seq: number): number | undefined {
  return model.requests[requestIndexAt(model, seq)]?.seq;
}

/**
 * Per key, an edge between each writer and each reader among the turn's calls, ordered by their
 * ends' seqs. A write -> read edge is stale when, as the stale-read rule says, the write (newer
 * version) landed before the reader's result was consumed (its first request after a real commit).
 */
export function stateEdges(model: RunModel, _tm: TurnModel, calls: readonly CallModel[]): HbEdge[] {
  const out: HbEdge[] = [];
  for (const r of calls) {
    if (r.endSeq === undefined || r.reads.length === 0) continue;
    const consumed = r.commitSeq !== undefined && !r.synthetic ? requestAfter(model, r.commitSeq) : undefined;
    for (const read of r.reads) {
      for (const w of calls) {
        if (w === r || w.endSeq === undefined) continue;
        const write = w.writes.find((kv) => kv.key === read.key);
        if (!write) continue;
        const writeFirst = w.endSeq < r.endSeq;
        const stale = consumed !== undefined && w.endSeq < consumed && write.version > read.version;
        const text = writeFirst
          ? `${w.name} wrote ${read.key} v${write.version} (seq ${w.endSeq}), then ${r.name} read v${read.version} (seq ${r.endSeq})`
          : `${r.name} read ${read.key} v${read.version} (seq ${r.endSeq}), then ${w.name} wrote v${write.version} (seq ${w.endSeq})`;
        out.push({
          from: writeFirst ? `${w.id}:end` : `${r.id}:end`,
          to: writeFirst ? `${r.id}:end` : `${w.id}:end`,
          kind: 'state',
          violation: stale ? `stale read: ${text}, and the model saw the old value` : null,
          state: { key: read.key, text, stale },
        });
      }
    }
  }
  return out;
}

/**
 * Longest-path layering: a node's row is one more than the row of every node ordered before it,
 * by an edge (oriented by seq, whatever its arrow) or by its own column. Seqs are unique per node
 * kind, so every constraint points from smaller seq to larger and the graph has no cycle.
 */
export function layerRows(nodes: HbNode[], edges: readonly HbEdge[]): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const before = new Map<HbNode, HbNode[]>(nodes.map((n) => [n, []]));
  const order = (a: HbNode, b: HbNode) => {
    if (a.seq === b.seq) return;
    const [x, y] = a.seq < b.seq ? [a, b] : [b, a];
    before.get(y)!.push(x);
  };
  for (const e of edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (a && b) order(a, b);
  }
  const byCol = new Map<number, HbNode[]>();
  for (const n of nodes) byCol.set(n.col, [...(byCol.get(n.col) ?? []), n]);
  for (const col of byCol.values()) {
    col.sort((a, b) => a.seq - b.seq);
    for (let i = 1; i < col.length; i++) order(col[i - 1]!, col[i]!);
  }
  // Nodes in seq order: every predecessor has a smaller seq, so it is placed first.
  for (const n of [...nodes].sort((a, b) => a.seq - b.seq)) {
    let row = 0;
    for (const p of before.get(n)!) row = Math.max(row, p.row + 1);
    n.row = row;
  }
}
