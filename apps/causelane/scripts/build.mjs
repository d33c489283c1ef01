// Builds the published `causelane` package: the CLI and server as one esbuild bundle in
// dist/causelane.mjs (native better-sqlite3 stays an npm dependency) and the built web app copied
// from apps/web/dist into dist/web, where the bundled server looks for it (collector's package-root.ts).
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CLI_BUILD_OPTIONS } from '../../collector/scripts/bundle-cli.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const webDist = join(root, '..', 'web', 'dist');
const dist = join(root, 'dist');

if (!existsSync(join(webDist, 'index.html'))) {
  console.error(
    `causelane build: ${webDist}/index.html is missing; run \`pnpm --filter @causelane/web build\` first`,
  );
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);
await build({ ...CLI_BUILD_OPTIONS, outfile: join(dist, 'causelane.mjs'), legalComments: 'eof' });
// Source maps of the web app stay out of the package: they are 3x the app and only help its developers.
cpSync(webDist, join(dist, 'web'), { recursive: true, filter: (src) => !src.endsWith('.map') });
console.log(`wrote ${join(dist, 'causelane.mjs')} and ${join(dist, 'web')}`);
