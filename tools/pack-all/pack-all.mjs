// `pnpm pack:all`: builds the workspace, then packs every publishable package (each one not
// `private`) into packs/ with `pnpm pack`, checks each packed manifest, and records what it was made from.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
export const REPO_ROOT = join(dirname(self), '..', '..');
export const PACKS = join(REPO_ROOT, 'packs');
export const PACKS_MANIFEST = join(PACKS, 'packs.json');

/** Folders and files that never go into a tarball, or that a build writes. */
const SKIP = new Set([
  'node_modules',
  'dist',
  'test-results',
  'playwright-report',
  'bench-out',
  '.causelane',
]);
const isSkipped = (rel) => rel.split('/').some((s) => SKIP.has(s)) || rel.endsWith('.tsbuildinfo');

/** A fingerprint (path, size, mtime) of everything a build of the tarballs reads: every file of
 * packages/ and apps/ outside build outputs, the build scripts in tools/build, the lockfile, the
 * workspace and TypeScript settings, and this script. Same fingerprint, same tarballs. */
export function inputsFingerprint() {
  const hash = createHash('sha256');
  const add = (abs) => {
    const s = statSync(abs);
    hash.update(`${relative(REPO_ROOT, abs)}\0${s.size}\0${s.mtimeMs}\n`);
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const abs = join(dir, entry.name);
      if (isSkipped(relative(REPO_ROOT, abs).split('\\').join('/'))) continue;
      if (entry.isDirectory()) walk(abs);
      else if (entry.isFile()) add(abs);
    }
  };
  walk(join(REPO_ROOT, 'packages'));
  walk(join(REPO_ROOT, 'apps'));
  walk(join(REPO_ROOT, 'tools', 'build'));
  for (const f of [
    'package.json',
    'pnpm-lock.yaml',
    'pnpm-workspace.yaml',
    'tsconfig.base.json',
    'tsconfig.build-base.json',
  ]) {
    add(join(REPO_ROOT, f));
  }
  add(self);
  return hash.digest('hex');
}

/** The publishable workspace packages: name, version, directory. */
export function publishablePackages() {
  const out = execFileSync('pnpm', ['ls', '-r', '--depth', '-1', '--json'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out)
    .filter((p) => !p.private && p.path !== REPO_ROOT)
    .map((p) => ({ name: p.name, version: p.version, dir: p.path }));
}

const DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/** What is wrong with a packed manifest, given the file list of its tarball; [] when nothing. */
export function manifestProblems(manifest, files) {
  const problems = [];
  for (const field of [...DEP_FIELDS, 'devDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|catalog|link|file):/.test(range)) problems.push(`${field}.${dep} is "${range}"`);
    }
  }
  if (manifest.private) problems.push('is private');
  const targets = [];
  const collect = (key, v) => {
    if (typeof v === 'string') targets.push([key, v]);
    else if (v && typeof v === 'object') for (const [k, w] of Object.entries(v)) collect(`${key}.${k}`, w);
  };
  collect('exports', manifest.exports);
  collect('bin', manifest.bin);
  if (manifest.types) targets.push(['types', manifest.types]);
  for (const [key, target] of targets) {
    const path = target.replace(/^\.\//, '');
    if (path.endsWith('.ts') && !path.endsWith('.d.ts'))
      problems.push(`${key} points at TypeScript source ${target}`);
    if (!files.includes(path)) problems.push(`${key} points at ${target}, which is not in the tarball`);
  }
  return problems;
}

/** The file list (package-relative) and package.json of a tarball. */
export function readTarball(tgz) {
  const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.startsWith('package/') && !f.endsWith('/'))
    .map((f) => f.slice('package/'.length));
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }),
  );
  return { files, manifest };
}

export function packAll() {
  // Taken before the build: a file saved while it runs makes the recorded fingerprint stale, not wrong.
  const fingerprint = inputsFingerprint();
  execFileSync('pnpm', ['build'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  rmSync(PACKS, { recursive: true, force: true });
  mkdirSync(PACKS, { recursive: true });
  const tarballs = [];
  for (const pkg of publishablePackages()) {
    execFileSync('pnpm', ['pack', '--pack-destination', PACKS], {
      cwd: pkg.dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const file = `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
    const { files, manifest } = readTarball(join(PACKS, file));
    const problems = manifestProblems(manifest, files);
    if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
    const size = statSync(join(PACKS, file)).size;
    tarballs.push({ name: pkg.name, file, files: files.length, bytes: size });
  }
  writeFileSync(PACKS_MANIFEST, `${JSON.stringify({ fingerprint, tarballs }, null, 2)}\n`);
  return tarballs;
}

if (process.argv[1] === self) {
  for (const t of packAll())
    console.log(`packs/${t.file}  ${t.files} files, ${(t.bytes / 1024).toFixed(0)} kB`);
}
