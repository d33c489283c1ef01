// vitest globalSetup: make sure the CLI bundle is fresh before tests spawn `causelane`.
import { bundleCli, bundleIsFresh } from './bundle-cli.mjs';

export default async function setup() {
  if (!bundleIsFresh()) await bundleCli();
}
