// Writes docs/trace-format-v1.schema.json from the TypeBox definitions (a test keeps it in sync).
import { writeFileSync } from 'node:fs';
import { traceEventJsonSchema } from '../src/events.ts';

const out = new URL('../../../docs/trace-format-v1.schema.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(traceEventJsonSchema, null, 2)}\n`);
console.log(`wrote ${out.pathname}`);
