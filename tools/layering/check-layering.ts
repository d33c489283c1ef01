// Enforces the layering policy of layering-rules.ts over the repo (as Perfetto's
// tools/check_imports does): every import is resolved, classified and checked against the rule table.
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { findCycles } from './find-cycles.ts';
import { type LayeringPolicy, POLICY, RULE_DESCRIPTIONS } from './layering-rules.ts';
import { type ImportRef, scanSource } from './scan-imports.ts';
import {
  listFiles,
  matchesAny,
  packageNameOf,
  readPackages,
  resolveExport,
  resolveRelative,
  rootDevDependencies,
  type WorkspacePackage,
} from './workspace.ts';

export interface Violation {
  file: string;
  line: number;
  rule: string;
  /** What the file does, e.g. `imports react` or `is 412 lines`. */
  subject: string;
  detail?: string;
}

export interface LayeringReport {
  violations: Violation[];
  files: number;
  imports: number;
}

export type FileRole = 'production' | 'test' | 'testing' | 'bench';

export function formatViolation(v: Violation): string {
  const why = RULE_DESCRIPTIONS[v.rule] ?? v.rule;
  return `${v.file}:${v.line}: ${v.subject}, which breaks rule ${v.rule} (${why})${v.detail ? `: ${v.detail}` : ''}`;
}

export function roleOf(file: string, policy: LayeringPolicy): FileRole {
  if (matchesAny(file, policy.testFiles)) return 'test';
  if (matchesAny(file, policy.testingFiles)) return 'testing';
  if (matchesAny(file, policy.benchFiles)) return 'bench';
  return 'production';
}

const typesPackage = (name: string) =>
  `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;

interface Resolved {
  /** Repo-relative file the import lands on, when it is ours. */
  file: string | null;
  /** Workspace package imported by name, if any. */
  workspace: WorkspacePackage | null;
  bare: boolean;
}

export function checkLayering(root: string, policy: LayeringPolicy = POLICY): LayeringReport {
  const packages = readPackages(root);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const ownerOf = (file: string) =>
    packages.filter((p) => file.startsWith(`${p.dir}/`)).sort((a, b) => b.dir.length - a.dir.length)[0] ??
    null;
  const rootDev = rootDevDependencies(root);
  const files = listFiles(root, policy.scan.roots, policy.scan.extensions, policy.scan.ignore);
  const scanned = new Set(files);
  const violations: Violation[] = [];
  const graph = new Map<string, string[]>();
  const edgeLine = new Map<string, { line: number; specifier: string }>();
  let importCount = 0;

  for (const file of files) {
    const text = readIfPresent(join(root, file));
    // A file removed after listing (someone is moving files right now) is simply not there.
    if (text === null) {
      scanned.delete(file);
      continue;
    }
    const scan = scanSource(file, text);
    const owner = ownerOf(file);
    const role = roleOf(file, policy);
    const edges: string[] = [];
    graph.set(file, edges);
    const report = (line: number, rule: string, subject: string, detail?: string) =>
      violations.push({ file, line, rule, subject, ...(detail ? { detail } : {}) });

    for (const imp of scan.imports) {
      if (imp.specifier.startsWith('node:') || isBuiltin(imp.specifier)) continue;
      importCount++;
      const target = resolveImport(root, file, imp, byName);
      const subject = `imports ${imp.specifier}`;
      // `new URL(rel, import.meta.url)` also names folders and data files: only code files count.
      if (imp.kind === 'worker-url' && (target === 'unresolved' || !scanned.has(target.file ?? ''))) continue;
      if (target === 'unresolved') {
        report(imp.line, 'unresolved-import', subject);
        continue;
      }
      if (target.bare && owner)
        checkDeclared(imp, owner, role, rootDev, (rule) => report(imp.line, rule, subject));

      const layerRule = firstLayerBreak(file, role, imp, target, owner, ownerOf, policy);
      if (layerRule) report(imp.line, layerRule.rule, subject, layerRule.detail);

      if (role === 'production') {
        const sub = target.workspace ? imp.specifier.slice(target.workspace.name.length) : '';
        const testingSubpath = sub === '/testing' || sub.startsWith('/testing/');
        if (testingSubpath || (target.file && matchesAny(target.file, policy.testingFiles))) {
          report(imp.line, 'no-testing-in-production', subject);
        }
        const sw = policy.storeWrites;
        if (target.file && matchesAny(file, sw.from) && matchesAny(target.file, sw.storeModules)) {
          for (const name of imp.names.filter((n) => sw.setterName.test(n))) {
            report(imp.line, sw.id, `imports the store setter ${name} from ${imp.specifier}`);
          }
        }
      }

      if (target.file && scanned.has(target.file) && imp.kind !== 'worker-url') {
        if (!edges.includes(target.file)) edges.push(target.file);
        const key = `${file}\0${target.file}`;
        if (!edgeLine.has(key)) edgeLine.set(key, { line: imp.line, specifier: imp.specifier });
      }
    }

    const sw = policy.storeWrites;
    if (role === 'production' && matchesAny(file, sw.from)) {
      for (const write of scan.memberWrites.filter((w) => sw.setterName.test(w.name))) {
        report(write.line, sw.id, `writes the store with ${write.text}`);
      }
    }

    if (file.includes('/src/') && scan.lines > policy.maxLines && !(file in policy.sizeAllowlist)) {
      report(
        policy.maxLines + 1,
        'file-size',
        `is ${scan.lines} lines`,
        'split it along a seam you can name',
      );
    }
  }

  for (const [file, reason] of Object.entries(policy.sizeAllowlist)) {
    const lines = scanned.has(file) ? scanSource(file, readIfPresent(join(root, file)) ?? '').lines : 0;
    if (!scanned.has(file)) {
      violations.push({
        file,
        line: 1,
        rule: 'stale-allowlist',
        subject: 'is allowlisted but does not exist',
      });
    } else if (lines <= policy.maxLines) {
      violations.push({
        file,
        line: 1,
        rule: 'stale-allowlist',
        subject: `is allowlisted but only ${lines} lines`,
      });
    } else if (!reason.trim()) {
      violations.push({ file, line: 1, rule: 'stale-allowlist', subject: 'is allowlisted without a reason' });
    }
  }

  for (const cycle of findCycles(graph)) {
    const [from, to] = [cycle[0]!, cycle[1] ?? cycle[0]!];
    const edge = edgeLine.get(`${from}\0${to}`)!;
    violations.push({
      file: from,
      line: edge.line,
      rule: 'no-cycles',
      subject: `imports ${edge.specifier}`,
      detail: `cycle ${[...cycle, from].join(' -> ')}`,
    });
  }

  violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
  return { violations, files: files.length, imports: importCount };
}

function readIfPresent(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function resolveImport(
  root: string,
  file: string,
  imp: ImportRef,
  byName: Map<string, WorkspacePackage>,
): Resolved | 'unresolved' {
  const spec = imp.specifier;
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const hit = resolveRelative(root, file, spec);
    return hit ? { file: hit, workspace: null, bare: false } : 'unresolved';
  }
  const workspace = byName.get(packageNameOf(spec)) ?? null;
  if (!workspace) return { file: null, workspace: null, bare: true };
  const hit = resolveExport(workspace, `.${spec.slice(workspace.name.length)}`);
  return hit ? { file: hit, workspace, bare: true } : 'unresolved';
}

function checkDeclared(
  imp: ImportRef,
  owner: WorkspacePackage,
  role: FileRole,
  rootDev: Set<string>,
  report: (rule: string) => void,
): void {
  const name = packageNameOf(imp.specifier);
  if (name === owner.name) return;
  const names = imp.typeOnly ? [name, typesPackage(name)] : [name];
  if (names.some((n) => owner.dependencies.has(n))) return;
  const inDev = names.some((n) => owner.devDependencies.has(n));
  if (role === 'production') {
    report(inDev ? 'dev-dependency-in-production' : 'declared-dependency');
    return;
  }
  // Test tooling (vitest, fast-check) is installed once at the root for every package's tests.
  if (!inDev && !names.some((n) => rootDev.has(n))) report('declared-dependency');
}

/** The first folder or package rule this import breaks (one report per import). */
function firstLayerBreak(
  file: string,
  role: FileRole,
  imp: ImportRef,
  target: Resolved,
  owner: WorkspacePackage | null,
  ownerOf: (f: string) => WorkspacePackage | null,
  policy: LayeringPolicy,
): { rule: string; detail?: string } | null {
  for (const rule of policy.folderRules) {
    if (!matchesAny(file, rule.from) || (rule.except && matchesAny(file, rule.except))) continue;
    const byFile = target.file !== null && matchesAny(target.file, rule.forbid.files ?? []);
    const byModule = target.bare && matchesAny(imp.specifier, rule.forbid.modules ?? []);
    if (byFile || byModule)
      return { rule: rule.id, ...(byFile && target.file ? { detail: target.file } : {}) };
  }
  if (!owner) return null;
  if (target.workspace && target.workspace !== owner && role === 'production') {
    const allowed = policy.packageLayers[owner.name];
    if (!allowed) return { rule: 'package-layers', detail: `${owner.name} is missing from packageLayers` };
    if (!allowed.includes('*') && !allowed.includes(target.workspace.name)) {
      return { rule: 'package-layers', detail: `${owner.name} may import only [${allowed.join(', ')}]` };
    }
  }
  if (!target.bare && target.file) {
    const targetOwner = ownerOf(target.file);
    if (targetOwner && targetOwner !== owner) {
      return { rule: 'cross-package-relative', detail: `import ${targetOwner.name} by name` };
    }
  }
  return null;
}
