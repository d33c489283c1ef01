// Reads a trace file (or stdin for "-") as a stream into the JSONL reader, without building one
// giant string; turns read errors into CliErrors that name the file and line.
import { createReadStream } from 'node:fs';
import { formatLineError, type ReadResult, readTraceStream } from '@causelane/trace-schema';
import { CliError } from './cli-error.ts';

export async function readTraceInput(file: string): Promise<ReadResult> {
  const source = file === '-' ? '<stdin>' : file;
  const stream = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
  let result: ReadResult;
  try {
    result = await readTraceStream(stream as AsyncIterable<Uint8Array>);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new CliError(`${source}: cannot read: ${why}`);
  }
  if (result.errors.length > 0) {
    const lines = result.errors.map((e) => formatLineError(source, e));
    throw new CliError(lines.join('\n'));
  }
  return result;
}
