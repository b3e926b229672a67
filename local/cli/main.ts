import type { Command } from './command';
import { UsageError } from './command';

/**
 * The subcommands, loaded lazily so `txcenter broker` does not pay for the demo's imports.
 * Add a command here and in its own file under `commands/`.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  broker: { summary: 'run the local RocketMQ HTTP broker', load: async () => (await import('./commands/broker')).brokerCommand },
  dlq: {
    summary: 'list, show and replay dead letters (dry-run by default)',
    load: async () => (await import('./commands/dlq')).dlqCommand,
  },
  start: {
    summary: 'start everything locally and run the discount-purchase demo',
    load: async () => (await import('./commands/start')).startCommand,
  },
  demo: {
    summary: 'run the demo on a fresh stack; exit 0 only if consistent',
    load: async () => (await import('./commands/demo')).demoCommand,
  },
  reconcile: {
    summary: 'run the reconciler now (or --last) and print its report',
    load: async () => (await import('./commands/reconcile')).reconcileCommand,
  },
  bench: {
    summary: 'run a benchmark (broker | tx | e2e | coldstart | console | store | startup | chaos)',
    load: async () => (await import('./commands/bench')).benchCommand,
  },
  'console-user': {
    summary: 'print a TXC_OPERATORS entry (password hash and/or API token) for tx-console',
    load: async () => (await import('./commands/consoleUser')).consoleUserCommand,
  },
};

export const COMMAND_NAMES = Object.keys(COMMANDS);

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: txcenter <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `txcenter <command> --help` for its options, `txcenter --version` for the version.',
  ].join('\n');
}

/** parseArgs and zod messages can span lines; the error stays one line. */
function oneLine(message: string): string {
  return message
    .split('\n')
    .map((part) => part.trim())
    .filter(Boolean)
    .join('; ');
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? console.error : console.log)(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(`txcenter ${await packageVersion()}`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`txcenter: unknown command '${name}' (commands: txcenter --help)`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.helpFor?.(rest) ?? command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      // One line: the mistake and where the options are listed (the usage text would bury it).
      const where = `txcenter ${(error instanceof UsageError && error.command) || name}`;
      console.error(`${where}: ${oneLine((error as Error).message)} (options: ${where} --help)`);
      return 2;
    }
    const failure = error as NodeJS.ErrnoException & { address?: string; port?: number };
    if (failure.code === 'EADDRINUSE') {
      console.error(
        `txcenter ${name}: ${failure.address}:${failure.port} is already in use (is another txcenter running?); pick another port with the command's port options (--help)`,
      );
      return 1;
    }
    throw error;
  }
}
