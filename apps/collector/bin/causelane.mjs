#!/usr/bin/env node
// The `causelane` command. Runs the esbuild bundle of the CLI, rebuilding it first when any source
// file is newer (about a second), so a fresh clone and an edited tree both just work.
import { BUNDLE, bundleCli, bundleIsFresh } from '../scripts/bundle-cli.mjs';

if (!bundleIsFresh()) await bundleCli();
await import(BUNDLE);
