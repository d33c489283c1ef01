// Appends batches to a JSONL file (Node only): one write call per batch, never per event.
import { mkdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type TraceEvent, toJsonl } from '@causelane/trace-schema';
import type { SinkAck, TraceSink } from './trace-sink.ts';

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
    await fh.appendFile(toJsonl(batch), 'utf8');
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
