import type { Capability, NextActionKind, OnboardingState, RequirementError } from '../../api/types';

export interface StateCopy {
  headline: string;
  detail: string;
  tone: 'neutral' | 'info' | 'warning' | 'danger' | 'success';
}

export const STATE_COPY: Record<OnboardingState, StateCopy> = {
  no_account: {
    headline: 'Set up payments',
    detail: 'Create your Stripe account to start accepting card payments and receiving payouts.',
    tone: 'neutral',
  },
  not_started: {
    headline: 'Onboarding not started',
    detail: 'Stripe needs some details about you and your business before you can accept payments.',
    tone: 'info',
  },
  action_required: {
    headline: 'Stripe needs more information',
    detail: 'Provide the items below to keep your account fully enabled.',
    tone: 'warning',
  },
  past_due: {
    headline: 'Information is past due',
    detail: 'Some details are overdue. Payments or payouts may be paused until you provide them.',
    tone: 'danger',
  },
  pending_verification: {
    headline: 'Stripe is verifying your information',
    detail: 'Nothing to do right now. This page updates on its own when Stripe finishes.',
    tone: 'info',
  },
  restricted: {
    headline: 'Your account is restricted',
    detail: 'Stripe has limited what this account can do. Review the items below.',
    tone: 'danger',
  },
  complete: {
    headline: 'Onboarding complete',
    detail: 'Your account is set up. You can accept card payments and receive payouts.',
    tone: 'success',
  },
};

export function stateCopy(state: OnboardingState): StateCopy {
  return (
    (STATE_COPY as Partial<Record<string, StateCopy>>)[state] ?? {
      headline: 'Onboarding status',
      detail: '',
      tone: 'neutral',
    }
  );
}

export const ACTION_LABELS: Record<NextActionKind, string> = {
  start: 'Start onboarding',
  continue: 'Continue onboarding',
  fix_past_due: 'Fix past-due items',
  update: 'Update your information',
  review_future: 'Review upcoming requirements',
};

export function actionLabel(kind: NextActionKind): string {
  return (ACTION_LABELS as Partial<Record<string, string>>)[kind] ?? 'Continue with Stripe';
}

const CAPABILITY_STATUS: Record<string, { label: string; tone: StateCopy['tone'] }> = {
  active: { label: 'Active', tone: 'success' },
  pending: { label: 'Pending', tone: 'info' },
  restricted: { label: 'Restricted', tone: 'warning' },
  unsupported: { label: 'Unsupported', tone: 'neutral' },
  rejected: { label: 'Rejected', tone: 'danger' },
  unrequested: { label: 'Not requested', tone: 'neutral' },
  inactive: { label: 'Inactive', tone: 'warning' },
};

export function capabilityStatus(status: Capability['status']) {
  return CAPABILITY_STATUS[status] ?? { label: status, tone: 'neutral' as const };
}

/**
 * Stripe's verification error codes, each with what the person should do about it.
 * Anything not listed falls back to Stripe's own message.
 */
const ERROR_HINTS: Record<string, string> = {
  verification_document_expired: 'The document has expired. Upload a current, valid document.',
  verification_document_too_large: 'The file is too large. Upload a smaller photo or scan (under 10 MB).',
  verification_document_failed_greyscale: 'The document was in black and white. Upload a color photo or scan.',
  verification_document_failed_copy: 'The document looks like a copy. Upload a photo of the original.',
  verification_document_not_readable: "We couldn't read the document. Upload a sharp, well-lit photo showing all four corners.",
  verification_document_incomplete: 'Part of the document is missing. Upload a photo showing the whole document.',
  verification_document_name_mismatch: 'The name on the document does not match the name you entered. Check both match exactly.',
  verification_document_dob_mismatch: 'The date of birth on the document does not match. Check the date you entered.',
  verification_document_address_mismatch: 'The address on the document does not match. Check the address you entered.',
  verification_document_id_number_mismatch: 'The ID number on the document does not match. Check the number you entered.',
  verification_failed_address_match: 'Stripe could not confirm your address. Check it for typos, or upload a proof of address.',
  verification_failed_id_number_match: 'Stripe could not confirm your ID number. Check it for typos.',
  verification_failed_keyed_identity: 'Stripe could not confirm your identity. Check your name, date of birth and ID number.',
  verification_failed_tax_id_match: 'The tax ID does not match the business name on record. Check both exactly as registered.',
  verification_failed_tax_id_not_issued: 'This tax ID was not found. Check the number you entered.',
  verification_failed_business_iec_number: 'Stripe could not confirm your business registration. Check the number you entered.',
  invalid_address_po_boxes_disallowed: 'P.O. boxes are not accepted. Enter a street address.',
  invalid_url_format: 'The website address is not valid. Enter a full address such as https://example.com.',
  invalid_url_website_inaccessible: 'Stripe could not open your website. Check that it is online and publicly reachable.',
  invalid_phone_number: 'The phone number is not valid. Enter it with the country code.',
  invalid_tos_acceptance: 'The terms of service acceptance is missing. Review and accept the terms again.',
  invalid_representative_country: 'The representative must live in a supported country. Choose another representative.',
};

export interface ErrorText {
  /** What to do, in plain words. */
  fix: string;
  /** Stripe's own message, when it adds something beyond `fix`. */
  stripe: string | null;
}

export function errorText(error: RequirementError): ErrorText {
  const hint = ERROR_HINTS[error.code];
  const message = error.message.trim();
  if (hint) return { fix: hint, stripe: message && message !== hint ? message : null };
  return { fix: message || 'Stripe could not verify this information. Please provide it again.', stripe: null };
}
