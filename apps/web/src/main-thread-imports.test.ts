// Guards the lean main bundle: nothing the main thread loads may import a value from the package
// roots of trace-schema, analysis or importers, which compile TypeBox validators and bring the
// analyzer and exporters along. Those belong in the trace worker; the main thread uses the narrow
// subpaths instead.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const IMPORT = /^\s*(?:import|export)\s+([^'";]*?)\s*from\s*'([^']+)'/gms;
const HEAVY = new Set([
  '@causelane/trace-schema',
  '@causelane/analysis',
  '@causelane/importers',
  '@causelane/exporters',
]);

/** Value imports (not `import type`, not all-`type` specifier lists) of one module. */
function valueImports(source: string): string[] {
  const out: string[] = [];
  for (const [, clause, spec] of source.matchAll(IMPORT)) {
    if (/^type\b/.test(clause!)) continue;
    const named = /^\{([^}]*)\}$/.exec(clause!.trim());
    if (named) {
      const names = named[1]!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (names.every((n) => n.startsWith('type '))) continue;
    }
    out.push(spec!);
  }
  return out;
}

function mainThreadGraph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const deps = valueImports(readFileSync(file, 'utf8'));
    seen.set(file, deps);
    // The worker is loaded with `new URL(..., import.meta.url)`, not an import: it is not walked.
    for (const d of deps) if (d.startsWith('.')) visit(resolve(dirname(file), d));
  };
  visit(entry);
  return seen;
}

describe('main-thread imports', () => {
  it('tells value imports from type-only ones', () => {
    expect(valueImports("import type { A } from 'x';\nimport { type B, type C } from 'y';")).toEqual([]);
    expect(valueImports("import {\n  type B,\n  C,\n} from 'y';\nexport * from './z.ts';")).toEqual([
      'y',
      './z.ts',
    ]);
  });

  it('keep the validators and the analyzer out of the main bundle', () => {
    const graph = mainThreadGraph(resolve(import.meta.dirname, 'main.tsx'));
    expect(graph.size).toBeGreaterThan(20);
    const offenders = [...graph].flatMap(([file, deps]) =>
      deps
        .filter((d) => HEAVY.has(d))
        .map((d) => `${file.slice(import.meta.dirname.length + 1)} imports ${d}`),
    );
    expect(offenders).toEqual([]);
    expect([...graph.keys()].some((f) => f.endsWith('trace-worker.ts'))).toBe(false);
  });
});
