// The toolbar's Export menu: saves the open run for Perfetto UI / chrome://tracing or as format-v1
// JSONL. The file is built in the trace worker; this shows the choices, the progress (events done
// of the run's total) with a Cancel button, and what went wrong.
import { useEffect, useRef, useState } from 'react';
import { type DownloadJob, startDownload } from '../actions/download-run.ts';
import type { ExportFormat } from '../model/run-export.ts';

const CHOICES: { format: ExportFormat; label: string; hint: string }[] = [
  { format: 'chrome', label: 'Chrome trace (Perfetto)', hint: 'open in ui.perfetto.dev or chrome://tracing' },
  { format: 'jsonl', label: 'JSONL (format v1)', hint: 'the run’s events, one per line' },
];

export function ExportMenu({ run }: { run: string }) {
  const menu = useRef<HTMLDetailsElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number | null } | null>(null);
  const job = useRef<DownloadJob | null>(null);
  // Leaving the run (or the page) stops its export.
  useEffect(() => () => job.current?.cancel(), []);

  useEffect(() => {
    // A click elsewhere closes the menu, as a native menu would.
    const close = (e: PointerEvent) => {
      if (menu.current?.open && !menu.current.contains(e.target as Node)) menu.current.open = false;
    };
    window.addEventListener('pointerdown', close);
    return () => window.removeEventListener('pointerdown', close);
  }, []);

  const save = async (format: ExportFormat) => {
    if (menu.current) menu.current.open = false;
    setBusy(true);
    setError(null);
    setProgress({ done: 0, total: null });
    const j = startDownload(run, format, (done, total) => setProgress({ done, total }));
    job.current = j;
    try {
      await j.done;
    } catch (err) {
      const message = (err as Error).message;
      setError(message === 'export cancelled' ? 'export cancelled' : `export failed: ${message}`);
    } finally {
      if (job.current === j) job.current = null;
      setBusy(false);
      setProgress(null);
    }
  };
  const pct = progress?.total ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : null;

  return (
    <>
      <details
        ref={menu}
        className="menu"
        data-testid="export-menu"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && menu.current) menu.current.open = false;
        }}
      >
        <summary aria-busy={busy} title={`export run ${run}`}>
          {busy ? 'Exporting…' : 'Export'}
        </summary>
        <div className="menu-items">
          {CHOICES.map((c) => (
            <button
              key={c.format}
              type="button"
              title={c.hint}
              disabled={busy}
              onClick={() => void save(c.format)}
              data-testid={`export-${c.format}`}
            >
              {c.label}
            </button>
          ))}
        </div>
      </details>
      {busy && (
        <span className="export-progress" data-testid="export-progress" role="status">
          <progress max={100} value={pct ?? undefined} aria-label="export progress" />
          <span data-testid="export-percent">{pct === null ? 'starting…' : `${pct}%`}</span>
          <button type="button" onClick={() => job.current?.cancel()} data-testid="export-cancel">
            Cancel
          </button>
        </span>
      )}
      {error && (
        <span className="export-error" role="alert" data-testid="export-error">
          {error}
        </span>
      )}
    </>
  );
}
