// The SDK's entries, read from its sources: the root (executor, tracer, agent loop) reaches no
// package but the trace schema and typebox, and each subpath only the packages it declares.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleGraph } from './module-graph.ts';

const SDK = join(import.meta.dirname, '..', '..', 'packages', 'sdk');
const manifest = JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8'));
const entries = Object.entries(manifest.exports as Record<string, string>).filter(([k]) => k !== './testing');

describe('@causelane/sdk entry graphs (sources, type imports included)', () => {
  it('the root entry imports nothing but @causelane/trace-schema, typebox and Node built-ins', () => {
    const graph = moduleGraph(join(SDK, manifest.exports['.']), {
      follow: ['@causelane/trace-schema'],
      mode: 'js',
    });
    const outside = [...graph.external].filter(([name]) => name !== 'typebox' && name !== 'node:');
    expect(Object.fromEntries(outside)).toEqual({});
    expect(graph.files.some((f) => f.includes('trace-schema'))).toBe(true);
  });

  it.each(entries)('%s imports only packages the SDK declares (dependencies or peers)', (_, target) => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const graph = moduleGraph(join(SDK, target), { follow: ['@causelane/trace-schema'], mode: 'js' });
    const undeclared = [...graph.external].filter(
      ([name]) => name !== 'node:' && name !== 'typebox' && !declared.has(name),
    );
    expect(Object.fromEntries(undeclared)).toEqual({});
  });

  it('every third-party peer is optional, so the root entry installs alone', () => {
    const peers = Object.keys(manifest.peerDependencies ?? {});
    expect(peers.length).toBeGreaterThan(0);
    for (const peer of peers) expect(manifest.peerDependenciesMeta?.[peer]?.optional, peer).toBe(true);
    expect(Object.keys(manifest.dependencies)).toEqual(['@causelane/trace-schema']);
  });
});
