import type { Compilable, CompiledQuery } from 'kysely';

/** Stands for one argument while a query is compiled; found again among the compiled parameters. */
class Placeholder {
  constructor(readonly name: string) {}
}

/** Where each compiled parameter comes from: an argument by name, or a value fixed at compile time. */
type ParameterSource = { readonly argument: string } | { readonly fixed: unknown };

/** A query compiled once for one database; `bind` gives the compiled query for new arguments. */
export interface PrecompiledQuery<A, R> {
  bind(args: A): CompiledQuery<R>;
}

/**
 * Builds and compiles a Kysely query once and re-binds only its parameters on every call: Kysely
 * otherwise rebuilds and recompiles the operation tree each time (its builders were ~10 % of the
 * gateway's CPU per transaction). `build` gets placeholders for `names`; each must reach the SQL as
 * bound parameters (plain values, `eb.val`, `${}` in `sql` templates), which is checked here, so a
 * query shape that inlines a value fails at first use instead of running with a stale one.
 *
 * @example
 * const byId = precompile(['txId'], (a: { txId: string }) => db.selectFrom('txc_tx').selectAll().where('tx_id', '=', a.txId));
 * await trx.executeQuery(byId.bind({ txId }));
 */
export function precompile<A extends Record<string, unknown>, R>(
  names: readonly (keyof A & string)[],
  build: (args: A) => Compilable<R>,
): PrecompiledQuery<A, R> {
  const placeholders = Object.fromEntries(names.map((name) => [name, new Placeholder(name)])) as unknown as A;
  const compiled = build(placeholders).compile();
  const sources: ParameterSource[] = compiled.parameters.map((value) =>
    value instanceof Placeholder ? { argument: value.name } : { fixed: value },
  );
  const missing = names.filter((name) => !sources.some((source) => 'argument' in source && source.argument === name));
  if (missing.length > 0) throw new TypeError(`precompiled query does not bind ${missing.join(', ')} as parameters: ${compiled.sql}`);
  return {
    bind: (args) => ({ ...compiled, parameters: sources.map((source) => ('argument' in source ? args[source.argument] : source.fixed)) }),
  };
}
