import { parseArgs } from 'node:util';
import type { Command } from '../command';
import { UsageError } from '../command';

const USAGE = `Usage: txcenter console-user --name <name> --role viewer|operator [--password-env VAR] [--token]

Prints one entry of TXC_OPERATORS (tx-console's operators) as JSON: the scrypt hash of the password
read from the environment variable VAR (never from the command line, which shells keep in history),
and/or a new random API token (printed once, with its sha256 hash for the entry). Collect the
entries into a JSON array and set it as TXC_OPERATORS.

Example:
  OPS_PASSWORD='…' txcenter console-user --name zhang.wei --role operator --password-env OPS_PASSWORD
  txcenter console-user --name prometheus --role viewer --token`;

/** `txcenter console-user`: hashes an operator's password and/or mints an API token for TXC_OPERATORS. */
export const consoleUserCommand: Command = {
  name: 'console-user',
  summary: 'print a TXC_OPERATORS entry (password hash and/or API token) for tx-console',
  usage: USAGE,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        name: { type: 'string' },
        role: { type: 'string' },
        'password-env': { type: 'string' },
        token: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const { hashPassword, hashToken, newToken, operatorSchema } = await import('../../../shared/engines/console/operators');
    const passwordVar = values['password-env'];
    const password = passwordVar === undefined ? undefined : process.env[passwordVar];
    if (passwordVar !== undefined && !password) throw new UsageError(`environment variable ${passwordVar} is empty or unset`);
    if (!password && !values.token) throw new UsageError('give --password-env VAR, --token, or both');
    const token = values.token ? newToken() : undefined;
    const entry = {
      name: values.name,
      role: values.role,
      ...(password ? { passwordHash: await hashPassword(password) } : {}),
      ...(token ? { tokenHash: hashToken(token) } : {}),
    };
    const parsed = operatorSchema.safeParse(entry);
    if (!parsed.success)
      throw new UsageError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`).join('; '));
    console.log(JSON.stringify(parsed.data));
    if (token) console.error(`API token for ${parsed.data.name} (shown once; send as authorization: Bearer <token>): ${token}`);
    return 0;
  },
};
