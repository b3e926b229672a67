/** One `txcenter` subcommand. `run` returns the process exit code. */
export interface Command {
  readonly name: string;
  /** One line for the help listing. */
  readonly summary: string;
  /** Full usage text, printed by `txcenter <name> --help` and on usage errors. */
  readonly usage: string;
  /** Help for a part of the command (`bench tx --help`); undefined falls back to `usage`. */
  helpFor?(args: string[]): string | undefined;
  run(args: string[]): Promise<number>;
}

/** A bad command line: the CLI prints the message on one line with where to find help, then exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose `--help` the hint names, when more precise than the top-level one (`bench tx`). */
  readonly command: string | undefined;

  constructor(message: string, options: { command?: string } = {}) {
    super(message);
    this.command = options.command;
  }
}
