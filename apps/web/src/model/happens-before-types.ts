// Shapes of a turn's happens-before diagram, as the worker sends it and the view lays it out.

export interface HbNode {
  id: string;
  /** 0 is the agent; call columns follow in call-index order. */
  col: number;
  seq: number;
  t: number;
  label: string;
  /** Layer down the page: below every node that an edge or its column orders before it. */
  row: number;
}

export type HbEdgeKind = 'dispatch' | 'run' | 'commit' | 'consume' | 'orphan' | 'timeout' | 'state';

export interface HbEdge {
  from: string;
  to: string;
  kind: HbEdgeKind;
  /** Why this edge breaks causality, or null. */
  violation: string | null;
  /** State edges: the key, and what each side wrote or read, in words. */
  state?: { key: string; text: string; stale: boolean };
}

export interface HbDiagram {
  turn: number;
  columns: { label: string; call: string | null }[];
  nodes: HbNode[];
  edges: HbEdge[];
}
