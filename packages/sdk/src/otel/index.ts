// @causelane/sdk/otel: stream the GenAI spans of an OpenTelemetry-instrumented agent to Causelane.
export { CauselaneSpanProcessor, type CauselaneSpanProcessorOptions } from './causelane-span-processor.ts';
