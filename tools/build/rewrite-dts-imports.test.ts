// The .d.ts post-build step: relative `.ts` specifiers become `.js`, everything else stays.
import { describe, expect, it } from 'vitest';
import { rewriteDtsImports } from './rewrite-dts-imports.mjs';

describe('rewriteDtsImports', () => {
  it.each([
    ["export { A } from './a.ts';", "export { A } from './a.js';"],
    ["import type { B } from '../b/c.ts';", "import type { B } from '../b/c.js';"],
    ["type X = import('./x.ts').X;", "type X = import('./x.js').X;"],
    ['export * from "./y.mts";', 'export * from "./y.mjs";'],
    ["import './side.ts';", "import './side.js';"],
  ])('rewrites %s', (input, output) => {
    expect(rewriteDtsImports(input)).toBe(output);
  });

  it.each([
    "export { Z } from 'pkg/z.ts';",
    "export * from './t.d.ts';",
    "export { J } from './j.js';",
    "const s = 'a ./x.ts in a string';",
  ])('leaves %s alone', (input) => {
    expect(rewriteDtsImports(input)).toBe(input);
  });
});
