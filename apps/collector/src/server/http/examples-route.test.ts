import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXAMPLES_DIR, registerExamplesRoute } from './examples-route.ts';

describe('examples route', () => {
  it('lists the public examples and serves each file, and nothing outside the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causelane-examples-'));
    writeFileSync(join(dir, 'a.jsonl'), '{"v":1}\n');
    writeFileSync(join(dir, 'a.expect.json'), '{}');
    const app = Fastify();
    registerExamplesRoute(app, dir);
    const list = await app.inject({ method: 'GET', url: '/api/examples' });
    expect(list.json()).toEqual({ examples: [{ name: 'a', url: '/api/examples/a.jsonl' }] });
    const file = await app.inject({ method: 'GET', url: '/api/examples/a.jsonl' });
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe('{"v":1}\n');
    const outside = await app.inject({
      method: 'GET',
      url: `/api/examples/${encodeURIComponent('../a.jsonl')}`,
    });
    expect(outside.statusCode).toBe(404);
    await app.close();
  });
  it('finds the repository examples by default', () => {
    expect(DEFAULT_EXAMPLES_DIR.endsWith(join('shared', 'examples'))).toBe(true);
  });
});
