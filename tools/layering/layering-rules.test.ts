// Each layering rule, broken on purpose in a tiny synthetic workspace: the checker must name the
// file, the line and the rule, and nothing else (the clean workspace reports nothing).
import { afterEach, describe, expect, it } from 'vitest';
import { checkLayering, formatViolation } from './check-layering.ts';
import { type LayeringPolicy, POLICY } from './layering-rules.ts';
import { syntheticRepo } from './testing/synthetic-repo.ts';

const POLICY_NO_ALLOWLIST: LayeringPolicy = { ...POLICY, sizeAllowlist: {} };
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** `file:line rule` for every violation in CLEAN_REPO + changes. */
function breaks(changes: Record<string, string | null>, policy = POLICY_NO_ALLOWLIST): string[] {
  const repo = syntheticRepo(changes);
  cleanups.push(repo.remove);
  return checkLayering(repo.root, policy).violations.map((v) => `${v.file}:${v.line} ${v.rule}`);
}

const A = 'packages/analysis/src';
const WEB = 'apps/web/src';

describe('layering rules on a synthetic workspace', () => {
  it('reports nothing for the clean workspace', () => {
    const repo = syntheticRepo();
    cleanups.push(repo.remove);
    const report = checkLayering(repo.root, POLICY_NO_ALLOWLIST);
    expect(report.violations.map(formatViolation)).toEqual([]);
    expect(report.files).toBe(14);
  });

  it('formats a violation as file:line: what, which breaks rule …', () => {
    const repo = syntheticRepo({
      [`${A}/bad.ts`]: "\nexport * from '../../../apps/collector/src/index.ts';\n",
    });
    cleanups.push(repo.remove);
    expect(checkLayering(repo.root, POLICY_NO_ALLOWLIST).violations.map(formatViolation)).toEqual([
      `${A}/bad.ts:2: imports ../../../apps/collector/src/index.ts, which breaks rule package-imports-app ` +
        '(packages/* sit below the apps; no package imports an app or the e2e suite): apps/collector/src/index.ts',
    ]);
  });

  it.each([
    ['an app, relatively', "import '../../../apps/web/src/model/app-store.ts';\n"],
    ['an app, dynamically', "export const load = () => import('../../../apps/collector/src/index.ts');\n"],
    ['the e2e folder', "import type { X } from '../../../e2e/specs/smoke.spec.ts';\n"],
  ])('package-imports-app: a package importing %s', (_, text) => {
    expect(breaks({ [`${A}/bad.ts`]: text })).toEqual([`${A}/bad.ts:1 package-imports-app`]);
  });

  it.each([
    ['react', "import { useState } from 'react';\n"],
    ['zustand (React bindings)', "import { create } from 'zustand';\n"],
    ['react-dom/client', "export { createRoot } from 'react-dom/client';\n"],
    ['ui/', "import { App } from '../ui/app.tsx';\n"],
    ['io/', "import type { traceWorker } from '../io/trace-worker-client.ts';\n"],
    ['actions/', "import { toggleTheme } from '../actions/theme.ts';\n"],
  ])('web-model-pure: model/ importing %s', (_, text) => {
    expect(breaks({ [`${WEB}/model/bad.ts`]: text })).toEqual([`${WEB}/model/bad.ts:1 web-model-pure`]);
  });

  it('web-io-not-ui: io/ importing ui/', () => {
    expect(breaks({ [`${WEB}/io/bad.ts`]: "import { App } from '../ui/app.tsx';\n" })).toEqual([
      `${WEB}/io/bad.ts:1 web-io-not-ui`,
    ]);
  });

  it.each([
    ['the worker client', "import { traceWorker } from '../io/trace-worker-client.ts';\n"],
    ['the worker itself', "const w = new Worker(new URL('../io/trace-worker.ts', import.meta.url));\n"],
  ])('web-ui-not-worker: ui/ importing %s', (_, text) => {
    expect(breaks({ [`${WEB}/ui/bad.tsx`]: text })).toEqual([`${WEB}/ui/bad.tsx:1 web-ui-not-worker`]);
  });

  it('web-not-server: the web app importing the collector', () => {
    const pkg = `{"name":"@causelane/web","dependencies":{"@causelane/collector":"workspace:*","react":"1","zustand":"1","@causelane/analysis":"workspace:*"}}`;
    const bad = { 'apps/web/package.json': pkg, [`${WEB}/io/bad.ts`]: "import '@causelane/collector';\n" };
    expect(breaks(bad)).toEqual([`${WEB}/io/bad.ts:1 web-not-server`]);
  });

  it.each([
    [
      'calls store.setState',
      "import { appStore } from '../model/app-store.ts';\n\nappStore.setState({ theme: 'x' });\n",
      3,
    ],
    [
      'passes store.setState around',
      "import { appStore } from '../model/app-store.ts';\n\nexport const set = appStore.setState;\n",
      3,
    ],
    [
      'calls a setter from getState()',
      "import { appStore } from '../model/app-store.ts';\n\nappStore.getState().setWindow(1);\n",
      3,
    ],
    [
      'destructures a setter',
      "import { appStore } from '../model/app-store.ts';\n\nconst { putRuns } = appStore.getState();\n",
      3,
    ],
    ['imports a store setter', "import { setTheme } from '../model/app-store.ts';\n\nsetTheme('x');\n", 1],
  ])('web-ui-no-store-write: ui/ that %s', (_, text, line) => {
    expect(breaks({ [`${WEB}/ui/bad.tsx`]: text })).toEqual([
      `${WEB}/ui/bad.tsx:${line} web-ui-no-store-write`,
    ]);
  });

  it('no-cycles: reports the cycle path once, at the first file', () => {
    const repo = syntheticRepo({
      [`${A}/a.ts`]: "import { b } from './b.ts';\nexport const a = () => b;\n",
      [`${A}/b.ts`]: "import { c } from './c.ts';\nexport const b = 1;\n",
      [`${A}/c.ts`]: "import type { a } from './a.ts';\nexport const c: typeof a | 2 = 2;\n",
    });
    cleanups.push(repo.remove);
    const { violations } = checkLayering(repo.root, POLICY_NO_ALLOWLIST);
    expect(violations.map((v) => [v.file, v.line, v.rule, v.detail])).toEqual([
      [`${A}/a.ts`, 1, 'no-cycles', `cycle ${A}/a.ts -> ${A}/b.ts -> ${A}/c.ts -> ${A}/a.ts`],
    ]);
  });

  it('no-cycles: a file importing itself', () => {
    expect(breaks({ [`${A}/self.ts`]: "export * from './self.ts';\n" })).toEqual([
      `${A}/self.ts:1 no-cycles`,
    ]);
  });

  it.each([
    ['a value import', "import lodash from 'lodash';\n"],
    ['a type-only import', "import type { Chunk } from 'lodash/chunk';\n"],
    ['a test file using an undeclared package', "import lodash from 'lodash';\n", 'bad.test.ts'],
  ])('declared-dependency: %s of an undeclared package', (_, text, name = 'bad.ts') => {
    expect(breaks({ [`${A}/${name}`]: text })).toEqual([`${A}/${name}:1 declared-dependency`]);
  });

  it('declared-dependency: root devDependencies serve tests, not production', () => {
    expect(breaks({ [`${A}/bad.ts`]: "import { it } from 'vitest';\n" })).toEqual([
      `${A}/bad.ts:1 declared-dependency`,
    ]);
  });

  it('dev-dependency-in-production: production code using a devDependency; tests may', () => {
    const text = "import { transform } from 'esbuild';\nexport const t = transform;\n";
    expect(
      breaks({ [`${A}/bad.ts`]: text, [`${A}/ok.test.ts`]: text, [`${A}/testing/ok.ts`]: text }),
    ).toEqual([`${A}/bad.ts:1 dev-dependency-in-production`]);
  });

  it.each([
    ['a testing subpath', "import { sample } from '@causelane/trace-schema/testing';\n"],
    ['a src/testing/ file', "export { sample } from '../../trace-schema/src/testing/index.ts';\n"],
  ])('no-testing-in-production: production code importing %s', (_, text) => {
    const found = breaks({ [`${A}/bad.ts`]: text });
    expect(found).toContain(`${A}/bad.ts:1 no-testing-in-production`);
    expect(found.filter((f) => !f.endsWith('cross-package-relative'))).toEqual([
      `${A}/bad.ts:1 no-testing-in-production`,
    ]);
  });

  it('package-layers: a package importing a package above it', () => {
    const pkg =
      '{"name":"@causelane/trace-schema","exports":{".":"./src/index.ts","./testing":"./src/testing/index.ts"},"dependencies":{"@causelane/analysis":"workspace:*"}}';
    const bad = {
      'packages/trace-schema/package.json': pkg,
      'packages/trace-schema/src/bad.ts': "import '@causelane/analysis';\n",
    };
    expect(breaks(bad)).toEqual(['packages/trace-schema/src/bad.ts:1 package-layers']);
  });

  it('cross-package-relative: reaching into another package by path', () => {
    expect(
      breaks({ [`${A}/bad.ts`]: "export { VERSION } from '../../trace-schema/src/index.ts';\n" }),
    ).toEqual([`${A}/bad.ts:1 cross-package-relative`]);
  });

  it('unresolved-import: a relative import of a missing file', () => {
    expect(breaks({ [`${A}/bad.ts`]: "import { gone } from './gone.ts';\n" })).toEqual([
      `${A}/bad.ts:1 unresolved-import`,
    ]);
  });

  it('file-size: over the limit without a reason; allowlisted with one; stale entries', () => {
    const big = 'export const x = 1;\n'.repeat(POLICY.maxLines + 1);
    const exact = 'export const x = 1;\n'.repeat(POLICY.maxLines);
    expect(breaks({ [`${A}/big.ts`]: big, [`${A}/exact.ts`]: exact })).toEqual([`${A}/big.ts:301 file-size`]);
    const allow = (sizeAllowlist: Record<string, string>) => ({ ...POLICY, sizeAllowlist });
    expect(breaks({ [`${A}/big.ts`]: big }, allow({ [`${A}/big.ts`]: 'one generated table' }))).toEqual([]);
    expect(breaks({ [`${A}/big.ts`]: big }, allow({ [`${A}/big.ts`]: ' ' }))).toEqual([
      `${A}/big.ts:1 stale-allowlist`,
    ]);
    expect(breaks({ [`${A}/exact.ts`]: exact }, allow({ [`${A}/exact.ts`]: 'was big' }))).toEqual([
      `${A}/exact.ts:1 stale-allowlist`,
    ]);
    expect(breaks({}, allow({ [`${A}/gone.ts`]: 'was big' }))).toEqual([`${A}/gone.ts:1 stale-allowlist`]);
  });
});
