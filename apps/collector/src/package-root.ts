// Where the collector lives on disk and where its web app is, found by walking up from this module:
// from src/ (tsx, tests) and dist/causelane.mjs in the workspace, and from the published package.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace package, and the published one (apps/causelane) whose bundle carries the web app. */
const NAMES = ['@causelane/collector', 'causelane'];

function findPackageRoot(from: string): { dir: string; name: string } {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    const name = existsSync(pkg) ? JSON.parse(readFileSync(pkg, 'utf8')).name : undefined;
    if (NAMES.includes(name)) return { dir, name };
    if (dirname(dir) === dir) throw new Error(`cannot find the ${NAMES.join(' or ')} package above ${from}`);
  }
}

const found = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

export const COLLECTOR_ROOT = found.dir;

/** The built web app: apps/web/dist in the workspace, dist/web inside the published package. */
export const WEB_DIST =
  found.name === 'causelane' ? join(found.dir, 'dist', 'web') : join(found.dir, '..', 'web', 'dist');
