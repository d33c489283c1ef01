// Test support: the scripted agent of record-genai-agent.ts in other instrumentations' conventions,
// written with the attribute names of @arizeai/openinference-semantic-conventions (flattened
// llm.input_messages.N.message.*, as openinference-instrumentation-openai records them).
import { SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import type { Attributes } from '@opentelemetry/api';
import type { ScriptDialect, ScriptMessage } from './record-genai-agent.ts';

function flatMessage(out: Attributes, prefix: string, m: ScriptMessage): void {
  out[`${prefix}.${SC.MESSAGE_ROLE}`] = m.role;
  let k = 0;
  for (const p of m.parts) {
    if (p.type === 'text') out[`${prefix}.${SC.MESSAGE_CONTENT}`] = String(p.content);
    else if (p.type === 'tool_call_response') {
      out[`${prefix}.${SC.MESSAGE_TOOL_CALL_ID}`] = String(p.id);
      out[`${prefix}.${SC.MESSAGE_CONTENT}`] = String(p.response);
    } else if (p.type === 'tool_call') {
      const c = `${prefix}.${SC.MESSAGE_TOOL_CALLS}.${k++}`;
      out[`${c}.${SC.TOOL_CALL_ID}`] = String(p.id);
      out[`${c}.${SC.TOOL_CALL_FUNCTION_NAME}`] = String(p.name);
      out[`${c}.${SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON}`] = JSON.stringify(p.arguments);
    }
  }
}

/** OpenInference: LLM spans with flattened input/output messages, TOOL spans, an AGENT root span. */
export const openInferenceScriptDialect: ScriptDialect = {
  agent: () => ({
    name: 'planner',
    attributes: { [SC.OPENINFERENCE_SPAN_KIND]: 'AGENT', 'agent.name': 'planner' },
  }),
  chat: (history) => {
    const attributes: Attributes = {
      [SC.OPENINFERENCE_SPAN_KIND]: 'LLM',
      [SC.LLM_MODEL_NAME]: 'gpt-4o',
      [SC.LLM_PROVIDER]: 'openai',
    };
    history?.forEach((m, i) => {
      flatMessage(attributes, `${SC.LLM_INPUT_MESSAGES}.${i}`, m);
    });
    return { name: 'ChatCompletion', attributes };
  },
  output: (message) => {
    const out: Attributes = {};
    flatMessage(out, `${SC.LLM_OUTPUT_MESSAGES}.0`, message);
    return out;
  },
  tool: (c) => ({
    name: c.name,
    attributes: {
      [SC.OPENINFERENCE_SPAN_KIND]: 'TOOL',
      [SC.TOOL_NAME]: c.name,
      [SC.TOOL_CALL_ID]: c.id,
      [SC.INPUT_VALUE]: JSON.stringify({ q: c.id }),
      [SC.OUTPUT_VALUE]: `result of ${c.id}`,
    },
  }),
};
