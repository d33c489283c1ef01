// Python-only shapes (no Python here): OpenInference TOOL spans naming their call in `tool.id`, and
// OTLP JSON from protobuf's MessageToJson with base64 ids. See python-openinference-fixture.ts.
import { describe, expect, it } from 'vitest';
import { importOtlpJson } from '../otlp-json.ts';
import { SLOW_CALL } from '../testing/recorders/mock-llm-server.ts';
import { pythonOpenInferenceRun } from '../testing/recorders/python-openinference-fixture.ts';
import { verdictOf } from '../testing/recorders/verdict.ts';

// 0280cc4bd0238e… in base64 is "AoDMS9Aj…": upper and lower case letters, lossy if case-folded.
const TRACE = '0280cc4bd0238e2f9a1b7c3d4e5f6071';

describe('Python OpenInference spans written by MessageToJson', () => {
  it('a correct agent: the run is the trace id decoded to hex, tool spans bound by tool.id, clean', () => {
    const { request, traceIdHex } = pythonOpenInferenceRun({ impatient: false, traceIdHex: TRACE });
    expect(JSON.stringify(request)).toContain('"traceId":"AoDMS9Ajji+aG3w9Tl9gcQ=="');
    const v = verdictOf(request);
    expect(v.runs).toEqual([traceIdHex]);
    expect(v.anomalies).toEqual([]);
    expect(v.evidence).toEqual([]);
    const events = importOtlpJson(request).get(TRACE)!;
    // The resource's service.name names the agent; the AGENT span's name only stands in without one.
    expect(events[0]).toMatchObject({ agent: 'py-agent' });
    expect(events.filter((e) => e.type === 'tool.end').map((e) => 'call' in e && e.call)).toContain(
      SLOW_CALL,
    );
  });

  it('an impatient agent: the anomaly names the real call id from tool.id', () => {
    const v = verdictOf(pythonOpenInferenceRun({ impatient: true, traceIdHex: TRACE }).request);
    expect(v.serious).toEqual([
      `late-commit|error|1|${SLOW_CALL}`,
      `premature-llm-call|error|2|${SLOW_CALL}`,
    ]);
  });

  it('hex ids are kept exactly as written, upper case included', () => {
    const { request } = pythonOpenInferenceRun({ impatient: false, traceIdHex: TRACE });
    const upper = JSON.parse(
      JSON.stringify(request).replaceAll('"AoDMS9Ajji+aG3w9Tl9gcQ=="', '"0280CC4BD0238E2F9A1B7C3D4E5F6071"'),
    );
    expect([...importOtlpJson(upper).keys()]).toEqual(['0280CC4BD0238E2F9A1B7C3D4E5F6071']);
  });
});
