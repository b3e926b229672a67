import * as z from '../../zod';

/**
 * Compliance rules as data (a new rule is a new entry, not code). Forbidden promises follow the
 * CSRC/AMAC marketing rules for public funds: no promise of principal protection or guaranteed
 * returns, no "zero risk". A phrase preceded by a negation ("不保本", "not guaranteed") is a required
 * risk disclosure, not a promise, and does not match.
 */
export const complianceRuleSetSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  forbiddenPhrases: z.array(
    z.object({
      id: z.string().check(z.minLength(1)),
      description: z.string(),
      /** Matched case-insensitively; whitespace inside the text is ignored for CJK phrases ("保 本"). */
      phrases: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
    }),
  ),
  /** Words that, right before a phrase, turn it into a disclosure. */
  negations: z.array(z.string().check(z.minLength(1))),
  /** Flag a product whose risk level (R1–R5) is above the customer's tolerance (C1–C5). */
  suitability: z.boolean(),
});
export type ComplianceRuleSet = z.output<typeof complianceRuleSetSchema>;

export const DEFAULT_COMPLIANCE_RULES: ComplianceRuleSet = complianceRuleSetSchema.parse({
  id: 'fund-marketing-2024.1',
  forbiddenPhrases: [
    {
      id: 'principal-protected',
      description: 'promises principal protection (保本)',
      phrases: [
        '保本',
        '保本保息',
        '本金无忧',
        '本金安全',
        'principal-protected',
        'principal protected',
        'capital guaranteed',
        'capital-guaranteed',
      ],
    },
    {
      id: 'guaranteed-return',
      description: 'promises a return (保证收益 / 稳赚)',
      phrases: [
        '保证收益',
        '保收益',
        '稳赚',
        '稳赚不赔',
        '只赚不赔',
        '包赚',
        '收益有保障',
        'guaranteed return',
        'guaranteed returns',
        'guaranteed profit',
        'guaranteed income',
        'sure profit',
        "can't lose",
        'cannot lose',
      ],
    },
    {
      id: 'zero-risk',
      description: 'denies investment risk (零风险)',
      phrases: ['零风险', '无风险', '没有风险', 'risk-free', 'risk free', 'no risk', 'zero risk'],
    },
  ],
  negations: ['不', '非', '并不', '不能', '无法', '不承诺', 'not ', 'no ', 'never ', 'not a ', "isn't ", 'is not ', 'cannot be '],
  suitability: true,
});
