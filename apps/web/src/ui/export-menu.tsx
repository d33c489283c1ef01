// The toolbar's Export menu: saves the open run for Perfetto UI / chrome://tracing or as format-v1
// JSONL. The file is built in the trace worker; this only shows the choices and what went wrong.
import { useEffect, useRef, useState } from 'react';
import { downloadRun } from '../actions/download-run.ts';
import type { ExportFormat } from '../model/run-export.ts';

const CHOICES: { format: ExportFormat; label: string; hint: string }[] = [
  { format: 'chrome', label: 'Chrome trace (Perfetto)', hint: 'open in ui.perfetto.dev or chrome://tracing' },
  { format: 'jsonl', label: 'JSONL (format v1)', hint: 'the run’s events, one per line' },
];

export function ExportMenu({ run }: { run: string }) {
  const menu = useRef<HTMLDetailsElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

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
    try {
      await downloadRun(run, format);
    } catch (err) {
      setError(`export failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

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
      {error && (
        <span className="export-error" role="alert" data-testid="export-error">
          {error}
        </span>
      )}
    </>
  );
}
