// Ways to open a trace: a file picker button, drag and drop anywhere on the page, and a progress bar
// and error list while and after loading.
import { useEffect, useRef, useState } from 'react';
import { openTrace } from '../actions/open-trace.ts';
import { useApp } from './use-app.ts';

export function OpenFileButton() {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" onClick={() => input.current?.click()} data-testid="open-file">
        Open trace…
      </button>
      <input
        ref={input}
        type="file"
        accept=".jsonl,.json,.ndjson,.txt,application/x-ndjson"
        hidden
        data-testid="file-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void openTrace({ type: 'file', file });
          e.target.value = '';
        }}
      />
    </>
  );
}

export function DropZone() {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      depth++;
      setOver(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overFn = (e: DragEvent) => e.preventDefault();
    const drop = (e: DragEvent) => {
      e.preventDefault();
      depth = 0;
      setOver(false);
      const file = e.dataTransfer?.files[0];
      if (file) void openTrace({ type: 'file', file });
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overFn);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return over ? <div className="drop-overlay">Drop a JSONL trace to open it</div> : null;
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

export function LoadStatus() {
  const loading = useApp((s) => s.loading);
  const error = useApp((s) => s.loadError);
  if (loading) {
    const pct = loading.total ? Math.min(100, (loading.bytes / loading.total) * 100) : null;
    return (
      <div className="load-status" role="status" data-testid="load-progress">
        Loading {loading.label}: {mb(loading.bytes)}
        {loading.total ? ` of ${mb(loading.total)}` : ''}
        <progress max={100} value={pct ?? undefined} />
      </div>
    );
  }
  if (error) {
    return (
      <div className="load-error" role="alert" data-testid="load-error">
        <strong>{error.message}</strong>
        {error.details.length > 0 && (
          <ul>
            {error.details.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return null;
}
