// The JSONL sink writes every event of a batch, also one holding values JSON cannot encode.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceEvent } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { JsonlFileSink } from './jsonl-file-sink.ts';

describe('JsonlFileSink', () => {
  it('writes a line for each event even when one holds a BigInt', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'causelane-')), 'sub', 'x.jsonl');
    const sink = new JsonlFileSink(path);
    const base = { v: 1, run: 'r', t: 1 } as const;
    const batch = [
      { ...base, seq: 0, type: 'run.start', meta: { budget: 5n } },
      { ...base, seq: 1, type: 'run.end', status: 'ok' },
    ] as unknown as TraceEvent[];
    await sink.write(batch);
    await sink.close();
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toMatchObject([
      { seq: 0, meta: { budget: '5' }, lossy: ['$.meta.budget: bigint written as a string'] },
      { seq: 1 },
    ]);
  });
});
