import { readTraceText } from '@causelane/trace-schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleText, loadExample } from '../testing/load-example.ts';
import { buildCallTexts, searchCalls } from './search-index.ts';

describe('call search', () => {
  const { cols } = loadExample('stale-read');
  const events = [...readTraceText(exampleText('stale-read')).runs.values()][0]!;
  let texts: string[] = [];
  beforeAll(async () => {
    let pauses = 0;
    texts = await buildCallTexts(
      cols,
      (i) => events[i],
      async () => {
        pauses++;
      },
    );
    expect(pauses).toBe(0); // a 12-event run is indexed in one go
  });
  const names = (q: string) => [...searchCalls(cols, texts, q)].map((c) => cols.callId[c]);

  it('finds calls by tool name, call id, args and result, case-insensitively', () => {
    expect(names('RESTOCK')).toEqual(['call_restock']);
    expect(names('call_check')).toEqual(['call_check']);
    expect(names('"n":20')).toEqual(['call_restock']);
    expect(names('"stock":0')).toEqual(['call_check']);
    expect(names('A-1')).toEqual(['call_check', 'call_restock']);
  });
  it('does not match event field names or types, and an empty query matches nothing', () => {
    expect(names('tool.start')).toEqual([]);
    expect(names('   ')).toEqual([]);
  });
});
