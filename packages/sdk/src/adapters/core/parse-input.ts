// A tool call's arguments as the model sent them: providers carry them as a JSON string.

/** Parsed arguments, or why they are not JSON (the raw text is then what the trace shows). */
export function parseInput(input: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof input !== 'string') return { ok: true, value: input };
  if (input.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(input) };
  } catch {
    return { ok: false, error: `the model's input is not JSON: ${input.slice(0, 80)}` };
  }
}
