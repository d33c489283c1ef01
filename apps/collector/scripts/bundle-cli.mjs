// Bundles the CLI (and the workspace packages it uses) into dist/causelane.mjs with esbuild, so it
// starts in plain Node: one file instead of ~1,000 modules through a TypeScript loader (0.2 s and
// 70 MB instead of 2.3 s and 140 MB for `analyze` on a small file). bin/causelane.mjs rebuilds it
// whenever anything that went into it changed, so it is never stale.
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const self = fileURLToPath(import.meta.url);
const root = dirname(dirname(self));
const workspace = join(root, '..', '..');
const dist = join(root, 'dist');
export const BUNDLE = join(dist, 'causelane.mjs');
/** Every file the bundle was made from (esbuild's metafile: sources and node_modules alike), with
 * the mtime and size it had, plus what shapes the build itself. */
const INPUTS = join(dist, 'causelane.inputs.json');
const BUILD_FILES = [self, join(workspace, 'pnpm-lock.yaml'), join(workspace, 'tsconfig.base.json')];

/** The esbuild options of the CLI bundle, shared with the published `causelane` package's build
 * (apps/causelane/scripts/build.mjs), so both bundles are made the same way. */
export const CLI_BUILD_OPTIONS = {
  entryPoints: [join(root, 'src', 'cli.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Native or optional modules load from node_modules at run time.
  external: ['better-sqlite3', 'bufferutil', 'utf-8-validate'],
  banner: {
    js: "import { createRequire as __causelaneRequire } from 'node:module'; const require = __causelaneRequire(import.meta.url);",
  },
  logLevel: 'warning',
};

function stamp(file) {
  try {
    const s = statSync(file);
    return [s.mtimeMs, s.size];
  } catch {
    return null;
  }
}

/** Fresh when the bundle exists and every recorded input still has the same mtime and size. */
export function bundleIsFresh() {
  let recorded;
  try {
    statSync(BUNDLE);
    recorded = JSON.parse(readFileSync(INPUTS, 'utf8'));
  } catch {
    return false;
  }
  return recorded.every(([file, mtime, size]) => {
    const now = stamp(file);
    return now !== null && now[0] === mtime && now[1] === size;
  });
}

/** Removes temporary bundles left by builds that were killed before their rename. */
function sweepTemporaries() {
  let names = [];
  try {
    names = readdirSync(dist);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.endsWith('.tmp.mjs')) continue;
    const s = stamp(join(dist, name));
    if (s && Date.now() - s[0] > 60_000) rmSync(join(dist, name), { force: true });
  }
}

export async function bundleCli() {
  sweepTemporaries();
  // Build beside the target and rename: concurrent builders (parallel tests) never see half a file.
  const tmp = `${BUNDLE}.${process.pid}.tmp.mjs`;
  const started = Date.now();
  const result = await build({ ...CLI_BUILD_OPTIONS, outfile: tmp, metafile: true });
  const files = [...Object.keys(result.metafile.inputs).map((f) => resolve(f)), ...BUILD_FILES];
  const inputs = files.map((f) => [f, ...(stamp(f) ?? [0, -1])]);
  renameSync(tmp, BUNDLE);
  // A file saved while esbuild was reading may be in the bundle in its older form: record nothing,
  // so the next run builds again.
  if (inputs.some(([, mtime]) => mtime >= started - 5)) rmSync(INPUTS, { force: true });
  else writeFileSync(INPUTS, JSON.stringify(inputs));
}

if (process.argv[1] === self) {
  await bundleCli();
  console.log(`wrote ${BUNDLE}`);
}
