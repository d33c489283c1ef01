// After `tsc -b`: rewrites relative `.ts` import specifiers in the emitted `.d.ts` files to `.js`
// (tsc's rewriteRelativeImportExtensions rewrites only the .js), so every consumer and IDE resolves
// them like the JavaScript beside them. Same length, so the declaration maps stay right.
// Usage: node tools/build/rewrite-dts-imports.mjs DIST_DIR
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"\n]*?)(?<!\.d)\.(m|c)?ts\2/g;

export function rewriteDtsImports(text) {
  return text.replace(
    SPECIFIER,
    (_, lead, quote, path, mc) => `${lead}${quote}${path}.${mc ?? ''}js${quote}`,
  );
}

function walk(dir) {
  let changed = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) changed += walk(file);
    else if (/\.d\.[mc]?ts$/.test(entry.name)) {
      const text = readFileSync(file, 'utf8');
      const next = rewriteDtsImports(text);
      if (next !== text) {
        writeFileSync(file, next);
        changed++;
      }
    }
  }
  return changed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2];
  if (!dist) {
    console.error('usage: node tools/build/rewrite-dts-imports.mjs DIST_DIR');
    process.exit(2);
  }
  walk(dist);
}
