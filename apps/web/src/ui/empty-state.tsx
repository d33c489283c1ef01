// What a new user sees before any trace is open: how to get one.
import { OpenFileButton } from './open-trace.tsx';
import { ScenarioPicker } from './scenario-compare.tsx';
import { useApp } from './use-app.ts';

export function EmptyState() {
  const collector = useApp((s) => s.collector);
  const hasScenarios = useApp((s) => s.scenarios.length > 0);
  return (
    <div className="empty-state" data-testid="empty-state">
      <h1>See the concurrency bugs in your agent's parallel tool calls</h1>
      <ol>
        <li>
          <strong>Try a scenario.</strong>{' '}
          {collector === 'online' && hasScenarios ? (
            <>Run a teaching scenario naive and causal side by side and watch both live:</>
          ) : (
            <>Start the collector, then reload this page:</>
          )}
          {collector === 'online' && hasScenarios ? <ScenarioPicker /> : <pre>pnpm causelane serve</pre>}
        </li>
        <li>
          <strong>Stream your own agent</strong>: start the collector, give your tracer the SDK's socket.io
          sink, then pick the run on the left as it streams:
          <pre>
            {
              'pnpm causelane serve --port 4800\n// in your agent:\nnew SocketIoSink({ url: "http://127.0.0.1:4800" })'
            }
          </pre>
        </li>
        <li>
          <strong>Open a trace file</strong> (JSONL): drop it anywhere on this page, use <OpenFileButton />,
          or link one as <code>?src=URL</code>.
        </li>
      </ol>
    </div>
  );
}
