// Builds a tiny workspace in a temp dir that mirrors the repo's layout and passes every layering
// rule, so a test can add or replace one file to break exactly one rule.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const json = (o: unknown) => `${JSON.stringify(o, null, 2)}\n`;
const ws = 'workspace:*';

export const CLEAN_REPO: Record<string, string> = {
  'pnpm-workspace.yaml': 'packages:\n  - packages/*\n  - apps/*\n  - e2e\n\ncatalog:\n  vitest: 4.1.12\n',
  'package.json': json({ name: 'root', private: true, devDependencies: { vitest: '4.1.12' } }),

  'packages/trace-schema/package.json': json({
    name: '@causelane/trace-schema',
    exports: { '.': './src/index.ts', './testing': './src/testing/index.ts' },
  }),
  'packages/trace-schema/src/index.ts':
    "export const VERSION = 1;\nexport type { Sample } from './sample.ts';\n",
  'packages/trace-schema/src/sample.ts': 'export interface Sample {\n  v: number;\n}\n',
  'packages/trace-schema/src/testing/index.ts':
    "import { VERSION } from '../index.ts';\n\nexport const sample = { v: VERSION };\n",

  'packages/analysis/package.json': json({
    name: '@causelane/analysis',
    exports: { '.': './src/index.ts' },
    dependencies: { '@causelane/trace-schema': ws },
    devDependencies: { esbuild: '0.28.2' },
  }),
  'packages/analysis/src/index.ts': [
    "import { type Sample, VERSION } from '@causelane/trace-schema';",
    "export { rank } from './rank.ts';",
    'export const analyze = (s: Sample) => s.v === VERSION;',
    '',
  ].join('\n'),
  'packages/analysis/src/rank.ts': 'export const rank = (n: number) => n + 1;\n',
  'packages/analysis/src/index.test.ts': [
    "import { sample } from '@causelane/trace-schema/testing';",
    "import { transform } from 'esbuild';",
    "import { expect, it } from 'vitest';",
    "import { analyze } from './index.ts';",
    '',
    "it('analyzes', () => expect(analyze(sample) && transform).toBeTruthy());",
    '',
  ].join('\n'),

  'apps/collector/package.json': json({
    name: '@causelane/collector',
    exports: { '.': './src/index.ts' },
    dependencies: { '@causelane/analysis': ws, '@causelane/trace-schema': ws },
  }),
  'apps/collector/src/index.ts':
    "import { analyze } from '@causelane/analysis';\n\nexport const startCollector = () => analyze;\n",

  'apps/web/package.json': json({
    name: '@causelane/web',
    dependencies: { '@causelane/analysis': ws, react: '19.3.1', 'react-dom': '19.3.1', zustand: '5.1.0' },
    devDependencies: { vite: '8.3.8' },
  }),
  'apps/web/src/model/app-store.ts': [
    "import { createStore } from 'zustand/vanilla';",
    '',
    "export const appStore = createStore(() => ({ theme: 'dark' }));",
    'export const setTheme = (theme: string) => appStore.setState({ theme });',
    '',
  ].join('\n'),
  'apps/web/src/io/trace-worker-client.ts':
    "export const traceWorker = () => new Worker(new URL('./trace-worker.ts', import.meta.url));\n",
  'apps/web/src/io/trace-worker.ts':
    "import { analyze } from '@causelane/analysis';\n\nself.onmessage = () => analyze;\n",
  'apps/web/src/actions/theme.ts': [
    "import { traceWorker } from '../io/trace-worker-client.ts';",
    "import { appStore, setTheme } from '../model/app-store.ts';",
    '',
    'export function toggleTheme() {',
    "  setTheme(appStore.getState().theme === 'dark' ? 'light' : 'dark');",
    '  traceWorker();',
    '}',
    '',
  ].join('\n'),
  'apps/web/src/ui/app.tsx': [
    "import { Component } from 'react';",
    "import { useStore } from 'zustand';",
    "import { toggleTheme } from '../actions/theme.ts';",
    "import { appStore } from '../model/app-store.ts';",
    '',
    'export function App() {',
    '  const theme = useStore(appStore, (s) => s.theme);',
    '  const initial = appStore.getState().theme;',
    '  return <button type="button" title={initial} onClick={toggleTheme}>{theme}</button>;',
    '}',
    '',
    '// A class component writing its own state is not a store write.',
    'export class Boundary extends Component<object, { failed: boolean }> {',
    '  override componentDidCatch() {',
    '    this.setState({ failed: true });',
    '  }',
    '}',
    '',
  ].join('\n'),
  'apps/web/src/ui/app.test.tsx': "import { setTheme } from '../model/app-store.ts';\n\nsetTheme('light');\n",

  'e2e/package.json': json({
    name: '@causelane/e2e',
    devDependencies: { '@playwright/test': '1.65.1', '@causelane/collector': ws },
  }),
  'e2e/specs/smoke.spec.ts':
    "import { test } from '@playwright/test';\nimport { startCollector } from '@causelane/collector';\n\ntest('starts', startCollector);\n",
};

/** Writes CLEAN_REPO plus `changes` (a null value deletes a file) into a fresh temp dir. */
export function syntheticRepo(changes: Record<string, string | null> = {}): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'layering-'));
  for (const [file, text] of Object.entries({ ...CLEAN_REPO, ...changes })) {
    if (text === null) continue;
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
