import { describe, expect, it } from 'vitest';
import { evidenceOfEvents, evidenceOfFile, evidenceOfLine, evidenceOfRunStart } from './run-evidence.ts';
import { EVENT_CODES } from './timeline-columns.ts';

const start = (meta: unknown) => ({ v: 1, run: 'r', seq: 0, t: 1, type: 'run.start', meta }) as const;

describe('run evidence notes', () => {
  it('reads the strings of run.start meta.evidence', () => {
    expect(evidenceOfRunStart(start({ source: 'otlp', evidence: ['no tool spans: x', 'ids: y'] }))).toEqual([
      'no tool spans: x',
      'ids: y',
    ]);
  });

  it('gives none for other events, missing or malformed notes, and drops non-strings', () => {
    expect(evidenceOfRunStart({ type: 'llm.request', meta: { evidence: ['x'] } })).toEqual([]);
    expect(evidenceOfRunStart(start({ source: 'otlp' }))).toEqual([]);
    expect(evidenceOfRunStart(start({ evidence: 'no tool spans' }))).toEqual([]);
    expect(evidenceOfRunStart(start({ evidence: [1, '', '  ', 'kept', { a: 1 }] }))).toEqual(['kept']);
    expect(evidenceOfRunStart(null)).toEqual([]);
  });

  it('bounds how much a hostile trace can put on screen', () => {
    const notes = evidenceOfRunStart(start({ evidence: Array.from({ length: 50 }, () => 'x'.repeat(2000)) }));
    expect(notes).toHaveLength(20);
    expect(notes[0]).toHaveLength(500);
    expect(notes[0]!.endsWith('…')).toBe(true);
  });

  it('finds run.start among events, and parses a file line', () => {
    const events = [
      { v: 1, run: 'r', seq: 1, t: 2, type: 'llm.request', turn: 1 },
      start({ evidence: ['n'] }),
    ] as never;
    expect(evidenceOfEvents(events)).toEqual(['n']);
    expect(evidenceOfLine(JSON.stringify(start({ evidence: ['line note'] })))).toEqual(['line note']);
    expect(evidenceOfLine('{not json')).toEqual([]);
    expect(evidenceOfLine(null)).toEqual([]);
  });

  it('reads a loaded file’s run.start line by its event index', () => {
    const type = Uint8Array.from([EVENT_CODES['llm.request'], EVENT_CODES['run.start']]);
    const lines = ['{"type":"llm.request"}', JSON.stringify(start({ evidence: ['from the file'] }))];
    expect(evidenceOfFile({ type }, (i) => lines[i]!)).toEqual(['from the file']);
    expect(evidenceOfFile({ type: Uint8Array.from([EVENT_CODES['llm.request']]) }, () => null)).toEqual([]);
  });
});
