// @causelane/importers: other tools' traces (OTLP GenAI spans, message histories) to format v1,
// with one dispatcher (import-trace.ts) that detects the format. Depends on trace-schema alone and
// runs in browsers; format v1 to other tools lives in @causelane/exporters.
export * from './anthropic-messages.ts';
export * from './event-order.ts';
export * from './genai-span.ts';
export * from './history-to-events.ts';
export * from './import-error.ts';
export * from './import-trace.ts';
export * from './import-trace-bytes.ts';
export * from './incremental-span-importer.ts';
export * from './openai-chat.ts';
export * from './openai-responses.ts';
export * from './otlp-json.ts';
export * from './otlp-json-lines.ts';
export * from './otlp-protobuf.ts';
export { heldRunJoinedBy } from './run-placement.ts';
export * from './spans-to-events.ts';
