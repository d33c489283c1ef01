// Test helper run as its own process (node --import tsx): writes batches into a SQLite store file
// that another process writes at the same time, and prints how many were stored or refused, so a
// test can prove that concurrent writers wait for the lock instead of failing.
import { StoreBusyError } from '../server/store/event-store.ts';
import { SqliteEventStore } from '../server/store/sqlite-event-store.ts';

const [file, prefix, batchesArg] = process.argv.slice(2);
const store = new SqliteEventStore(file!, { busyTimeoutMs: 5000 });
let stored = 0;
let busy = 0;
const other: string[] = [];
for (let b = 0; b < Number(batchesArg); b++) {
  const run = `${prefix}-${b % 7}`;
  const events = Array.from({ length: 10 }, (_, i) => ({
    v: 1 as const,
    run,
    seq: Math.floor(b / 7) * 10 + i,
    t: b,
    type: 'llm.request' as const,
    turn: 1,
  }));
  try {
    stored += (
      await store.insert(
        events,
        events.map((e) => JSON.stringify(e)),
      )
    ).stored;
  } catch (err) {
    if (err instanceof StoreBusyError) busy++;
    else other.push((err as Error).message);
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ stored, busy, other })}\n`);
