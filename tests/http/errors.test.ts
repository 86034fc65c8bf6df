import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { RunRefusedError } from '../../src/digests/week-guard.js';
import { WeekError } from '../../src/digests/week.js';
import { FeedError } from '../../src/feeds/errors.js';
import { answerOf, ApiError } from '../../src/http/errors.js';
import { ImportError } from '../../src/meetings/errors.js';
import { EmailAddressError } from '../../src/subscribers/email.js';
import { ImportFormatError, ImportTooLargeError } from '../../src/subscribers/import-formats.js';
import { TokenError } from '../../src/tokens/signed-links.js';

const request = (parts: { body?: unknown; query?: unknown; params?: unknown } = {}) => ({ body: undefined, query: {}, params: {}, ...parts }) as FastifyRequest;

describe('the error table', () => {
  it('answers a domain error with its status, code and message', () => {
    expect(answerOf(new RunRefusedError({ reason: 'unfinished', endsAt: new Date('2025-09-15'), message: 'The week of 2025-09-08 has not ended' }), request())).toMatchObject({ status: 409, code: 'conflict', message: 'The week of 2025-09-08 has not ended' });
    expect(answerOf(new TokenError('expired'), request())).toMatchObject({ status: 400, code: 'bad_request', message: 'This link has expired.' });
    expect(answerOf(new ImportTooLargeError(100 * 1024 * 1024), request())).toMatchObject({ status: 413, message: 'The import is larger than 100 MB: split it into several requests; nothing was imported' });
    expect(answerOf(new ImportFormatError('Not CSV'), request())).toMatchObject({ status: 400, message: 'Not CSV; nothing was imported' });
  });

  it("gives a feed's limit its own code, and its other problems their status's", () => {
    expect(answerOf(new FeedError('limit_reached', 'Too many feeds'), request())).toMatchObject({ status: 409, code: 'limit_reached' });
    expect(answerOf(new FeedError('unknown_values', 'No such council', [{ path: 'body.councils', message: 'unknown' }]), request())).toMatchObject({
      status: 422,
      code: 'unprocessable',
      fields: [{ path: 'body.councils', message: 'unknown' }],
      detail: 'No such council',
    });
  });

  it("names an import's issues as fields, and lists them on a page", () => {
    const answer = answerOf(new ImportError('Record 1 is invalid', [{ path: 'title', message: 'is required' }, { line: 3, message: 'no date' }, { message: 'empty' }]), request());
    expect(answer).toEqual({
      status: 422,
      code: 'invalid_meeting',
      message: 'Record 1 is invalid',
      fields: [
        { path: 'title', message: 'is required' },
        { path: 'line 3', message: 'no date' },
        { path: '(input)', message: 'empty' },
      ],
      detail: 'Record 1 is invalid is required no date empty',
    });
  });

  it('names the input a refused address came from', () => {
    const refused = new EmailAddressError('not an address');
    expect(answerOf(refused, request({ body: { email: 'x' } }))?.fields).toEqual([{ path: 'body.email', message: 'not an address' }]);
    expect(answerOf(refused, request({ query: { email: 'x', week: '2025-09-08' } }))?.fields).toEqual([{ path: 'querystring.email', message: 'not an address' }]);
    expect(answerOf(refused, request({ params: { email: 'x' } }))?.fields).toEqual([{ path: 'params.email', message: 'not an address' }]);
    expect(answerOf(new WeekError('not a week'), request())?.fields).toEqual([{ path: 'week', message: 'not a week' }]);
  });

  it('passes an ApiError through as thrown, and lists nothing else', () => {
    expect(answerOf(new ApiError(403, 'Nothing was changed.'), request())).toEqual({ status: 403, code: 'forbidden', message: 'Nothing was changed.', detail: 'Nothing was changed.' });
    expect(answerOf(new Error('boom'), request())).toBeUndefined();
  });
});
