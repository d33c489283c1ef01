// Test support: the text, analyzed columns and model of a public example, read from ../shared at
// test time (Node only; production code never imports testing/).
import { readFileSync } from 'node:fs';
import { analyzeModel, buildRunModel, type RunModel } from '@causelane/analysis';
import { readTraceText } from '@causelane/trace-schema';
import { buildTimelineColumns, type TimelineColumns } from '../model/timeline-columns.ts';

export function exampleText(name: string): string {
  return readFileSync(new URL(`../../../../../shared/examples/${name}.jsonl`, import.meta.url), 'utf8');
}

export function loadExample(name: string): { model: RunModel; cols: TimelineColumns } {
  const text = exampleText(name);
  const [run, events] = [...readTraceText(text).runs][0]!;
  const model = buildRunModel(run, events);
  return { model, cols: buildTimelineColumns(model, analyzeModel(model)) };
}
