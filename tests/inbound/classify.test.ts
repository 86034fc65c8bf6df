import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { classify, fieldsOf, worstStatus } from '../../src/inbound/classify.js';
import { fixture } from './support.js';

const context = { to: ['bounces+d1-2-0123456789abcdef0123@bounces.example.org'], unsubscribeAddress: 'unsubscribe@example.org', bounceDomain: 'bounces.example.org' };
const parse = (raw: string) => simpleParser(raw, { keepDeliveryStatus: true });

describe('reading a delivery status', () => {
  it('unfolds continuation lines and keeps blocks apart', () => {
    expect(fieldsOf('Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; a@b\nDiagnostic-Code: smtp; 550\n    5.1.1 gone\n')).toEqual([
      new Map([['reporting-mta', 'dns; mx']]),
      new Map([['final-recipient', 'rfc822; a@b'], ['diagnostic-code', 'smtp; 550 5.1.1 gone']]),
    ]);
  });

  it('takes the gravest status among the recipients, by code and never by words', () => {
    expect(worstStatus('Reporting-MTA: dns; x\n\nStatus: 4.4.7\nAction: failed\n\nStatus: 5.2.2\n')).toBe('5.2.2');
    expect(worstStatus('Status: 2.0.0\nAction: failed\nDiagnostic-Code: smtp; permanent failure, user unknown\n')).toBe('2.0.0');
    expect(worstStatus('Final-Recipient: rfc822; a@b\nAction: failed\nDiagnostic-Code: smtp; 550 5.7.1 blocked\n')).toBe('5.7.1');
    expect(worstStatus('Final-Recipient: rfc822; a@b\nAction: delayed\nDiagnostic-Code: smtp; 421 try later\n')).toBe('4.0.0');
    expect(worstStatus('Final-Recipient: rfc822; a@b\nAction: failed\n')).toBeUndefined();
  });
});

describe('classifying what comes back', () => {
  it.each([
    ['postfix-5.1.1.eml', { kind: 'bounce', severity: 'hard', status: '5.1.1' }],
    ['postfix-4.4.1-delayed.eml', { kind: 'bounce', severity: 'soft', status: '4.4.1' }],
    ['exchange-5.1.10.eml', { kind: 'bounce', severity: 'hard', status: '5.1.10' }],
    ['gmail-5.7.1.eml', { kind: 'bounce', severity: 'hard', status: '5.7.1' }],
    ['arf-complaint.eml', { kind: 'complaint', feedbackType: 'abuse' }],
    ['out-of-office.eml', { kind: 'auto-reply', reason: 'Auto-Submitted: auto-replied' }],
    ['vacation-precedence.eml', { kind: 'auto-reply', reason: 'Precedence: auto_reply' }],
  ])('reads %s by its structure', async (name, expected) => {
    const mail = await parse(fixture(name, { returnPath: context.to[0], recipient: 'reader@example.org', reportTo: 'unsubscribe@example.org' }));
    expect(classify(mail, { ...context, to: ['unsubscribe@example.org'] })).toMatchObject(expected);
  });

  it('finds the return path in a report addressed elsewhere, and nothing without BOUNCE_DOMAIN', async () => {
    const mail = await parse(fixture('arf-complaint.eml', { returnPath: context.to[0] }));
    expect(classify(mail, { ...context, to: ['unsubscribe@example.org'] })).toMatchObject({ returnTokens: ['d1-2-0123456789abcdef0123'] });
    expect(classify(mail, { to: ['unsubscribe@example.org'], unsubscribeAddress: 'unsubscribe@example.org' })).toMatchObject({ returnTokens: [] });
  });

  it('reads a report with a part of empty Content-Type as a report of nothing, without throwing', async () => {
    const mail = await parse('Content-Type: multipart/report; report-type=delivery-status; boundary=b1\r\n\r\n--b1\r\nContent-Type: \r\n\r\n\r\n');
    expect(() => classify(mail, context)).not.toThrow();
    expect(classify(mail, context)).toMatchObject({ kind: 'other' });
  });

  it('takes link tokens from the subject first, then the body, only for mail to the unsubscribe address', async () => {
    const token = `${'a'.repeat(30)}.${'b'.repeat(43)}`;
    const mail = await parse(fixture('mailto-unsubscribe.eml', { unsubscribeToken: token }));
    expect(classify(mail, { ...context, to: ['Unsubscribe@Example.org'] })).toEqual({ kind: 'unsubscribe', tokens: [token] });
    expect(classify(mail, context)).toMatchObject({ kind: 'other' });
  });
});
