// The toolbar's search over the active run's calls (tool names, call ids, args, results, errors):
// matches are outlined on the timeline, Enter goes to the next (Shift+Enter the previous), and the
// count says where you are. The search runs in the trace worker.
import { useEffect, useState } from 'react';
import { clearSearch, searchCalls, stepSearch } from '../actions/search.ts';
import { jumpToTurn } from '../actions/selection.ts';
import { useApp } from './use-app.ts';

export function SearchBox() {
  const run = useApp((s) => s.activeRun);
  const count = useApp((s) => s.search.lanes.length);
  const current = useApp((s) => s.search.current);
  const busy = useApp((s) => s.search.busy);
  const query = useApp((s) => s.search.query);
  const [text, setText] = useState(query);
  useEffect(() => setText(query), [query]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new run is searched afresh
  useEffect(() => {
    if (text.trim() !== '') void searchCalls(text);
  }, [run]);
  useEffect(() => {
    if (text === query) return;
    const timer = setTimeout(() => void searchCalls(text), 150);
    return () => clearTimeout(timer);
  }, [text, query]);
  if (!run) return null;
  const status =
    text.trim() === ''
      ? ''
      : busy
        ? 'searching…'
        : count === 0
          ? 'no match'
          : `${current + 1 > 0 ? current + 1 : '–'} of ${count}`;
  return (
    <search className="search-box">
      <input
        type="search"
        placeholder="Search calls, ids, args, results…"
        aria-label="Search calls"
        data-testid="search-input"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            if (text !== query) void searchCalls(text).then(() => stepSearch(e.shiftKey ? -1 : 1));
            else stepSearch(e.shiftKey ? -1 : 1);
          } else if (e.key === 'Escape' && text !== '') {
            e.stopPropagation();
            setText('');
            clearSearch();
          }
        }}
      />
      <span className="muted search-count" data-testid="search-count" aria-live="polite">
        {status}
      </span>
    </search>
  );
}

export function TurnJump() {
  const run = useApp((s) => s.activeRun);
  const turns = useApp((s) => (s.activeRun ? (s.runs[s.activeRun]?.turnCount ?? 0) : 0));
  const [text, setText] = useState('');
  const [bad, setBad] = useState(false);
  if (!run || turns === 0) return null;
  return (
    <form
      className="turn-jump"
      onSubmit={(e) => {
        e.preventDefault();
        setBad(!jumpToTurn(Number(text)));
      }}
    >
      <label>
        Turn{' '}
        <input
          type="number"
          min={1}
          inputMode="numeric"
          aria-label="Jump to turn"
          aria-invalid={bad}
          title={bad ? `No turn ${text} in this run` : 'Jump to turn N (Enter)'}
          data-testid="turn-input"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setBad(false);
          }}
        />
      </label>
    </form>
  );
}
