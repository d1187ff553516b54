export interface FieldErrors {
  email?: string;
  password?: string;
  business_name?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateEmail(email: string): string | undefined {
  if (!email.trim()) return 'Enter your email address.';
  if (!EMAIL.test(email.trim())) return 'Enter an email address like name@example.com.';
  return undefined;
}

export function validatePassword(password: string): string | undefined {
  if (!password) return 'Enter your password.';
  return undefined;
}

export function validateNewPassword(password: string): string | undefined {
  if (!password) return 'Choose a password.';
  if (password.length < 12) return 'Use at least 12 characters.';
  return undefined;
}

export function validateBusinessName(name: string): string | undefined {
  if (!name.trim()) return 'Enter your business name.';
  return undefined;
}

/**
 * Map a 422 problem's field errors (FastAPI-style `errors: [{loc, msg}]` or
 * `errors: [{field|pointer, message|detail}]`) onto our form fields.
 */
export function fieldErrorsFromProblem(errors: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!Array.isArray(errors)) return out;
  for (const raw of errors as unknown[]) {
    if (!raw || typeof raw !== 'object') continue;
    const e = raw as Record<string, unknown>;
    const loc = Array.isArray(e.loc) ? e.loc.map(String) : [];
    const name =
      (typeof e.field === 'string' && e.field) ||
      (typeof e.pointer === 'string' && e.pointer.split('/').pop()) ||
      loc[loc.length - 1] ||
      '';
    const message =
      (typeof e.msg === 'string' && e.msg) ||
      (typeof e.message === 'string' && e.message) ||
      (typeof e.detail === 'string' && e.detail) ||
      '';
    if (!message) continue;
    if (name === 'email' || name === 'password' || name === 'business_name') {
      out[name] ??= message.replace(/^Value error, /, '');
    }
  }
  return out;
}
