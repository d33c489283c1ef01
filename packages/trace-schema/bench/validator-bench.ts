// Why TypeBox: validates 1M realistic events the way the reader does (JSON.parse a line, then
// check it), with each maintained candidate, against JSON.parse alone measured in the same run.
import { cpus } from 'node:os';
import Ajv from 'ajv';
import { Compile } from 'typebox/compile';
import * as v from 'valibot';
import { z } from 'zod';
import { eventSchemas } from '../src/events.ts';
import { validateEvent } from '../src/validate.ts';

const N = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const lines: string[] = [];
for (let i = 0; i < N; i++) {
  const base = { v: 1, run: `run-${i % 7}`, seq: i, t: 1.76e12 + i * 3.5 };
  const k = i % 5;
  const e =
    k === 0
      ? { ...base, type: 'llm.request', turn: 3 }
      : k === 1
        ? {
            ...base,
            type: 'llm.response',
            turn: 3,
            calls: [
              { id: `c${i}`, name: 'search', args: { q: 'x' } },
              { id: `d${i}`, name: 'calc' },
            ],
          }
        : k === 2
          ? { ...base, type: 'tool.start', turn: 3, call: `c${i}` }
          : k === 3
            ? {
                ...base,
                type: 'tool.end',
                turn: 3,
                call: `c${i}`,
                ok: true,
                result: { n: 1 },
                reads: [{ key: 'stock', version: 7 }],
              }
            : { ...base, type: 'tool.commit', turn: 3, call: `c${i}` };
  lines.push(JSON.stringify(e));
}

const int0 = z.number().int().min(0);
const zBase = { v: z.literal(1), run: z.string().min(1).max(200), seq: int0, t: z.number() };
const zKv = z.array(z.object({ key: z.string(), version: int0 }));
const zTurn = z.number().int().min(1);
const zod = z.discriminatedUnion('type', [
  z.looseObject({ ...zBase, type: z.literal('llm.request'), turn: zTurn }),
  z.looseObject({
    ...zBase,
    type: z.literal('llm.response'),
    turn: zTurn,
    calls: z.array(z.looseObject({ id: z.string(), name: z.string(), args: z.unknown().optional() })),
  }),
  z.looseObject({ ...zBase, type: z.literal('tool.start'), turn: zTurn, call: z.string() }),
  z.looseObject({
    ...zBase,
    type: z.literal('tool.end'),
    turn: zTurn,
    call: z.string(),
    ok: z.boolean(),
    result: z.unknown().optional(),
    error: z.string().optional(),
    reads: zKv.optional(),
    writes: zKv.optional(),
  }),
  z.looseObject({
    ...zBase,
    type: z.literal('tool.commit'),
    turn: zTurn,
    call: z.string(),
    synthetic: z.boolean().optional(),
  }),
]);
const vInt0 = v.pipe(v.number(), v.integer(), v.minValue(0));
const vTurn = v.pipe(v.number(), v.integer(), v.minValue(1));
const vBase = {
  v: v.literal(1),
  run: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  seq: vInt0,
  t: v.number(),
};
const vKv = v.optional(v.array(v.object({ key: v.string(), version: vInt0 })));
const valibot = v.variant('type', [
  v.looseObject({ ...vBase, type: v.literal('llm.request'), turn: vTurn }),
  v.looseObject({
    ...vBase,
    type: v.literal('llm.response'),
    turn: vTurn,
    calls: v.array(v.looseObject({ id: v.string(), name: v.string(), args: v.optional(v.unknown()) })),
  }),
  v.looseObject({ ...vBase, type: v.literal('tool.start'), turn: vTurn, call: v.string() }),
  v.looseObject({
    ...vBase,
    type: v.literal('tool.end'),
    turn: vTurn,
    call: v.string(),
    ok: v.boolean(),
    result: v.optional(v.unknown()),
    error: v.optional(v.string()),
    reads: vKv,
    writes: vKv,
  }),
  v.looseObject({
    ...vBase,
    type: v.literal('tool.commit'),
    turn: vTurn,
    call: v.string(),
    synthetic: v.optional(v.boolean()),
  }),
]);
const ajv = new Ajv({ strict: false });
const ajvByType = Object.fromEntries(
  Object.entries(eventSchemas).map(([t, s]) => [t, ajv.compile(JSON.parse(JSON.stringify(s)) as object)]),
);

const tbByType = Object.fromEntries(Object.entries(eventSchemas).map(([t, s]) => [t, Compile(s)]));

const candidates: [string, (o: unknown) => boolean][] = [
  ['JSON.parse only (floor)', () => true],
  ['typebox 1.4 compiled (chosen)', (o) => validateEvent(o).ok],
  ['typebox 1.4 Check only, per type', (o) => tbByType[(o as { type: string }).type]!.Check(o)],
  ['ajv 8 compiled, per type', (o) => ajvByType[(o as { type: string }).type]!(o) as boolean],
  ['zod 4 discriminatedUnion', (o) => zod.safeParse(o).success],
  ['valibot 1 variant', (o) => v.safeParse(valibot, o).success],
];

const results = new Map<string, number[]>();
for (let round = 0; round < 5; round++) {
  for (const [name, check] of candidates) {
    const t0 = performance.now();
    let ok = 0;
    for (const line of lines) if (check(JSON.parse(line))) ok++;
    if (ok !== N) throw new Error(`${name} rejected ${N - ok} valid events`);
    const ms = performance.now() - t0;
    results.set(name, [...(results.get(name) ?? []), ms]);
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[2]!;
const floor = med(results.get(candidates[0]![0])!);
console.log(
  `validator benchmark: ${N.toLocaleString('en')} events, parse + validate per line, median of 5, interleaved; ${cpus().length} cores, Node ${process.version}`,
);
for (const [name, xs] of results) {
  const m = med(xs);
  console.log(
    `${name.padEnd(32)} ${m.toFixed(0).padStart(6)} ms  ${(m / floor).toFixed(2)}x floor  validation ${(m - floor).toFixed(0)} ms`,
  );
}
