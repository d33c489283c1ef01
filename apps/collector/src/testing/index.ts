// The `@causelane/collector/testing` entry: real collector processes and in-process collectors for
// tests and benchmarks, never imported by production code.

export {
  type CollectorProcess,
  freePort,
  type SpawnCollectorOptions,
  spawnCollector,
} from './collector-process.ts';
export { CLI_BIN, type CliResult, EXAMPLES, REPO_ROOT, runCli } from './run-cli.ts';
export {
  connected,
  type IngestClient,
  sampleRun,
  startTestCollector,
  type TestCollector,
  type UiClient,
} from './test-collector.ts';
