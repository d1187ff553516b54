import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, mockFetch } from '../test/utils';
import { ApiError, getOnboardingStatus, parseRetryAfter, setCsrfToken, setUnauthorizedHandler, signup, syncOnboardingStatus } from './client';

describe('api client', () => {
  afterEach(() => {
    setUnauthorizedHandler(null);
    setCsrfToken(null);
  });

  it('fetches a CSRF token first, then sends it with JSON on unsafe calls', async () => {
    const fetchMock = mockFetch((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/api/auth/session') return jsonResponse(200, { merchant: null, csrf_token: 'tok-1', expires_at: '2027-01-01T00:00:00Z' });
      return jsonResponse(201, { merchant: { id: '1', email: 'a@b.co', business_name: 'B' }, csrf_token: 'tok-2', expires_at: '2027-01-01T00:00:00Z' });
    });
    await signup({ email: 'a@b.co', password: 'long enough pw', business_name: 'B' });
    const post = fetchMock.mock.calls[1]?.[0] as Request;
    expect(post.headers.get('X-CSRF-Token')).toBe('tok-1');
    expect(post.headers.get('Content-Type')).toBe('application/json');

    await syncOnboardingStatus().catch(() => undefined);
    const sync = fetchMock.mock.calls[2]?.[0] as Request;
    expect(sync.headers.get('X-CSRF-Token')).toBe('tok-2');
    expect(await sync.text()).toBe('{}');
  });

  it('turns problem+json into ApiError with detail, type and Retry-After', async () => {
    setCsrfToken('t');
    mockFetch(() =>
      jsonResponse(
        422,
        { type: 'https://gangway.dev/problems/email-taken', title: 'Unprocessable', status: 422, detail: 'That email is taken' },
        { 'Retry-After': '5' },
      ),
    );
    const error = await signup({ email: 'a@b.co', password: 'x', business_name: 'B' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(422);
    expect(apiError.message).toBe('That email is taken');
    expect(apiError.hasType('email-taken')).toBe(true);
    expect(apiError.retryAfter).toBe(5);
  });

  it('reports a 401 on a signed-in call to the unauthorized handler', async () => {
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    mockFetch(() => jsonResponse(401, { title: 'Unauthorized', status: 401 }));
    await expect(getOnboardingStatus()).rejects.toBeInstanceOf(ApiError);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter(new Date(Date.UTC(2027, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2027, 0, 1))).toBe(30);
    expect(parseRetryAfter(null)).toBeNull();
  });
});
