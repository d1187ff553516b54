/** Where to send a merchant after signing in, and how to get there from a protected page. */

/** Only same-origin paths are allowed as a post-login destination. */
export function safeNext(next: string | null | undefined, fallback = '/onboarding'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next.startsWith('/login') || next.startsWith('/signup')) return fallback;
  return next;
}

export function loginPathFor(location: { pathname: string; search: string }): string {
  const here = `${location.pathname}${location.search}`;
  const next = safeNext(here, '');
  return next ? `/login?next=${encodeURIComponent(next)}` : '/login';
}
