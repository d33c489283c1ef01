// e2e tests of the web app against the real collector, in Debian's Chromium.
import { defineConfig } from '@playwright/test';
import { CHROMIUM } from './collector-process.ts';

export default defineConfig({
  testDir: './specs',
  globalSetup: './global-setup.ts',
  // Two cores shared with other builds: one worker keeps timings sane.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 720 },
    launchOptions: CHROMIUM,
    trace: 'off',
  },
});
