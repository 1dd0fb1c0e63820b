import { describe, expect, it } from 'vitest';
import {
  allowedRejects,
  defaultInboxPolicy,
  formatInboxPolicy,
  inboxPolicyOf,
  parseInboxPolicies,
  parseInboxPolicy,
  withinPolicy,
} from './inbox-policy';

const skip = (maxErrorRate: number) => ({ onBadRow: 'skip', maxErrorRate }) as const;

describe('withinPolicy', () => {
  it('lets no bad row through under fail, whatever the file', () => {
    expect(withinPolicy(defaultInboxPolicy, 0, 1000)).toBe(true);
    expect(withinPolicy(defaultInboxPolicy, 1, 1000)).toBe(false);
  });

  it('lets a file under skip reject up to its rate of the rows it holds, and not one more', () => {
    expect(withinPolicy(skip(0.1), 1, 10)).toBe(true);
    expect(withinPolicy(skip(0.1), 2, 10)).toBe(false);
  });

  it('counts whole rows: 1% of 250 rows allows 2 rejects', () => {
    expect(allowedRejects(skip(0.01), 250)).toBe(2);
  });

  it('allows exactly the rate where the product rounds below it in floating point (0.29 × 100)', () => {
    expect(withinPolicy(skip(0.29), 29, 100)).toBe(true);
    expect(withinPolicy(skip(0.29), 30, 100)).toBe(false);
  });

  it('allows no reject under skip with rate 0, and every row under rate 1', () => {
    expect(withinPolicy(skip(0), 1, 1_000_000)).toBe(false);
    expect(withinPolicy(skip(1), 5, 5)).toBe(true);
  });
});

describe('parseInboxPolicy', () => {
  it.each([
    ['fail', { onBadRow: 'fail', maxErrorRate: 0 }],
    ['skip', { onBadRow: 'skip', maxErrorRate: 0 }],
    ['skip:0.05', { onBadRow: 'skip', maxErrorRate: 0.05 }],
    ['skip:5%', { onBadRow: 'skip', maxErrorRate: 0.05 }],
  ])('reads %s', (text, policy) => {
    expect(parseInboxPolicy(text)).toEqual(policy);
  });

  it.each(['skip:2', 'skip:-1%', 'skip:', 'skip:x', 'drop', 'fail:0.1'])('refuses %s', (text) => {
    expect(() => parseInboxPolicy(text)).toThrow(/inbox policy|error rate/);
  });

  it('writes back what it reads', () => {
    expect(formatInboxPolicy(parseInboxPolicy('skip:0.07'))).toBe('skip:7%');
    expect(formatInboxPolicy(parseInboxPolicy('fail'))).toBe('fail');
  });
});

describe('inboxPolicyOf', () => {
  it('gives a table no entry names the default, fail', () => {
    expect(inboxPolicyOf('design')).toEqual(defaultInboxPolicy);
  });

  it('takes an override of TOTES_INBOX_POLICY over the declared entry', () => {
    const overrides = parseInboxPolicies('design=skip:1%, payment=fail');

    expect(inboxPolicyOf('design', overrides)).toEqual({ onBadRow: 'skip', maxErrorRate: 0.01 });
    expect(inboxPolicyOf('payment', overrides)).toEqual(defaultInboxPolicy);
  });

  it('refuses an override of a table the catalog does not know', () => {
    expect(() => parseInboxPolicies('orders=skip')).toThrow(/"orders" is not a table/);
  });
});
