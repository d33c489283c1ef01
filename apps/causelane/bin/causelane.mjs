#!/usr/bin/env node
// The `causelane` command of the published package: the prebuilt CLI bundle (the CLI, the collector
// server and the path to the web app in ../web), run in plain Node.
await import('../dist/causelane.mjs');
