import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import * as z from '../../zod';
import type { Role } from './api';

/**
 * Password hashes are `scrypt$<N>$<r>$<p>$<salt b64>$<key b64>` (node:crypto scrypt, 32-byte key).
 * N=16384, r=8, p=1 takes ~40 ms and 16 MB: slow enough to make guessing expensive, cheap enough for
 * a login on a 256 MB function.
 */
export const SCRYPT_PARAMS = { N: 16_384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SCRYPT_HASH = /^scrypt\$(\d{1,7})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]{16,88})\$([A-Za-z0-9+/=]{40,88})$/;
/** `sha256:<64 hex>` of an API token (tokens are random, so a fast hash is enough). */
const TOKEN_HASH = /^sha256:[0-9a-f]{64}$/;

export const ROLES = ['viewer', 'operator'] as const;

/** One operator of `TXC_OPERATORS`: a password (browser) and/or an API token (scripts, Prometheus). */
export const operatorSchema = z
  .strictObject({
    name: z.string().check(z.regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'letters, digits and _ . @ -, at most 64 characters')),
    role: z.enum(ROLES),
    passwordHash: z.optional(z.string().check(z.regex(SCRYPT_HASH, 'scrypt$N$r$p$salt$key (see `txcenter console-user`)'))),
    tokenHash: z.optional(z.string().check(z.regex(TOKEN_HASH, 'sha256:<64 hex digits>'))),
  })
  .check(z.refine((op) => op.passwordHash !== undefined || op.tokenHash !== undefined, 'an operator needs a passwordHash or a tokenHash'));
export type OperatorConfig = z.output<typeof operatorSchema>;

/** The `TXC_OPERATORS` setting: a JSON array of operators with unique names (at most 100). */
export const operatorsSchema = z.pipe(
  z.pipe(
    z.string(),
    z.transform((text: string, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({
          code: 'custom',
          message: 'must be a JSON array of {name, role, passwordHash?, tokenHash?}',
          input: '[not shown]',
        });
        return z.NEVER;
      }
    }),
  ),
  z.array(operatorSchema).check(
    z.maxLength(100),
    z.refine((operators) => new Set(operators.map((o) => o.name)).size === operators.length, 'operator names must be unique'),
  ),
);

function scryptAsync(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_BYTES, { ...params, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

const formatHash = (params: { N: number; r: number; p: number }, salt: Buffer, key: Buffer) =>
  `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;

/** Hashes a password for `TXC_OPERATORS`. */
export async function hashPassword(password: string, params: { N: number; r: number; p: number } = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  return formatHash(params, salt, await scryptAsync(password, salt, params));
}

/** {@link hashPassword} for synchronous callers (the local stack's environment, CLI tools). */
export function hashPasswordSync(password: string, params: { N: number; r: number; p: number } = SCRYPT_PARAMS): string {
  const salt = randomBytes(16);
  return formatHash(params, salt, scryptSync(password, salt, KEY_BYTES, { ...params, maxmem: 64 * 1024 * 1024 }));
}

/** Constant-time check of a password against a stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = SCRYPT_HASH.exec(stored);
  if (!match) return false;
  const expected = Buffer.from(match[5]!, 'base64');
  const key = await scryptAsync(password, Buffer.from(match[4]!, 'base64'), {
    N: Number(match[1]),
    r: Number(match[2]),
    p: Number(match[3]),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** The `tokenHash` of an API token. */
export function hashToken(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex')}`;
}

/** A fresh random API token (base64url, 32 bytes). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface Operator {
  readonly name: string;
  readonly role: Role;
}

/** A password check against an unknown name still costs one scrypt run, so timing does not reveal names. */
const DUMMY_HASH = `scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

/** The configured operators, looked up by name or API token. Built once at cold start. */
export class Operators {
  private readonly byName: Map<string, OperatorConfig>;
  private readonly byToken: Map<string, OperatorConfig>;

  constructor(operators: readonly OperatorConfig[]) {
    this.byName = new Map(operators.map((op) => [op.name, op]));
    this.byToken = new Map(operators.flatMap((op) => (op.tokenHash ? [[op.tokenHash, op] as const] : [])));
  }

  /** The operator currently configured under `name` (sessions are re-checked against it on every request). */
  get(name: string): Operator | undefined {
    const op = this.byName.get(name);
    return op && { name: op.name, role: op.role };
  }

  /** The operator whose password this is, else undefined (same cost either way). */
  async login(name: string, password: string): Promise<Operator | undefined> {
    const op = this.byName.get(name);
    const ok = await verifyPassword(password, op?.passwordHash ?? DUMMY_HASH);
    return ok && op?.passwordHash ? { name: op.name, role: op.role } : undefined;
  }

  /** The operator owning this API token. A map lookup by hash: the hash of a random token leaks nothing by timing. */
  byApiToken(token: string): Operator | undefined {
    const op = this.byToken.get(hashToken(token));
    return op && { name: op.name, role: op.role };
  }
}
