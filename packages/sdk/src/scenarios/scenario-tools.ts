// Building blocks the teaching scenarios share: call specs, model thinking time, and simulated file
// tools over a versioned store.
import type { ToolCallSpec } from '@causelane/trace-schema';
import type { Clock } from '../clock.ts';
import type { Tool } from '../tool.ts';
import { latency, sampleLatency } from '../world/latency.ts';
import { simTool } from '../world/sim-tool.ts';
import type { VersionedStore } from '../world/versioned-store.ts';
import type { ScenarioWorld } from './scenario.ts';

export const call = (id: string, name: string, args: Record<string, unknown>): ToolCallSpec => ({
  id,
  name,
  args,
});
export const thinking = latency.uniform(60, 140);

/** read_file / write_file over `file:<path>` keys. */
export function fileTools(
  w: ScenarioWorld,
  store: VersionedStore,
  readMs: [number, number],
  writeMs: [number, number],
): Tool[] {
  return [
    simTool<{ path: string; content: string }>(w.clock, w.random, {
      name: 'write_file',
      access: (a) => ({ writes: [`file:${a.path}`] }),
      latency: latency.uniform(...writeMs),
      act: (a, ctx) => ({ path: a.path, version: store.write(`file:${a.path}`, a.content, ctx) }),
    }),
    simTool<{ path: string }>(w.clock, w.random, {
      name: 'read_file',
      access: (a) => ({ reads: [`file:${a.path}`] }),
      latency: latency.uniform(...readMs),
      act: async (a, ctx) => {
        const r = await store.read<string>(`file:${a.path}`, ctx);
        return { path: a.path, content: r.value ?? null, version: r.version };
      },
    }),
  ];
}

/** An edit is read-modify-write: it reads the file when it starts and writes when it finishes. */
export function editTool(
  clock: Clock,
  random: () => number,
  store: VersionedStore,
): Tool<{ path: string; append: string; big?: boolean }> {
  return {
    name: 'edit_file',
    // Only the write is reported: the tool's answer is an acknowledgement, the model sees no
    // content from the read, so there is no read for it to decide on (see docs/sdk.md).
    access: (a) => ({ writes: [`file:${a.path}`] }),
    async run(a, ctx) {
      const base = store.latest<string>(`file:${a.path}`);
      await clock.sleep(sampleLatency(a.big ? latency.uniform(150, 250) : latency.uniform(60, 120), random));
      const version = store.write(`file:${a.path}`, `${base.value ?? ''}${a.append}\n`, ctx);
      return { path: a.path, version, basedOn: base.version };
    },
  };
}
