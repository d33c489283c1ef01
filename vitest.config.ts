import { defineConfig } from 'vitest/config';

// One vitest run covers every package's unit tests (they sit beside their source).
export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.tsx',
      'tools/*/**/*.test.ts',
    ],
    // Tests spawn the real CLI: build its bundle once up front instead of in racing child processes.
    globalSetup: ['./apps/collector/scripts/vitest-bundle-setup.mjs'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
