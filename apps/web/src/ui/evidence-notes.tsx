// What the active run's trace could not show (importers' evidence notes: no tool spans, no call
// ids, no messages), above the anomaly list, so a clean list is read as "clean as far as the trace
// shows". Notes are trace content: rendered as text nodes only.
import { useApp } from './use-app.ts';

const NO_NOTES: readonly string[] = [];

export function EvidenceNotes({ run }: { run: string }) {
  const notes = useApp((s) => s.runs[run]?.evidence ?? NO_NOTES);
  if (notes.length === 0) return null;
  return (
    <section
      className="panel evidence-notes"
      aria-label="What this trace cannot show"
      data-testid="evidence-notes"
    >
      <header>
        <strong>What this trace cannot show</strong>
        <span className="muted">
          {notes.length} note{notes.length === 1 ? '' : 's'}
        </span>
      </header>
      <ul className="muted">
        {notes.map((note, i) => (
          // Notes may repeat; their position is their identity.
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list, replaced whole
          <li key={i} data-testid="evidence-note">
            {note}
          </li>
        ))}
      </ul>
      <p className="muted">Anomalies are reported only where the events prove them.</p>
    </section>
  );
}
