#!/usr/bin/env node
// The `causelane` command. Runs the esbuild bundle of the CLI, rebuilding it first when anything it
// was made from changed (about a second), so a fresh clone and an edited tree both just work. Where
// the bundle cannot be written (a read-only install), it runs an existing bundle, or the TypeScript
// sources through tsx.
import { BUNDLE, bundleCli, bundleIsFresh } from '../scripts/bundle-cli.mjs';

let entry = BUNDLE;
if (!bundleIsFresh()) {
  try {
    await bundleCli();
  } catch (err) {
    const code = /** @type {NodeJS.ErrnoException} */ (err).code;
    if (!['EACCES', 'EROFS', 'EPERM'].includes(code ?? '')) throw err;
    const { existsSync } = await import('node:fs');
    if (existsSync(BUNDLE)) {
      process.stderr.write(`causelane: cannot rebuild ${BUNDLE} (${code}); running the existing bundle\n`);
    } else {
      const { register } = await import('tsx/esm/api');
      register();
      entry = new URL('../src/cli.ts', import.meta.url).href;
    }
  }
}
await import(entry);
