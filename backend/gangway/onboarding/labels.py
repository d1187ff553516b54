"""Words for people: requirement descriptions and error codes as a merchant reads them."""

from __future__ import annotations

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

ERROR_MESSAGES = {
    "invalid_id_number": "The ID number doesn't match our records. Check it and enter it again.",
    "verification_failed_id_number_match": (
        "The ID number doesn't match the name and date of birth. Check all three and resubmit."
    ),
    "verification_failed_keyed_identity": (
        "We couldn't verify this person's identity. Check the name, date of birth and ID number."
    ),
    "verification_document_expired": "The document has expired. Upload a current one.",
    "verification_document_not_readable": "The document couldn't be read. Upload a clear photo.",
    "invalid_address": "The address couldn't be verified. Check it and enter it again.",
    "invalid_phone_number": "The phone number isn't valid. Check it and enter it again.",
    "invalid_url_format": "The website address isn't valid.",
    "invalid_tax_id": "The tax ID doesn't match the business name. Check both and resubmit.",
}

CAPABILITY_LABELS = {"card_payments": "Card payments", "payouts": "Payouts"}


def requirement_label(description: str) -> str:
    """A human label; unknown descriptions become their last words, capitalised."""
    if label := REQUIREMENT_LABELS.get(description):
        return label
    for prefix, label in REQUIREMENT_LABELS.items():
        if description.startswith(prefix + "."):
            return label
    tail = description.rsplit(".", 2)[-2:] if "." in description else [description]
    words = " ".join(tail).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def error_message(code: str, description: str) -> str:
    """What the merchant should do about a verification error."""
    return ERROR_MESSAGES.get(code) or description or "Stripe couldn't verify this information."


def capability_label(name: str) -> str:
    return CAPABILITY_LABELS.get(name, name.replace("_", " ").capitalize())
