// @causelane/analysis: the happens-before model of a trace and the anomaly rules. Pure TypeScript.
export * from './analyze.ts';
export * from './anomaly.ts';
export * from './explain.ts';
export * from './incremental-analysis.ts';
export * from './model.ts';
export * from './rules.ts';
export * from './state-rules.ts';
