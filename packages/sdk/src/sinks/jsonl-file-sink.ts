// Appends batches to a JSONL file (Node only): one write call per batch, never per event. An event
// JSON cannot encode (a BigInt, a cycle) is written from a JSON-safe copy that says what was lossy.
import { mkdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TraceEvent } from '@causelane/trace-schema';
import { jsonSnapshot } from '../executor/json-snapshot.ts';
import type { SinkAck, TraceSink } from './trace-sink.ts';

/** One event as a JSONL line; never throws, so one odd value cannot cost the whole batch. */
export function jsonlLine(event: TraceEvent): string {
  try {
    return `${JSON.stringify(event)}\n`;
  } catch {
    const { value, lossy } = jsonSnapshot(event);
    const safe = value as Record<string, unknown>;
    if (lossy) safe.lossy = [...(Array.isArray(safe.lossy) ? (safe.lossy as unknown[]) : []), ...lossy];
    return `${JSON.stringify(safe)}\n`;
  }
}

export class JsonlFileSink implements TraceSink {
  private handle: Promise<FileHandle> | undefined;

  /** Creates the file's directory if needed; appends to an existing file. */
  constructor(readonly path: string) {}

  private file(): Promise<FileHandle> {
    if (!this.handle) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.handle = open(this.path, 'a');
    }
    return this.handle;
  }

  async write(batch: readonly TraceEvent[]): Promise<SinkAck> {
    if (batch.length === 0) return { stored: 0, duplicates: 0 };
    const fh = await this.file();
    let text = '';
    for (const e of batch) text += jsonlLine(e);
    await fh.appendFile(text, 'utf8');
    return { stored: batch.length, duplicates: 0 };
  }

  async flush(): Promise<void> {
    if (this.handle) await (await this.handle).datasync();
  }

  async close(): Promise<void> {
    if (!this.handle) return;
    const fh = await this.handle;
    this.handle = undefined;
    await fh.close();
  }
}
