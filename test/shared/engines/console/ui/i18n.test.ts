import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../../../../shared/engines/console/api';
import { AUDIT_ACTIONS, AUDIT_RESULTS, DEAD_LETTER_STATUS_NAMES, TX_STATE_NAMES } from '../../../../../shared/engines/console/contract';
import { errorMessage, LANGS, MESSAGES, translator } from '../../../../../shared/engines/console/ui/i18n';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('console UI string tables', () => {
  it('have the same keys in Chinese and English, none empty', () => {
    const zh = Object.keys(MESSAGES['zh-CN']).sort();
    const en = Object.keys(MESSAGES.en).sort();
    expect(zh.filter((key) => !en.includes(key))).toEqual([]);
    expect(en.filter((key) => !zh.includes(key))).toEqual([]);
    for (const lang of LANGS) for (const [key, text] of Object.entries(MESSAGES[lang])) expect(text.trim(), `${lang} ${key}`).not.toBe('');
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of Object.entries(MESSAGES['zh-CN']))
      expect(placeholders(MESSAGES.en[key as keyof typeof MESSAGES.en]), key).toEqual(placeholders(text));
  });

  it('name every API error code, state and audit value the server can send', () => {
    const keys = Object.keys(MESSAGES['zh-CN']);
    const needed = [
      ...Object.keys(ERROR_STATUS).map((code) => `error.${code}`),
      ...TX_STATE_NAMES.map((s) => `state.${s}`),
      ...DEAD_LETTER_STATUS_NAMES.map((s) => `dlStatus.${s}`),
      ...AUDIT_ACTIONS.map((a) => `audit.action.${a}`),
      ...AUDIT_RESULTS.map((r) => `audit.result.${r}`),
    ];
    expect(needed.filter((key) => !keys.includes(key))).toEqual([]);
  });

  it('speaks Chinese by key, fills placeholders, and falls back for codes it does not know', () => {
    const zh = translator('zh-CN');
    const en = translator('en');
    expect(zh('nav.deadLetters')).toBe('死信');
    expect(en('replay.execute', { n: 3 })).toBe('Execute replay (3)');
    expect(errorMessage(en, 'FORBIDDEN')).toBe('Your role may not do this.');
    expect(errorMessage(zh, 'SOMETHING_NEW')).toBe(zh('error.unknown'));
    expect(zh.dynamic('consumption.WEIRD', 'WEIRD')).toBe('WEIRD');
  });
});
