/**
 * A small marker left in sessionStorage when we send the merchant to Stripe, so that on
 * the way back `/onboarding` can say "Checking with Stripe…" until fresh status arrives, and
 * "We couldn't confirm with Stripe yet" until Stripe has answered since the merchant came back.
 * It never holds the link itself (an Account Link URL is a bearer credential).
 */
import { serverClockOffset, serverNow } from '../../api/client';

const KEY = 'gangway.onboarding.departure';
const MAX_AGE_MS = 2 * 60 * 60 * 1000;

export interface Departure {
  /** When the merchant left for Stripe, by the server's clock (epoch ms), to compare with `synced_at`. */
  at: number;
  version: number | null;
  /**
   * When the navigation that brought the merchant back began (their click on Stripe's page), by
   * this browser's clock; stamped on the first page load after the return, so a reload keeps it.
   */
  returnedAt: number | null;
}

function write(departure: Departure): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(departure));
  } catch {
    // Storage may be unavailable (private mode); the return view is then skipped.
  }
}

export function markDeparture(version: number | null): void {
  write({ at: serverNow(), version, returnedAt: null });
}

/** Read the marker without removing it (safe to call from a state initializer). */
export function peekDeparture(): Departure | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Departure>;
    if (typeof parsed.at !== 'number' || serverNow() - parsed.at > MAX_AGE_MS) return null;
    return {
      at: parsed.at,
      version: typeof parsed.version === 'number' ? parsed.version : null,
      returnedAt: typeof parsed.returnedAt === 'number' ? parsed.returnedAt : null,
    };
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

function navigationStart(): number {
  return typeof performance !== 'undefined' && performance.timeOrigin > 0 ? performance.timeOrigin : Date.now();
}

/** On the page the merchant lands on: the marker, stamped (once) with when they came back. */
export function arrivalFromStripe(): Departure | null {
  const departure = peekDeparture();
  if (departure === null || departure.returnedAt !== null) return departure;
  const stamped = { ...departure, returnedAt: navigationStart() };
  write(stamped);
  return stamped;
}

/**
 * True when Stripe's answer (`synced_at`) is from after the merchant came back from Stripe.
 * Not merely after they left: a webhook may re-read the account while they are still filling in
 * Stripe's form, and that answer says nothing about what they submitted.
 */
export function syncedSince(syncedAt: string | null | undefined, departure: Departure): boolean {
  if (!syncedAt) return false;
  const t = Date.parse(syncedAt);
  const since = departure.returnedAt === null ? departure.at : Math.max(departure.at, departure.returnedAt + serverClockOffset());
  return !Number.isNaN(t) && t > since;
}
