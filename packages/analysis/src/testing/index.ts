// `@causelane/analysis/testing`: test support only (synthetic traces with injected faults, a fluent
// builder for hand-written ones). Tests, benchmarks and e2e import it; production code never does.

export * from './arbitrary-events.ts';
export * from './bench-shapes.ts';
export * from './synth.ts';
export * from './trace-builder.ts';
