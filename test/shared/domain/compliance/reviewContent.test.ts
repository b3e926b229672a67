import { describe, expect, it } from 'vitest';
import { DEFAULT_COMPLIANCE_RULES } from '../../../../shared/domain/compliance/complianceRules';
import { reviewContent } from '../../../../shared/domain/compliance/reviewContent';

const review = (content: string, extra: { productRisk?: string; customerRiskLevel?: string } = {}) =>
  reviewContent({ title: '陪伴消息', content, ...extra }, DEFAULT_COMPLIANCE_RULES);
const rules = (content: string, extra?: { productRisk?: string; customerRiskLevel?: string }) =>
  review(content, extra).findings.map((f) => f.rule);

describe('Function: reviewContent', () => {
  it('passes realistic compliant Chinese and English content, including required risk disclosures', () => {
    expect(
      review('近期市场波动加大，请您理性看待短期涨跌。基金有风险，投资需谨慎。基金管理人不保证基金一定盈利，也不保证最低收益。').verdict,
    ).toBe('PASS');
    expect(
      review('Markets were volatile this week. Past performance is not indicative of future results; returns are not guaranteed.').verdict,
    ).toBe('PASS');
    expect(review('本产品不保本，存在本金损失的可能。').verdict).toBe('PASS');
  });

  it('flags forbidden promises in Chinese, also when spaced out', () => {
    expect(rules('这只基金保本保息，稳赚不赔，赶紧上车！')).toEqual(['principal-protected', 'guaranteed-return']);
    expect(rules('零风险理财，年化收益有保障')).toEqual(['guaranteed-return', 'zero-risk']);
    expect(rules('保 本 产品，限时抢购')).toEqual(['principal-protected']);
  });

  it('flags forbidden promises in English, case-insensitively', () => {
    expect(rules('A Guaranteed Return of 8% a year — completely risk-free!')).toEqual(['guaranteed-return', 'zero-risk']);
    expect(rules('Our principal-protected wallet means you cannot lose.')).toEqual(['principal-protected', 'guaranteed-return']);
  });

  it('flags a product riskier than the customer tolerates (R4 to a C3 investor), not an equal or lower one', () => {
    expect(review('新发权益基金开放认购。', { productRisk: 'R4', customerRiskLevel: 'C3' }).findings).toEqual([
      expect.objectContaining({ rule: 'suitability', evidence: 'R4 > C3' }),
    ]);
    expect(review('货币基金随时可取。', { productRisk: 'R1', customerRiskLevel: 'C1' }).verdict).toBe('PASS');
    expect(review('均衡混合基金。', { productRisk: 'R3', customerRiskLevel: 'C3' }).verdict).toBe('PASS');
  });
});
