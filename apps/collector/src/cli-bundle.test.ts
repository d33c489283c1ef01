// The CLI runs as an esbuild bundle; it must be rebuilt when anything that went into it changes,
// dependencies included, not only our own sources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { BUNDLE, bundleIsFresh } from '../scripts/bundle-cli.mjs';

describe('the CLI bundle', () => {
  it('is fresh after the test setup built it, and records every input with its mtime and size', () => {
    expect(bundleIsFresh()).toBe(true);
    const inputs = JSON.parse(readFileSync(join(BUNDLE, '..', 'causelane.inputs.json'), 'utf8')) as [
      string,
      number,
      number,
    ][];
    const files = inputs.map(([f]) => f);
    expect(files).toContainEqual(expect.stringMatching(/apps\/collector\/src\/cli\.ts$/));
    expect(files).toContainEqual(expect.stringMatching(/packages\/analysis\/src\/rules\.ts$/));
    expect(files).toContainEqual(expect.stringMatching(/node_modules\/.*commander\/.*\.js$/));
    expect(files).toContainEqual(expect.stringMatching(/pnpm-lock\.yaml$/));
    expect(files).toContainEqual(expect.stringMatching(/scripts\/bundle-cli\.mjs$/));
    for (const [, mtime, size] of inputs) {
      expect(mtime).toBeGreaterThan(0);
      expect(size).toBeGreaterThanOrEqual(0);
    }
  });
});
