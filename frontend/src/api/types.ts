/**
 * Friendly names for the API shapes, derived from the generated `paths` (not from schema
 * component names, which are a backend implementation detail). Regenerate `schema.d.ts`
 * with `npm run generate` (or `make openapi`); never edit it by hand.
 */
import type { paths } from './schema';

type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Op<P extends keyof paths, M extends keyof paths[P]> = NonNullable<paths[P][M]>;
type Success<O> = O extends { responses: infer R } ? JsonOf<R[Extract<keyof R, 200 | 201>]> : never;
type BodyOf<O> = O extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

export type SessionPublic = Success<Op<'/api/auth/session', 'get'>>;
export type MerchantPublic = NonNullable<SessionPublic['merchant']>;
export type SignupBody = BodyOf<Op<'/api/auth/signup', 'post'>>;
export type LoginBody = BodyOf<Op<'/api/auth/login', 'post'>>;

export type AccountPublic = Success<Op<'/api/account', 'get'>>;
export type AccountCreateBody = BodyOf<Op<'/api/account', 'post'>>;
export type BusinessType = NonNullable<AccountCreateBody['business_type']>;

export type OnboardingLink = Success<Op<'/api/onboarding/links', 'post'>>;
export type LinkCreateBody = BodyOf<Op<'/api/onboarding/links', 'post'>>;

export type DashboardLink = Success<Op<'/api/account/dashboard-link', 'post'>>;

export type EmbeddedSession = Success<Op<'/api/onboarding/embedded-session', 'post'>>;
export type EmbeddedSessionCreateBody = BodyOf<Op<'/api/onboarding/embedded-session', 'post'>>;
export type EmbeddedComponents = EmbeddedSession['components'];
export type PublicConfig = Success<Op<'/api/config', 'get'>>;

export type OnboardingStatus = Success<Op<'/api/onboarding/status', 'get'>>;
export type OnboardingState = OnboardingStatus['state'];
export type NextAction = NonNullable<OnboardingStatus['next_action']>;
export type NextActionKind = NextAction['kind'];
export type Surface = NonNullable<OnboardingStatus['surface']>;
export type Requirement = OnboardingStatus['future_requirements'][number];
export type RequirementError = Requirement['errors'][number];
export type Capability = OnboardingStatus['capabilities'][number];

/** RFC 9457 problem details, as every error body of the BFF is. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string | null;
  errors?: unknown;
  [key: string]: unknown;
}
