/**
 * The one typed client for the BFF: openapi-fetch over the generated `paths`, plus
 * - the CSRF header on every unsafe request (the token comes from the session endpoint),
 * - problem+json errors turned into `ApiError`,
 * - a hook for "401 from a signed-in call" so the app can send the merchant to sign in.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import type {
  AccountCreateBody,
  AccountPublic,
  DashboardLink,
  EmbeddedSession,
  EmbeddedSessionCreateBody,
  LinkCreateBody,
  LoginBody,
  OnboardingLink,
  OnboardingStatus,
  Problem,
  PublicConfig,
  SessionPublic,
  SignupBody,
} from './types';

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;
const activityListeners = new Set<() => void>();
/** The server's clock minus ours, learned from `Date` headers; 0 until they disagree by more than 2 s. */
let clockOffsetMs = 0;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a signed-in call answers 401 (session expired or ended elsewhere). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

/**
 * Called after every successful signed-in call other than `/api/auth/*`: the server counts those
 * as activity and may have moved the session's idle expiry (the status stream does not count).
 */
export function onAuthenticatedActivity(listener: () => void): () => void {
  activityListeners.add(listener);
  return () => {
    activityListeners.delete(listener);
  };
}

/**
 * Now, by the server's clock (epoch ms). Times the server sends (`expires_at`, `synced_at`) are
 * compared with this, so a browser whose clock is off still counts down and ages them right.
 */
export function serverNow(): number {
  return Date.now() + clockOffsetMs;
}

/** The server's clock minus this browser's (ms), as far as we know. */
export function serverClockOffset(): number {
  return clockOffsetMs;
}

function noteServerDate(response: Response): void {
  const header = response.headers.get('Date');
  if (!header) return;
  const serverTime = Date.parse(header);
  if (Number.isNaN(serverTime)) return;
  // `Date` has a one-second resolution and arrives after a network trip: ignore small differences.
  const offset = serverTime - Date.now();
  if (Math.abs(offset - clockOffsetMs) > 2000) clockOffsetMs = offset;
}

/** For tests: forget what the server's clock said. */
export function resetServerClock(): void {
  clockOffsetMs = 0;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  /** Seconds from the Retry-After header, when the server sent one. */
  readonly retryAfter: number | null;

  constructor(status: number, problem: Problem, retryAfter: number | null) {
    super(problemMessage(problem, status));
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** True when the problem `type` URI ends with the given slug, e.g. "email-taken". */
  hasType(slug: string): boolean {
    return typeof this.problem.type === 'string' && this.problem.type.endsWith(`/${slug}`);
  }
}

export function problemMessage(problem: Problem, status: number): string {
  if (typeof problem.detail === 'string' && problem.detail.trim()) return problem.detail;
  if (typeof problem.title === 'string' && problem.title.trim()) return problem.title;
  return `Request failed (${String(status)})`;
}

export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const csrfMiddleware: Middleware = {
  onRequest({ request }) {
    if (UNSAFE.has(request.method.toUpperCase())) {
      if (csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
      request.headers.set('Content-Type', 'application/json');
    }
    request.headers.set('Accept', 'application/json, application/problem+json');
    return request;
  },
};

function origin(): string {
  return typeof window !== 'undefined' ? window.location.origin : '';
}

export const client = createClient<paths>({
  baseUrl: origin(),
  credentials: 'same-origin',
  // Resolve fetch at call time so tests can stub it.
  fetch: (request: Request) => globalThis.fetch(request),
});
client.use(csrfMiddleware);

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function toProblem(error: unknown, response: Response): Problem {
  if (error && typeof error === 'object') return error as Problem;
  if (typeof error === 'string' && error.trim()) {
    return { title: response.statusText || 'Error', status: response.status, detail: error };
  }
  return { title: response.statusText || 'Error', status: response.status };
}

function isAuthEndpoint(url: string): boolean {
  try {
    return new URL(url, 'http://x').pathname.startsWith('/api/auth/');
  } catch {
    return false;
  }
}

/** `auth` calls (`/api/auth/*`) are not counted as activity here; `signed-in` calls are. */
type CallKind = 'auth' | 'signed-in';

async function unwrap<T>(call: () => Promise<FetchResult<T>>, kind: CallKind, retryCsrf = true): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call();
  } catch {
    throw new ApiError(
      0,
      { title: 'Network error', detail: 'Could not reach the server. Check your connection and try again.' },
      null,
    );
  }
  const { response } = result;
  noteServerDate(response);
  if (response.ok) {
    if (kind === 'signed-in') {
      for (const listener of activityListeners) listener();
    }
    return result.data as T;
  }

  const problem = toProblem(result.error, response);

  // A stale CSRF token (rotated by a sign-in in another tab): refresh it once and retry.
  if (response.status === 403 && retryCsrf && /csrf/i.test(`${problem.type ?? ''} ${problem.title ?? ''}`)) {
    await getSession();
    return unwrap(call, kind, false);
  }
  if (response.status === 401 && !isAuthEndpoint(response.url) && unauthorizedHandler) {
    unauthorizedHandler();
  }
  throw new ApiError(response.status, problem, parseRetryAfter(response.headers.get('Retry-After')));
}

// ---- Endpoints -------------------------------------------------------------------------

export async function getSession(): Promise<SessionPublic> {
  const session = await unwrap(() => client.GET('/api/auth/session'), 'auth');
  setCsrfToken(session.csrf_token);
  return session;
}

/** Make sure we hold a CSRF token before an unsafe call (e.g. the first login). */
export async function ensureCsrfToken(): Promise<void> {
  if (!csrfToken) await getSession();
}

export async function signup(body: SignupBody): Promise<SessionPublic> {
  await ensureCsrfToken();
  const session = await unwrap(() => client.POST('/api/auth/signup', { body }), 'auth');
  setCsrfToken(session.csrf_token);
  return session;
}

export async function login(body: LoginBody): Promise<SessionPublic> {
  await ensureCsrfToken();
  const session = await unwrap(() => client.POST('/api/auth/login', { body }), 'auth');
  setCsrfToken(session.csrf_token);
  return session;
}

export async function logout(): Promise<void> {
  await ensureCsrfToken();
  try {
    await unwrap(() => client.POST('/api/auth/logout', { body: {} as never }), 'auth');
  } finally {
    setCsrfToken(null);
  }
}

export async function createAccount(body: AccountCreateBody): Promise<AccountPublic> {
  await ensureCsrfToken();
  return unwrap(() => client.POST('/api/account', { body }), 'signed-in');
}

export async function createOnboardingLink(body: LinkCreateBody): Promise<OnboardingLink> {
  await ensureCsrfToken();
  return unwrap(() => client.POST('/api/onboarding/links', { body }), 'signed-in');
}

export async function getOnboardingStatus(): Promise<OnboardingStatus> {
  return unwrap(() => client.GET('/api/onboarding/status'), 'signed-in');
}

export async function syncOnboardingStatus(): Promise<OnboardingStatus> {
  await ensureCsrfToken();
  return unwrap(() => client.POST('/api/onboarding/sync', { body: {} as never }), 'signed-in');
}

/** What the SPA needs to load Connect.js; no sign-in needed. */
export async function getPublicConfig(): Promise<PublicConfig> {
  return unwrap(() => client.GET('/api/config'), 'auth');
}

export async function getAccount(): Promise<AccountPublic> {
  return unwrap(() => client.GET('/api/account'), 'signed-in');
}

/**
 * An Account Session for Connect embedded components. Its `client_secret` is a bearer credential:
 * hand it to Connect.js at once and keep it nowhere else.
 */
export async function createEmbeddedSession(body: EmbeddedSessionCreateBody): Promise<EmbeddedSession> {
  await ensureCsrfToken();
  return unwrap(() => client.POST('/api/onboarding/embedded-session', { body }), 'signed-in');
}

/** The merchant left embedded onboarding: the BFF re-reads the account and answers the status. */
export async function recordEmbeddedExit(): Promise<OnboardingStatus> {
  await ensureCsrfToken();
  return unwrap(() => client.POST('/api/onboarding/embedded-exit', { body: {} as never }), 'signed-in');
}

/** A single-use Express dashboard login link: navigate to it at once, never keep it. */
export async function createDashboardLink(): Promise<DashboardLink> {
  await ensureCsrfToken();
  return unwrap(() => client.POST('/api/account/dashboard-link', { body: {} as never }), 'signed-in');
}

export const STATUS_STREAM_URL = '/api/onboarding/status/stream';
