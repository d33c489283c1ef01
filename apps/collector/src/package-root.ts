// Where the collector package lives on disk, found by walking up from this module, so paths stay
// right both from src/ (tsx, tests) and from the bundled dist/causelane.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findCollectorRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === '@causelane/collector') return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the @causelane/collector package above ${from}`);
  }
}

export const COLLECTOR_ROOT = findCollectorRoot(dirname(fileURLToPath(import.meta.url)));
