// The packages an entry file's import graph reaches: it follows relative imports and the packages it
// is told to enter, and lists every other bare import (runtime and type-only alike) by package.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

export interface GraphOptions {
  /** Packages whose files are part of the graph (followed through their `exports`), not leaves. */
  follow: readonly string[];
  /** `js`: the runtime graph of built `.js` (or `.ts` sources); `types`: the `.d.ts` graph. */
  mode: 'js' | 'types';
}

export interface ModuleGraph {
  /** Every file visited, absolute. */
  files: string[];
  /** Each package imported but not followed, with the files importing it. */
  external: Map<string, string[]>;
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
export const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

function findPackageDir(fromFile: string, name: string): string {
  for (let dir = dirname(fromFile); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) throw new Error(`${fromFile}: cannot find package ${name}`);
  }
}

/** The file a conditional `exports` value names for the mode. */
function pickTarget(value: unknown, mode: GraphOptions['mode']): string | null {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return null;
  const conditions = mode === 'types' ? ['types', 'import', 'default'] : ['import', 'node', 'default'];
  for (const c of conditions) {
    const hit = pickTarget((value as Record<string, unknown>)[c], mode);
    if (hit) return hit;
  }
  return null;
}

function resolvePackage(fromFile: string, specifier: string, mode: GraphOptions['mode']): string {
  const name = packageOf(specifier);
  const dir = findPackageDir(fromFile, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const subpath = `.${specifier.slice(name.length)}`;
  const exportsMap =
    typeof manifest.exports === 'string' ? { '.': manifest.exports } : (manifest.exports ?? {});
  const target = pickTarget(exportsMap[subpath], mode);
  if (!target) throw new Error(`${fromFile}: ${specifier} is not exported by ${dir}/package.json`);
  return toModeFile(resolve(dir, target), mode);
}

/** `x.js` -> `x.d.ts` in the types graph; sources and declarations stay as they are. */
function toModeFile(file: string, mode: GraphOptions['mode']): string {
  if (mode === 'types' && /\.m?js$/.test(file)) return file.replace(/\.(m?)js$/, '.d.$1ts');
  return file;
}

export function moduleGraph(entry: string, options: GraphOptions): ModuleGraph {
  const files = new Set<string>();
  const external = new Map<string, string[]>();
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    if (!existsSync(file))
      throw new Error(`the import graph of ${entry} names ${file}, which does not exist`);
    files.add(file);
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      if (specifier.startsWith('.')) {
        queue.push(toModeFile(resolve(dirname(file), specifier), options.mode));
      } else if (options.follow.includes(packageOf(specifier))) {
        queue.push(resolvePackage(file, specifier, options.mode));
      } else {
        const name = specifier.startsWith('node:') ? 'node:' : packageOf(specifier);
        external.set(name, [...(external.get(name) ?? []), file]);
      }
    }
  }
  return { files: [...files], external };
}
