// An error in what the user gave the trace worker (a bad file, an unreachable URL, an unknown run):
// its message and per-line details are shown as they are, never as a stack trace.
export class InputError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}
