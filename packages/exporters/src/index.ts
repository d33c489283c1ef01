// @causelane/exporters: format v1 to other tools' formats (Chrome Trace Event JSON for Perfetto UI
// and chrome://tracing), with anomalies from @causelane/analysis. Pure TypeScript: runs in browsers.
// Format-v1 JSONL itself is written by trace-schema's toJsonl, the inverse of its reader.
export * from './chrome-trace.ts';
