// Command line for the layering check (`pnpm tsx tools/layering/cli.ts [repo]`): prints each
// violation as `file:line: …` and exits 1 if there is any. `pnpm test` runs the same check.
import { resolve } from 'node:path';
import { checkLayering, formatViolation } from './check-layering.ts';

const root = resolve(process.argv[2] ?? resolve(import.meta.dirname, '../..'));
const started = performance.now();
const report = checkLayering(root);
for (const v of report.violations) console.log(formatViolation(v));
const ms = Math.round(performance.now() - started);
console.log(
  `${report.files} files, ${report.imports} imports, ${report.violations.length} violations, ${ms} ms`,
);
process.exitCode = report.violations.length > 0 ? 1 : 0;
