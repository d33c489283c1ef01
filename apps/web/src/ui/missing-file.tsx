// A reload of a page opened from a local file: the browser keeps no way to read that file again, so
// say so plainly and offer to reopen it (as Perfetto does), instead of showing an empty fake run.
import { useRef } from 'react';
import { openTrace } from '../actions/open-trace.ts';
import { useApp } from './use-app.ts';

export function MissingFileView() {
  const missing = useApp((s) => s.missingFile);
  const input = useRef<HTMLInputElement>(null);
  if (!missing) return null;
  return (
    <div className="empty-state missing-file" data-testid="missing-file" role="status">
      <h1>The file {missing.name} is gone</h1>
      <p>
        This page showed <strong>{missing.name}</strong>, opened from your computer. Browsers do not let a
        page read a local file again after a reload, so it cannot be shown until you open it once more. The
        view
        {missing.run ? ` (run ${missing.run}` : ''}
        {missing.run && missing.call ? `, call ${missing.call}` : ''}
        {missing.run ? ')' : ''} comes back as it was.
      </p>
      <button
        type="button"
        className="primary"
        data-testid="reopen-file"
        onClick={() => input.current?.click()}
      >
        Reopen {missing.name}…
      </button>
      <input
        ref={input}
        type="file"
        accept=".jsonl,.json,.ndjson,.txt,application/x-ndjson"
        hidden
        data-testid="reopen-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void openTrace({ type: 'file', file });
          e.target.value = '';
        }}
      />
    </div>
  );
}
