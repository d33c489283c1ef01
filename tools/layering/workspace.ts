// The repo as the layering checker sees it: workspace packages with their declared dependencies
// and exports, the scanned source files, and how an import specifier resolves to one of them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface WorkspacePackage {
  name: string;
  /** Repo-relative directory, forward slashes. */
  dir: string;
  dependencies: Set<string>;
  devDependencies: Set<string>;
  exports: Record<string, string>;
}

const globCache = new Map<string, RegExp>();

/** Minimal glob: `**` spans folders, `*` stays within one path segment. */
export function matchesGlob(path: string, glob: string): boolean {
  let re = globCache.get(glob);
  if (!re) {
    const body = glob
      .split('**/')
      .map((part) =>
        part
          .split('**')
          .map((p) =>
            p
              .split('*')
              .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
              .join('[^/]*'),
          )
          .join('.*'),
      )
      .join('(?:.*/)?');
    re = new RegExp(`^${body}$`);
    globCache.set(glob, re);
  }
  return re.test(path);
}

export const matchesAny = (path: string, globs: readonly string[]) => globs.some((g) => matchesGlob(path, g));

export const toPosix = (p: string) => p.split(sep).join('/');

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Expands `dir/*` style patterns (a star only as a whole segment or suffix). */
export function expandDirs(root: string, pattern: string): string[] {
  const parts = pattern.split('/');
  let dirs = [''];
  for (const part of parts) {
    const next: string[] = [];
    for (const d of dirs) {
      if (!part.includes('*')) {
        if (isDir(join(root, d, part))) next.push(d ? `${d}/${part}` : part);
        continue;
      }
      for (const entry of isDir(join(root, d)) ? readdirSync(join(root, d)) : []) {
        if (matchesGlob(entry, part) && isDir(join(root, d, entry))) next.push(d ? `${d}/${entry}` : entry);
      }
    }
    dirs = next;
  }
  return dirs.sort();
}

/** The `packages:` list of pnpm-workspace.yaml (a plain YAML list of globs). */
export function workspaceGlobs(root: string): string[] {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs: string[] = [];
  let inPackages = false;
  for (const line of yaml.split('\n')) {
    if (/^\S/.test(line)) inPackages = /^packages\s*:/.test(line);
    const item = inPackages ? /^\s+-\s*['"]?([^'"#\s]+)/.exec(line) : null;
    if (item) globs.push(item[1]!);
  }
  return globs;
}

function flattenExports(exp: unknown): Record<string, string> {
  if (typeof exp === 'string') return { '.': exp };
  const out: Record<string, string> = {};
  if (!exp || typeof exp !== 'object') return out;
  const pick = (v: unknown): string | null => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const cond of ['import', 'default', 'types', 'node', 'browser']) {
        const p = pick(o[cond]);
        if (p) return p;
      }
    }
    return null;
  };
  for (const [key, value] of Object.entries(exp)) {
    const target = pick(value);
    if (key.startsWith('.') && target) out[key] = target;
  }
  return out;
}

export function readPackages(root: string): WorkspacePackage[] {
  const dirs = workspaceGlobs(root).flatMap((g) => expandDirs(root, g));
  return dirs
    .filter((dir) => isFile(join(root, dir, 'package.json')))
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
      const keys = (o: unknown) => Object.keys((o as Record<string, string>) ?? {});
      return {
        name: String(pkg.name ?? dir),
        dir,
        dependencies: new Set([
          ...keys(pkg.dependencies),
          ...keys(pkg.peerDependencies),
          ...keys(pkg.optionalDependencies),
        ]),
        devDependencies: new Set(keys(pkg.devDependencies)),
        exports: flattenExports(pkg.exports),
      };
    });
}

export function rootDevDependencies(root: string): Set<string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return new Set(Object.keys(pkg.devDependencies ?? {}));
}

/** Every scanned file, repo-relative. */
export function listFiles(root: string, roots: string[], extensions: string[], ignore: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (matchesAny(`${rel}/`, ignore) || matchesAny(rel, ignore)) continue;
      if (entry.isDirectory()) walk(rel);
      else if (extensions.some((e) => entry.name.endsWith(e)) && !entry.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  for (const pattern of roots) for (const dir of expandDirs(root, pattern)) walk(dir);
  return [...new Set(out)].sort();
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.mjs', '.js', '.json'];

/** A relative specifier to an existing repo-relative file, or null. */
export function resolveRelative(root: string, fromFile: string, specifier: string): string | null {
  const base = resolve(root, dirname(fromFile), specifier.replace(/[?#].*$/, ''));
  const candidates = [base];
  const js = /\.(m?)jsx?$/.exec(base);
  if (js) {
    const stem = base.slice(0, -js[0].length);
    candidates.push(`${stem}.${js[1]}ts`, `${stem}.tsx`);
  }
  candidates.push(...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => join(base, `index${e}`)));
  const hit = candidates.find(isFile);
  return hit ? toPosix(relative(root, hit)) : null;
}

/** A workspace package subpath (`.`, `./testing`) to the repo-relative file its exports name. */
export function resolveExport(pkg: WorkspacePackage, subpath: string): string | null {
  const direct = pkg.exports[subpath];
  if (direct) return toPosix(join(pkg.dir, direct));
  for (const [key, target] of Object.entries(pkg.exports)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const [pre, post] = [key.slice(0, star), key.slice(star + 1)];
    if (subpath.startsWith(pre) && subpath.endsWith(post) && subpath.length >= pre.length + post.length) {
      const hole = subpath.slice(pre.length, subpath.length - post.length);
      return toPosix(join(pkg.dir, target.replace('*', hole)));
    }
  }
  return null;
}
