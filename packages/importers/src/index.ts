// @causelane/importers: other tools' traces (OTLP GenAI spans, message histories) to format v1,
// and format v1 to other tools (Chrome Trace Event JSON, JSONL). Pure TypeScript: runs in browsers.
export * from './anthropic-messages.ts';
export * from './chrome-trace.ts';
export * from './event-order.ts';
export * from './genai-span.ts';
export * from './github-annotations.ts';
export * from './history-to-events.ts';
export * from './import-error.ts';
export * from './import-trace.ts';
export * from './incremental-span-importer.ts';
export * from './junit-report.ts';
export * from './openai-chat.ts';
export * from './openai-responses.ts';
export * from './otlp-json.ts';
export * from './spans-to-events.ts';
