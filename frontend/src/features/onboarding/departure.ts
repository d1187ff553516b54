/**
 * A small marker left in sessionStorage when we send the merchant to Stripe, so that on
 * the way back `/onboarding` can say "Checking with Stripe…" until fresh status arrives.
 * It never holds the link itself (an Account Link URL is a bearer credential).
 */
const KEY = 'gangway.onboarding.departure';
const MAX_AGE_MS = 2 * 60 * 60 * 1000;

export interface Departure {
  at: number;
  version: number | null;
}

export function markDeparture(version: number | null): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ at: Date.now(), version }));
  } catch {
    // Storage may be unavailable (private mode); the return view is then skipped.
  }
}

/** Read the marker without removing it (safe to call from a state initializer). */
export function peekDeparture(): Departure | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Departure>;
    if (typeof parsed.at !== 'number' || Date.now() - parsed.at > MAX_AGE_MS) return null;
    return { at: parsed.at, version: typeof parsed.version === 'number' ? parsed.version : null };
  } catch {
    return null;
  }
}

export function clearDeparture(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // ignore
  }
}
