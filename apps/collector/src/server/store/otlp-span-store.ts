// The GenAI spans behind each OTLP run, kept in the collector's SQLite file (table otlp_spans, which
// this module owns) so a run can be re-derived from every span received so far, across restarts.
import type { GenAiSpan } from '@causelane/importers';
import type Database from 'better-sqlite3';
import type { StoredSpan } from './event-store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS otlp_spans (
  trace_id TEXT NOT NULL, span_id TEXT NOT NULL, run TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (trace_id, span_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS otlp_spans_run ON otlp_spans (run);
`;

interface SpanRow {
  span_id: string;
  run: string;
  body: string;
}

export class OtlpSpanStore {
  private readonly putStmt: Database.Statement<[string, string, string]>;
  private readonly traceStmt: Database.Statement<[string], SpanRow>;
  private readonly assignStmt: Database.Statement<[string, string, string]>;
  private readonly runStmt: Database.Statement<[string], { body: string }>;
  private readonly hasRunStmt: Database.Statement<[string], { one: number }>;
  private readonly deleteRunStmt: Database.Statement<[string]>;

  /** `db` is the SqliteEventStore's connection, so spans and events commit in one transaction. */
  constructor(db: Database.Database) {
    db.exec(SCHEMA);
    // The first copy of a span is kept and a re-sent one (an exporter retry) is ignored: the rule of
    // otlpGenAiSpans, so a run stored live equals a one-shot import of every request received.
    // A new span waits for its run ('').
    this.putStmt = db.prepare(`INSERT INTO otlp_spans (trace_id, span_id, run, body) VALUES (?, ?, '', ?)
      ON CONFLICT (trace_id, span_id) DO NOTHING`);
    this.traceStmt = db.prepare('SELECT span_id, run, body FROM otlp_spans WHERE trace_id = ?');
    this.assignStmt = db.prepare('UPDATE otlp_spans SET run = ? WHERE trace_id = ? AND span_id = ?');
    this.runStmt = db.prepare('SELECT body FROM otlp_spans WHERE run = ?');
    this.hasRunStmt = db.prepare('SELECT 1 AS one FROM otlp_spans WHERE run = ? LIMIT 1');
    this.deleteRunStmt = db.prepare('DELETE FROM otlp_spans WHERE run = ?');
  }

  put(span: GenAiSpan): void {
    this.putStmt.run(span.traceId, span.spanId, JSON.stringify(span));
  }

  /** Every stored span of a trace, with the run it was last placed in ('' for a span just put). */
  spansOfTrace(traceId: string): StoredSpan[] {
    return this.traceStmt.all(traceId).map((r) => ({ span: JSON.parse(r.body) as GenAiSpan, run: r.run }));
  }

  assign(span: GenAiSpan, run: string): void {
    this.assignStmt.run(run, span.traceId, span.spanId);
  }

  spansOfRun(run: string): GenAiSpan[] {
    return this.runStmt.all(run).map((r) => JSON.parse(r.body) as GenAiSpan);
  }

  /** True when the run was made from OTLP spans (as opposed to events sent by the SDK or uploaded). */
  hasRun(run: string): boolean {
    return this.hasRunStmt.get(run) !== undefined;
  }

  /** Forgets the spans of a deleted run. */
  deleteRun(run: string): void {
    this.deleteRunStmt.run(run);
  }
}
