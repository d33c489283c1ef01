// What a new user sees before any trace is open: open a public example in one click, run a
// scenario (the one scenario picker on screen), stream their own agent (snippets carry this page's
// collector URL and the install line), or open a file.
import { openUrl } from '../actions/open-trace.ts';
import { OpenFileButton } from './open-trace.tsx';
import { ScenarioPicker } from './scenario-compare.tsx';
import { useApp } from './use-app.ts';

export function agentSnippet(origin: string): string {
  return [
    'npm install @causelane/sdk',
    '',
    '// in your agent:',
    "import { Tracer } from '@causelane/sdk';",
    "import { SocketIoSink } from '@causelane/sdk/socketio';",
    `const tracer = new Tracer({ sinks: [new SocketIoSink({ url: '${origin}' })] });`,
  ].join('\n');
}

export function EmptyState() {
  const collector = useApp((s) => s.collector);
  const hasScenarios = useApp((s) => s.scenarios.length > 0);
  const examples = useApp((s) => s.examples);
  const origin = window.location.origin;
  return (
    <div className="empty-state" data-testid="empty-state">
      <h1>See the concurrency bugs in your agent's parallel tool calls</h1>
      <ol>
        {examples.length > 0 && (
          <li>
            <strong>Open an example</strong>, a short trace with a known bug:
            <div className="example-buttons">
              {examples.map((ex) => (
                <button
                  key={ex.name}
                  type="button"
                  data-testid="open-example"
                  data-example={ex.name}
                  onClick={() => void openUrl(ex.url)}
                >
                  Open an example: {ex.name}
                </button>
              ))}
            </div>
          </li>
        )}
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
          <strong>Stream your own agent</strong> to this collector, then pick the run on the left as it
          streams:
          <pre data-testid="agent-snippet">{agentSnippet(origin)}</pre>
        </li>
        <li>
          <strong>Open a trace file</strong> (JSONL): drop it anywhere on this page, use <OpenFileButton />,
          or link one as <code>?src=URL</code>.
        </li>
      </ol>
    </div>
  );
}
