/** One `txcenter` subcommand. `run` returns the process exit code. */
export interface Command {
  readonly name: string;
  /** One line for the help listing. */
  readonly summary: string;
  /** Full usage text, printed by `txcenter <name> --help` and on usage errors. */
  readonly usage: string;
  run(args: string[]): Promise<number>;
}

/** A bad command line: the CLI prints the message and the command's usage, then exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
