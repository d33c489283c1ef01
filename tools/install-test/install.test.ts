// From the packed tarballs alone: installs packs/*.tgz with plain npm into an empty project in the
// OS temp folder, then uses them as a user would: plain Node ESM, tsc, `npx causelane serve|analyze`.
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputsFingerprint, PACKS, PACKS_MANIFEST } from '../pack-all/pack-all.mjs';
import { moduleGraph } from './module-graph.ts';
import { makeProject, REPO_ROOT, run, type Serving, serve, workspaceVersion } from './temp-project.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const EXAMPLES = join(REPO_ROOT, '..', 'shared', 'examples');
const MINUTE = 60_000;

/** The tarballs `pnpm pack:all` left in packs/ by package name; with `fresh`, only when nothing they
 * were made from changed since (else null). */
function packedTarballs(fresh: boolean): Map<string, string> | null {
  if (!existsSync(PACKS_MANIFEST)) return null;
  const manifest = JSON.parse(readFileSync(PACKS_MANIFEST, 'utf8'));
  const files = new Map<string, string>(
    manifest.tarballs.map((t: { name: string; file: string }) => [t.name, join(PACKS, t.file)]),
  );
  if (![...files.values()].every((f) => existsSync(f))) return null;
  return !fresh || manifest.fingerprint === inputsFingerprint() ? files : null;
}

let project = '';
let collector: Serving | undefined;

beforeAll(async () => {
  let tarballs = packedTarballs(true);
  if (!tarballs) {
    const packed = await run(REPO_ROOT, 'pnpm', ['pack:all'], 15 * MINUTE, process.env);
    expect(packed.code, `pnpm pack:all failed:\n${packed.stdout}\n${packed.stderr}`).toBe(0);
    tarballs = packedTarballs(false);
  }
  expect([...(tarballs?.keys() ?? [])].sort()).toEqual([
    '@causelane/importers',
    '@causelane/sdk',
    '@causelane/trace-schema',
    'causelane',
  ]);
  project = makeProject();
  for (const f of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, f), join(project, f));
  // What a TypeScript user of the socket.io transport has besides our packages; same versions as here.
  const extras = [
    `socket.io-client@${workspaceVersion('socket.io-client', join(REPO_ROOT, 'packages', 'sdk'))}`,
    `typescript@${workspaceVersion('typescript')}`,
    `@types/node@${workspaceVersion('@types/node')}`,
  ];
  const installed = await run(
    project,
    'npm',
    ['install', '--no-audit', '--no-fund', ...tarballs!.values(), ...extras],
    15 * MINUTE,
  );
  expect(installed.code, `npm install failed:\n${installed.stdout}\n${installed.stderr}`).toBe(0);
  collector = await serve(project, [
    '--port',
    '0',
    '--otlp-grpc-port',
    '0',
    '--db',
    join(project, 'collector.db'),
  ]);
}, 30 * MINUTE);

afterAll(async () => {
  await collector?.stop();
  if (project) rmSync(project, { recursive: true, force: true });
});

const sdkDir = () => join(project, 'node_modules', '@causelane', 'sdk');

describe('the packed tarballs, installed with npm into an empty project', () => {
  it('install every manifest without workspace: or catalog: ranges', () => {
    for (const name of ['@causelane/sdk', '@causelane/trace-schema', '@causelane/importers', 'causelane']) {
      const text = readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8');
      expect(text, name).not.toMatch(/"(workspace|catalog):/);
    }
    const sdk = JSON.parse(readFileSync(join(sdkDir(), 'package.json'), 'utf8'));
    expect(sdk.dependencies).toEqual({ '@causelane/trace-schema': '0.1.0' });
    expect(Object.keys(sdk.exports)).toEqual(
      expect.arrayContaining([
        '.',
        './socketio',
        './otel',
        './ai',
        './openai-agents',
        './langgraph',
        './openai',
      ]),
    );
  });

  it.each(['js', 'types'] as const)(
    'the built SDK root entry (%s) reaches only the trace schema and typebox',
    (mode) => {
      const entry = join(sdkDir(), 'dist', mode === 'js' ? 'index.js' : 'index.d.ts');
      const graph = moduleGraph(entry, { follow: ['@causelane/trace-schema'], mode });
      expect([...graph.external.keys()].filter((p) => p !== 'node:').sort()).toEqual(['typebox']);
      expect(graph.files.some((f) => f.includes('/@causelane/trace-schema/dist/'))).toBe(true);
    },
  );

  it.each(['causal', 'naive'] as const)(
    'a plain-Node ESM script runs a %s batch and streams it to `npx causelane serve`',
    async (mode) => {
      const runId = `install-test-${mode}-${Date.now()}`;
      const out = await run(project, process.execPath, ['stream-batch.mjs', collector!.url, mode, runId]);
      expect(out.code, out.stderr).toBe(0);
      const summary = JSON.parse(out.stdout.trim().split('\n').at(-1)!);
      expect(summary).toMatchObject({ run: runId, status: 'ok' });
      const events = await (await fetch(`${collector!.url}/api/runs/${runId}/events`)).text();
      expect(events.trim().split('\n')).toHaveLength(summary.events);
      const report = (await (await fetch(`${collector!.url}/api/runs/${runId}/anomalies`)).json()) as {
        anomalies: { type: string; severity: string }[];
      };
      const errors = report.anomalies.filter((a) => a.severity === 'error');
      // The causal executor runs the read after the write; arrival order makes the naive read stale.
      if (mode === 'causal') expect(errors).toEqual([]);
      else expect(errors.map((a) => a.type)).toContain('stale-read');
    },
    2 * MINUTE,
  );

  it(
    'a strict NodeNext project type-checks against the installed .d.ts (tsc --noEmit, skipLibCheck off)',
    async () => {
      const out = await run(
        project,
        'npx',
        ['--no', '--', 'tsc', '--noEmit', '-p', 'tsconfig.json'],
        4 * MINUTE,
      );
      expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
    },
    5 * MINUTE,
  );

  it('`npx causelane serve` answers /healthz and serves the built web app', async () => {
    const health = await fetch(`${collector!.url}/healthz`);
    expect(health.status).toBe(200);
    const page = await fetch(`${collector!.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toBe(
      readFileSync(join(project, 'node_modules', 'causelane', 'dist', 'web', 'index.html'), 'utf8'),
    );
    const script = /<script[^>]+src="([^"]+)"/.exec(html)?.[1];
    expect(script, html).toMatch(/^\/assets\/.+\.js$/);
    const asset = await fetch(`${collector!.url}${script}`);
    expect(asset.status).toBe(200);
    expect((await asset.text()).length).toBeGreaterThan(10_000);
  });

  it(
    '`npx causelane analyze` reports each shared example with its expected exit code and anomalies',
    async () => {
      const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.jsonl'));
      expect(examples.length).toBeGreaterThan(0);
      for (const file of examples) {
        const expected = JSON.parse(
          readFileSync(join(EXAMPLES, file.replace(/\.jsonl$/, '.expect.json')), 'utf8'),
        );
        const out = await run(project, 'npx', ['--no', '--', 'causelane', 'analyze', join(EXAMPLES, file)]);
        expect(out.code, `${file}:\n${out.stdout}\n${out.stderr}`).toBe(expected.exit);
        for (const anomaly of expected.anomalies as string[])
          expect(out.stdout, file).toContain(anomaly.split('|')[1]);
      }
    },
    5 * MINUTE,
  );
});
