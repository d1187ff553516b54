"""Every word a merchant reads about their Stripe onboarding, in one place.

The status API serves these strings (``headline``, ``label``, ``remedy`` ...) and the SPA shows
them as they are, so the dashboard's copy changes here and nowhere else. Pure data and lookups.
"""

from __future__ import annotations

from dataclasses import dataclass

from gangway.accounts.state import OnboardingState
from gangway.onboarding.schemas import CapabilityStatus, NextActionKind, Tone


@dataclass(frozen=True)
class StateCopy:
    headline: str
    detail: str
    tone: Tone


STATE_COPY: dict[OnboardingState, StateCopy] = {
    OnboardingState.no_account: StateCopy(
        headline="Set up payments",
        detail="Create your Stripe account to start accepting card payments and receiving payouts.",
        tone="neutral",
    ),
    OnboardingState.not_started: StateCopy(
        headline="Onboarding not started",
        detail="Stripe needs some details about you and your business before you can accept "
        "payments.",
        tone="info",
    ),
    OnboardingState.action_required: StateCopy(
        headline="Stripe needs more information",
        detail="Provide the items below to keep your account fully enabled.",
        tone="warning",
    ),
    OnboardingState.past_due: StateCopy(
        headline="Information is past due",
        detail="Some details are overdue. Payments or payouts may be paused until you provide "
        "them.",
        tone="danger",
    ),
    OnboardingState.pending_verification: StateCopy(
        headline="Stripe is verifying your information",
        detail="Nothing to do right now. This page updates on its own when Stripe finishes.",
        tone="info",
    ),
    OnboardingState.restricted: StateCopy(
        headline="Your account is restricted",
        detail="Stripe has limited what this account can do. Review the items below.",
        tone="danger",
    ),
    OnboardingState.complete: StateCopy(
        headline="Onboarding complete",
        detail="Your account is set up. You can accept card payments and receive payouts.",
        tone="success",
    ),
}

#: The text of the one button ``next_action`` calls for.
ACTION_LABELS: dict[NextActionKind, str] = {
    "start": "Start onboarding",
    "continue": "Continue onboarding",
    "fix_past_due": "Fix past-due items",
    "update": "Update your information",
    "review_future": "Review upcoming requirements",
}

#: Capabilities by name: the ones the dashboard lists, and the v2 names a requirement restricts.
CAPABILITY_LABELS = {
    "card_payments": "Card payments",
    "payouts": "Payouts",
    "transfers": "Transfers",
    "stripe_balance.payouts": "Payouts",
    "stripe_balance.stripe_transfers": "Transfers",
}


@dataclass(frozen=True)
class CapabilityStatusCopy:
    label: str
    tone: Tone


CAPABILITY_STATUS: dict[CapabilityStatus, CapabilityStatusCopy] = {
    "active": CapabilityStatusCopy("Active", "success"),
    "pending": CapabilityStatusCopy("Pending", "info"),
    "restricted": CapabilityStatusCopy("Restricted", "warning"),
    "unsupported": CapabilityStatusCopy("Unsupported", "neutral"),
    "rejected": CapabilityStatusCopy("Rejected", "danger"),
    "unrequested": CapabilityStatusCopy("Not requested", "neutral"),
}

#: Stripe's requirement paths (v2 ``requirements.entries[].description``) as a merchant says them.
#: A path not listed takes the label of its nearest listed parent.
REQUIREMENT_LABELS = {
    "identity.business_details.registered_name": "Legal business name",
    "identity.business_details.address": "Business address",
    "identity.business_details.phone": "Business phone number",
    "identity.business_details.id_numbers": "Business tax ID",
    "identity.business_details.structure": "Business structure",
    "identity.business_details.url": "Business website",
    "identity.business_details.annual_revenue": "Annual revenue",
    "identity.business_details.estimated_worker_count": "Number of employees",
    "identity.business_details.documents": "Business verification document",
    "identity.individual.given_name": "Representative's first name",
    "identity.individual.surname": "Representative's last name",
    "identity.individual.date_of_birth": "Representative's date of birth",
    "identity.individual.address": "Representative's home address",
    "identity.individual.email": "Representative's email",
    "identity.individual.phone": "Representative's phone number",
    "identity.individual.id_numbers": "Representative's ID number",
    "identity.individual.relationship.title": "Representative's job title",
    "identity.individual.documents": "Representative's identity document",
    "identity.attestations.terms_of_service.account": "Accept Stripe's terms of service",
    "identity.attestations.representative_declaration": "Confirm the representative",
    "identity.attestations.ownership_declaration": "Confirm the business owners",
    "identity.attestations.directorship_declaration": "Confirm the directors",
    "configuration.merchant.mcc": "Industry (merchant category)",
    "configuration.merchant.statement_descriptor": "Statement descriptor",
    "configuration.merchant.support": "Customer support details",
    "defaults.profile.business_url": "Business website",
    "defaults.profile.product_description": "Product description",
    "payout_methods": "Bank account for payouts",
    "configuration.recipient.default_outbound_destination": "Bank account for payouts",
}

#: Stripe's verification error codes (``requirements.entries[].errors[].code``), each with what
#: the merchant should do about it.
REMEDIES = {
    "verification_document_expired": "The document has expired. Upload a current, valid document.",
    "verification_document_too_large": (
        "The file is too large. Upload a smaller photo or scan (under 10 MB)."
    ),
    "verification_document_failed_greyscale": (
        "The document was in black and white. Upload a color photo or scan."
    ),
    "verification_document_failed_copy": (
        "The document looks like a copy. Upload a photo of the original."
    ),
    "verification_document_not_readable": (
        "We couldn't read the document. Upload a sharp, well-lit photo showing all four corners."
    ),
    "verification_document_incomplete": (
        "Part of the document is missing. Upload a photo showing the whole document."
    ),
    "verification_document_name_mismatch": (
        "The name on the document does not match the name you entered. Check both match exactly."
    ),
    "verification_document_dob_mismatch": (
        "The date of birth on the document does not match. Check the date you entered."
    ),
    "verification_document_address_mismatch": (
        "The address on the document does not match. Check the address you entered."
    ),
    "verification_document_id_number_mismatch": (
        "The ID number on the document does not match. Check the number you entered."
    ),
    "verification_failed_address_match": (
        "Stripe could not confirm your address. Check it for typos, or upload a proof of address."
    ),
    "verification_failed_id_number_match": (
        "Stripe could not confirm your ID number. Check it for typos."
    ),
    "verification_failed_keyed_identity": (
        "Stripe could not confirm your identity. Check your name, date of birth and ID number."
    ),
    "verification_failed_tax_id_match": (
        "The tax ID does not match the business name on record. Check both exactly as registered."
    ),
    "verification_failed_tax_id_not_issued": (
        "This tax ID was not found. Check the number you entered."
    ),
    "verification_failed_business_iec_number": (
        "Stripe could not confirm your business registration. Check the number you entered."
    ),
    "invalid_id_number": "The ID number does not match our records. Check it and enter it again.",
    "invalid_address": "The address could not be verified. Check it and enter it again.",
    "invalid_address_po_boxes_disallowed": "P.O. boxes are not accepted. Enter a street address.",
    "invalid_url_format": (
        "The website address is not valid. Enter a full address such as https://example.com."
    ),
    "invalid_url_website_inaccessible": (
        "Stripe could not open your website. Check that it is online and publicly reachable."
    ),
    "invalid_phone_number": "The phone number is not valid. Enter it with the country code.",
    "invalid_tax_id": "The tax ID does not match the business name. Check both and resubmit.",
    "invalid_tos_acceptance": (
        "The terms of service acceptance is missing. Review and accept the terms again."
    ),
    "invalid_representative_country": (
        "The representative must live in a supported country. Choose another representative."
    ),
}

#: What to do about an error code that :data:`REMEDIES` does not know.
GENERIC_REMEDY = "Stripe could not verify this information. Please provide it again."


def state_copy(state: OnboardingState) -> StateCopy:
    return STATE_COPY[state]


def action_label(kind: NextActionKind) -> str:
    return ACTION_LABELS[kind]


def requirement_label(description: str) -> str:
    """A human label; unknown descriptions become their last words, capitalised."""
    if label := REQUIREMENT_LABELS.get(description):
        return label
    for prefix, label in REQUIREMENT_LABELS.items():
        if description.startswith(prefix + "."):
            return label
    tail = description.rsplit(".", 2)[-2:] if "." in description else [description]
    return _sentence(" ".join(tail).replace("_", " ").strip())


def capability_label(name: str) -> str:
    """``card_payments`` → "Card payments"; unknown names become the words of their last part."""
    if label := CAPABILITY_LABELS.get(name):
        return label
    return _sentence(name.rsplit(".", 1)[-1].replace("_", " "))


def capability_labels_in_sentence(names: list[str]) -> list[str]:
    """Labels for ``names`` that read mid-sentence ("card payments"), without repeats, in order."""
    words = [_mid_sentence(capability_label(name)) for name in names]
    return list(dict.fromkeys(words))


def capability_status(status: CapabilityStatus) -> CapabilityStatusCopy:
    return CAPABILITY_STATUS[status]


@dataclass(frozen=True)
class ErrorCopy:
    remedy: str
    stripe_description: str | None
    message: str


def error_copy(code: str, description: str | None) -> ErrorCopy:
    """What to do about a verification error, and Stripe's own words when they add something.

    ``message`` is the older single field: the remedy for a known code, else Stripe's text.
    """
    stripe_text = (description or "").strip()
    known = REMEDIES.get(code)
    remedy = known or GENERIC_REMEDY
    return ErrorCopy(
        remedy=remedy,
        stripe_description=stripe_text if stripe_text and stripe_text != remedy else None,
        message=known or stripe_text or GENERIC_REMEDY,
    )


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def _mid_sentence(label: str) -> str:
    return label[:1].lower() + label[1:]
