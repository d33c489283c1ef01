// Playwright global setup: build the web app, start the real collector, and hand its URL to the
// tests through the environment. The returned function stops it.
import { buildWeb, startCollector } from './collector-process.ts';

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!process.env.CAUSELANE_SKIP_BUILD) await buildWeb();
  const collector = await startCollector();
  process.env.CAUSELANE_URL = collector.url;
  return collector.stop;
}
