// An expected failure of a command: printed as its message alone (no stack), with an exit code.
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
