// The scanner finds every way a file can name another module, and tells type-only imports apart.
import { describe, expect, it } from 'vitest';
import { scanSource } from './scan-imports.ts';

const SOURCE = `import a from 'a';
import type { B } from 'b';
import { type C, type D } from 'c';
import { type E, f } from 'e';
import * as g from 'g';
import 'side-effect';
export * from 'h';
export type { I } from 'i';
export { j as k } from 'j';
import l = require('l');
const m = await import('m');
const n = require('n');
let o: import('o').O;
const worker = new Worker(new URL('./worker.ts', import.meta.url));
const notAnImport = new URL('https://example.com');
`;

describe('scanSource', () => {
  it('lists static, re-export, require, dynamic, import-type and worker-url specifiers', () => {
    const { imports, lines } = scanSource('x.ts', SOURCE);
    expect(imports.map((i) => [i.specifier, i.line, i.kind, i.typeOnly])).toEqual([
      ['a', 1, 'static', false],
      ['b', 2, 'static', true],
      ['c', 3, 'static', true],
      ['e', 4, 'static', false],
      ['g', 5, 'static', false],
      ['side-effect', 6, 'static', false],
      ['h', 7, 'static', false],
      ['i', 8, 'static', true],
      ['j', 9, 'static', false],
      ['l', 10, 'require', false],
      ['m', 11, 'dynamic', false],
      ['n', 12, 'require', false],
      ['o', 13, 'import-type', true],
      ['./worker.ts', 14, 'worker-url', false],
    ]);
    expect(imports.find((i) => i.specifier === 'j')!.names).toEqual(['j']);
    expect(imports.find((i) => i.specifier === 'e')!.names).toEqual(['E', 'f']);
    expect(lines).toBe(15);
  });

  it('parses JSX and notes store writes but not a component writing its own state', () => {
    const tsx = `const el = <div onClick={() => store.setState({ a: 1 })} />;
store.getState().setWindow(2);
const { putRuns, runs } = store.getState();
class C { go() { this.setState({}); } }
`;
    const { memberWrites } = scanSource('x.tsx', tsx);
    expect(memberWrites.map((w) => [w.line, w.name])).toEqual([
      [1, 'setState'],
      [2, 'setWindow'],
      [3, 'putRuns'],
      [3, 'runs'],
    ]);
  });
});
