// Vite build of the web app with the pre-15.5 live path (live-run-events-full.ts) in place of the
// incremental one, for the live benchmark's in-browser baseline: `vite build --config` this file.
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vite';
import app from '../vite.config.ts';

export default mergeConfig(
  app,
  defineConfig({
    root: fileURLToPath(new URL('..', import.meta.url)),
    resolve: {
      alias: [
        {
          find: /^\.\.\/model\/live-run-events\.ts$/,
          replacement: fileURLToPath(new URL('./live-run-events-full.ts', import.meta.url)),
        },
      ],
    },
  }),
);
