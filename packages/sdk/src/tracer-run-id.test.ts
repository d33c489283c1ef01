// Run ids the Tracer makes or accepts are well-formed Unicode: a title cut through an emoji would
// give the collector a run id it must refuse (SQLite cannot keep an unpaired surrogate).
import { loneSurrogateIndex } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { MemorySink } from './sinks/memory-sink.ts';
import { newRunId, Tracer } from './tracer.ts';

describe('run ids', () => {
  it('cuts a long title into an id of at most 200 characters without splitting an emoji', () => {
    for (let pad = 185; pad <= 195; pad++) {
      const id = newRunId(`${'t'.repeat(pad)}😀😀😀😀😀`);
      expect(id.length).toBeLessThanOrEqual(200);
      expect(loneSurrogateIndex(id)).toBe(-1);
      expect(new Tracer({ run: id, sinks: [new MemorySink()] }).run).toBe(id);
    }
  });

  it('refuses a run id holding half an emoji, naming where', () => {
    const cut = `${'t'.repeat(199)}😀`.slice(0, 200);
    expect(() => new Tracer({ run: cut, sinks: [new MemorySink()] })).toThrow(
      /unpaired surrogate at index 199/,
    );
  });
});
