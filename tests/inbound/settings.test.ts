import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { problemsOf } from '../helpers/config.js';

describe('the settings of mail that comes back', () => {
  it('have defaults that keep everything as before', () => {
    const config = loadConfig({});
    expect(config.BOUNCE_DOMAIN).toBeUndefined();
    expect(config).toMatchObject({
      INBOUND_SMTP_PORT: 2525,
      SERVE_INBOUND: false,
      INBOUND_MAX_MESSAGE_BYTES: 1_048_576,
      RUN_COMPLAINT_PAUSE_RATE: 0.003,
      RUN_BOUNCE_PAUSE_RATE: 0.05,
      RUN_PAUSE_MIN_SENDS: 500,
      INBOUND_IMAP_DONE_FOLDER: 'Processed',
      INBOUND_MAX_CONNECTIONS_PER_IP: 5,
      INBOUND_SESSION_SECONDS: 300,
    });
    expect(new RegExp(config.SES_SNS_CERT_HOST).test('sns.eu-west-2.amazonaws.com')).toBe(true);
    expect(new RegExp(config.SES_SNS_CERT_HOST).test('sns.eu-west-2.amazonaws.com.attacker.example')).toBe(false);
  });

  it('read lists, flags and domains', () => {
    const config = loadConfig({ BOUNCE_DOMAIN: 'Bounces.Example.org', SERVE_INBOUND: 'true', SES_SNS_TOPIC_ARNS: 'arn:a, arn:b' });
    expect(config).toMatchObject({ BOUNCE_DOMAIN: 'bounces.example.org', SERVE_INBOUND: true, SES_SNS_TOPIC_ARNS: ['arn:a', 'arn:b'] });
  });

  it('refuse bad values with their real limits named', () => {
    expect(problemsOf({ RUN_COMPLAINT_PAUSE_RATE: '2' })).toEqual(['RUN_COMPLAINT_PAUSE_RATE: must be a number from 0 to 1 (0.003 is 0.3%)']);
    expect(problemsOf({ INBOUND_MAX_MESSAGE_BYTES: '10' })).toEqual(['INBOUND_MAX_MESSAGE_BYTES: must be a whole number from 1024 to 52428800']);
    expect(problemsOf({ INBOUND_SESSION_SECONDS: '0' })).toEqual(['INBOUND_SESSION_SECONDS: must be a whole number from 1 to 3600']);
    expect(problemsOf({ INBOUND_MAX_CONNECTIONS_PER_IP: '0' })).toEqual(['INBOUND_MAX_CONNECTIONS_PER_IP: must be a whole number from 1 to 10000']);
    expect(problemsOf({ INBOUND_MAX_CONNECTIONS: '10', INBOUND_MAX_CONNECTIONS_PER_IP: '11' })).toEqual([
      'INBOUND_MAX_CONNECTIONS_PER_IP: must be at most INBOUND_MAX_CONNECTIONS, or one client can hold every connection',
    ]);
    expect(problemsOf({ RUN_PAUSE_MIN_SENDS: '0' })).toEqual(['RUN_PAUSE_MIN_SENDS: must be a whole number from 1 to 10000000']);
    expect(problemsOf({ BOUNCE_DOMAIN: 'not a domain' })).toEqual(['BOUNCE_DOMAIN: must be a domain name such as bounces.example.org']);
    expect(problemsOf({ SERVE_INBOUND: 'yes' })).toEqual(['SERVE_INBOUND: must be true or false']);
    expect(problemsOf({ INBOUND_IMAP_URL: 'pop3://x@y' })).toEqual(['INBOUND_IMAP_URL: must be a URL like imaps://user:pass@imap.example.org/INBOX']);
    expect(problemsOf({ SES_SNS_CERT_HOST: '([' })).toEqual(['SES_SNS_CERT_HOST: must be a regular expression matching the certificate URL host']);
  });

  it('want certificate and key together, and both Postmark credentials', () => {
    expect(problemsOf({ INBOUND_TLS_CERT: '/etc/cert.pem' })).toEqual(['INBOUND_TLS_CERT, INBOUND_TLS_KEY: set both to offer STARTTLS, or neither']);
    expect(problemsOf({ POSTMARK_WEBHOOK_USER: 'postmark' })).toEqual(['POSTMARK_WEBHOOK_USER, POSTMARK_WEBHOOK_PASSWORD: set both to enable the Postmark webhook, or neither']);
  });
});
