// The layering policy holds for the real repo: zero violations, checked in well under 10 s.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLayering, formatViolation } from './check-layering.ts';
import { RULE_DESCRIPTIONS } from './layering-rules.ts';

const REPO = resolve(import.meta.dirname, '../..');

describe('layering of this repo', () => {
  it('breaks no rule in layering-rules.ts', () => {
    const report = checkLayering(REPO);
    // Each line reads `file:line: imports X, which breaks rule …`: fix the import, not the rule.
    expect(report.violations.map(formatViolation)).toEqual([]);
    expect(report.files).toBeGreaterThan(150);
    expect(report.imports).toBeGreaterThan(500);
  });

  it('docs/architecture.md lists every rule the checker enforces', () => {
    const doc = readFileSync(resolve(REPO, 'docs/architecture.md'), 'utf8');
    const missing = Object.keys(RULE_DESCRIPTIONS).filter((id) => !doc.includes(`| \`${id}\``));
    expect(missing).toEqual([]);
  });
});
