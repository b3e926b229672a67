import * as z from '../../zod';

/** One business system allowed to use the transaction center. */
export const businessSystemSchema = z.object({
  /** Stable id, sent in `x-txc-system`; becomes the envelope `source`. */
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,63}$/, 'lowercase letters, digits and -, at most 64')),
  /** Shared HMAC secret (at least 32 characters); never logged. */
  secret: z.string().check(z.minLength(32, 'secrets have at least 32 characters')),
  /** Where tx-checkback asks about undecided transactions (POST, signed with the same secret). */
  checkbackUrl: z.url(),
});

export type BusinessSystem = z.output<typeof businessSystemSchema>;

/** The `TXC_SYSTEMS` configuration value: a JSON array of systems with unique ids. */
export const businessSystemsSchema = z.pipe(
  z.pipe(
    z.string(),
    z.transform((text: string, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: 'custom', message: 'must be a JSON array of {id, secret, checkbackUrl}', input: text });
        return z.NEVER;
      }
    }),
  ),
  z
    .array(businessSystemSchema)
    .check(z.refine((systems) => new Set(systems.map((s) => s.id)).size === systems.length, 'system ids must be unique')),
);

/** Looks systems up by id; built once at cold start. */
export class BusinessSystems {
  private readonly byId: Map<string, BusinessSystem>;

  constructor(systems: readonly BusinessSystem[]) {
    this.byId = new Map(systems.map((system) => [system.id, system]));
  }

  get(id: string): BusinessSystem | undefined {
    return this.byId.get(id);
  }

  /** The secret lookup {@link verifyRequest} needs. */
  readonly secretOf = (id: string): string | undefined => this.byId.get(id)?.secret;
}
