import fc from 'fast-check';

/**
 * Settings of the generated hostile-input suites: a fixed seed (override with TXC_PROPERTY_SEED to
 * explore, TXC_PROPERTY_RUNS for more runs) so CI is reproducible and its run time modest. The seed is
 * printed, and a failure reports fast-check's seed and path to replay the counterexample.
 */
export const PROPERTY_SEED = Number(process.env.TXC_PROPERTY_SEED ?? 20261127);
const RUNS = Number(process.env.TXC_PROPERTY_RUNS ?? 0);

export function propertyParameters(name: string, defaultRuns: number): fc.Parameters<unknown> {
  const numRuns = RUNS > 0 ? RUNS : defaultRuns;
  console.log(
    `[hostile input] ${name}: fast-check seed ${PROPERTY_SEED}, ${numRuns} runs (TXC_PROPERTY_SEED / TXC_PROPERTY_RUNS to change)`,
  );
  return { seed: PROPERTY_SEED, numRuns, endOnFailure: true };
}

/** Anything XML 1.0 forbids in text (message bodies travel inside the SDK's XML). */
export const NOT_XML_TEXT = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Characters downstream formats choke on: XML-forbidden ones, lone surrogates, markup and separators. */
const NASTY_CHARACTERS = [
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\uFFFE',
  '\uFFFF',
  '\uD800',
  '\uDFFF',
  '\uD83D\uDE00',
  ']]>',
  '<',
  '>',
  '&',
  '&x;',
  '"',
  "'",
  '|',
  ':',
  ',',
  '%',
  '/',
  '..',
  '\\',
  '\n',
  '\r',
  ' ',
  '基金',
];

/** Strings mixing arbitrary UTF-16 code units with the characters above. */
export const nastyString = (maxLength = 40): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.oneof(
      fc.constantFrom(...NASTY_CHARACTERS),
      fc.nat(0xffff).map((c) => String.fromCharCode(c)),
      fc.constantFrom('a', 'Z', '0', '_', '-'),
    ),
    maxLength,
  });

/** JSON nested `depth` levels deep (arrays and objects alternating) around `leaf`. */
export function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { k: value };
  return value;
}

/**
 * Arbitrary JSON values: ordinary, with nasty strings, wide, or deep. Values stay shallow enough for
 * the test's own JSON.stringify (it overflows near 5 000 levels); deeper input is {@link deepJsonText}.
 */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(nastyString(12), fc.oneof(nastyString(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null)), { maxKeys: 8 }),
  fc.array(nastyString(), { maxLength: 20 }),
  fc.tuple(fc.integer({ min: 1, max: 1_000 }), fc.jsonValue({ maxDepth: 1 })).map(([depth, leaf]) => nested(depth, leaf)),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -0, 1e308, '', []),
);

/** JSON text nested up to 30 000 levels (what a client can send; JSON.parse builds it, recursion cannot walk it). */
export const deepJsonText: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1, max: 30_000 }), fc.boolean())
  .map(([depth, objects]) => (objects ? `${'{"k":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`));

/** Percent-encodes every UTF-8 byte except unreserved characters (encodeURIComponent throws on lone surrogates). */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}
