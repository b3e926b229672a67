import type { ComplianceRuleSet } from './complianceRules';

export interface ReviewInput {
  readonly title: string;
  readonly content: string;
  readonly productRisk?: string;
  readonly customerRiskLevel?: string;
}

export interface Finding {
  readonly rule: string;
  readonly description: string;
  /** The matched text (or `R4 > C3`). */
  readonly evidence: string;
}

export interface Verdict {
  readonly verdict: 'PASS' | 'VIOLATION';
  readonly ruleSet: string;
  readonly findings: readonly Finding[];
}

const CJK = /[\u3400-\u9fff]/;

function negated(before: string, negations: readonly string[]): boolean {
  const tail = before.toLowerCase();
  return negations.some((negation) => tail.endsWith(negation.toLowerCase()));
}

/** Positions of `phrase` in `text` (case-insensitive) that are not preceded by a negation. */
function promiseAt(text: string, phrase: string, negations: readonly string[]): boolean {
  const haystack = text.toLowerCase();
  const needle = phrase.toLowerCase();
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    if (!negated(haystack.slice(Math.max(0, at - 12), at), negations)) return true;
  }
  return false;
}

/**
 * Reviews marketing/companion content against a rule set: forbidden promises (Chinese phrases also
 * matched with whitespace removed, so "保 本" is caught) and suitability (product R-level above the
 * customer's C-level). Pure: verdicts are stored and alerted by the compliance handler.
 */
export function reviewContent(input: ReviewInput, rules: ComplianceRuleSet): Verdict {
  const text = `${input.title}\n${input.content}`;
  const compact = text.replace(/\s+/g, '');
  const findings: Finding[] = [];
  for (const rule of rules.forbiddenPhrases) {
    const hit = rule.phrases.find(
      (phrase) => promiseAt(text, phrase, rules.negations) || (CJK.test(phrase) && promiseAt(compact, phrase, rules.negations)),
    );
    if (hit) findings.push({ rule: rule.id, description: rule.description, evidence: hit });
  }
  if (rules.suitability && input.productRisk && input.customerRiskLevel) {
    const product = Number(input.productRisk.slice(1));
    const customer = Number(input.customerRiskLevel.slice(1));
    if (product > customer)
      findings.push({
        rule: 'suitability',
        description: 'product risk level above the customer’s risk tolerance (适当性)',
        evidence: `${input.productRisk} > ${input.customerRiskLevel}`,
      });
  }
  return { verdict: findings.length > 0 ? 'VIOLATION' : 'PASS', ruleSet: rules.id, findings };
}
