// Checks a tool call's input against the AI SDK tool's schema before the executor dispatches it, the
// way the AI SDK will (Standard Schema such as zod, an AI SDK `Schema`, or a lazy one), so a call the
// SDK is going to reject is failed at once instead of waiting for an invocation that never comes.
import { errorText } from '../../executor.ts';

interface Issue {
  message?: string;
  path?: readonly (PropertyKey | { key: PropertyKey })[];
}
type Validated = { issues?: readonly Issue[] } | { success: boolean; error?: unknown };

function issuesText(issues: readonly Issue[]): string {
  return issues
    .map((i) => {
      const path = (i.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
      return path ? `${path}: ${i.message ?? 'invalid'}` : (i.message ?? 'invalid');
    })
    .join('; ');
}

/** Undefined when the input is valid (or the schema cannot check it, as with a bare JSON schema). */
export async function inputProblem(schema: unknown, input: unknown): Promise<string | undefined> {
  let s = schema;
  if (typeof s === 'function' && !('~standard' in s)) s = (s as () => unknown)();
  if (s === null || (typeof s !== 'object' && typeof s !== 'function')) return undefined;
  const standard = (s as { '~standard'?: { validate?: (v: unknown) => Validated | Promise<Validated> } })[
    '~standard'
  ];
  try {
    if (typeof standard?.validate === 'function') {
      const r = await standard.validate(input);
      return 'issues' in r && r.issues ? issuesText(r.issues) : undefined;
    }
    const validate = (s as { validate?: (v: unknown) => Validated | Promise<Validated> }).validate;
    if (typeof validate === 'function') {
      const r = await validate.call(s, input);
      return 'success' in r && !r.success ? errorText(r.error) : undefined;
    }
  } catch (err) {
    return `the schema threw: ${errorText(err)}`;
  }
  return undefined;
}
