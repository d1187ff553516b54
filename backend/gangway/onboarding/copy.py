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
    OnboardingState.complete_with_upcoming: StateCopy(
        headline="Onboarding complete, with upcoming requirements",
        detail="Your account is set up. Stripe will need more information soon; provide it "
        "before the date below to avoid interruptions.",
        tone="info",
    ),
    OnboardingState.rejected: StateCopy(
        headline="Stripe can't support this account",
        detail="Stripe has decided it can't work with this account. No information you provide "
        "here can change that.",
        tone="danger",
    ),
    OnboardingState.closed: StateCopy(
        headline="This Stripe account is closed",
        detail="The account can no longer accept payments or receive payouts.",
        tone="neutral",
    ),
}

#: Stripe's ``status_details[].code`` in plain words (the ``reason`` of a state).
REASONS = {
    "rejected_fraud": "Stripe rejected the account after a fraud review.",
    "rejected_incomplete_verification": "Stripe rejected the account because verification "
    "could not be completed in time.",
    "rejected_listed": "Stripe rejected the account because the business appears on a "
    "sanctions or watch list.",
    "rejected_other": "Stripe rejected the account.",
    "rejected_platform_fraud": "The platform closed the account after a fraud review.",
    "rejected_platform_other": "The platform rejected the account.",
    "rejected_platform_terms_of_service": "The platform rejected the account for a breach of "
    "its terms of service.",
    "rejected_terms_of_service": "Stripe rejected the account for a breach of its terms of "
    "service.",
    "unsupported_business": "Stripe doesn't support this type of business.",
    "unsupported_country": "Stripe doesn't support accounts in this country for this service.",
    "unsupported_entity_type": "Stripe doesn't support this type of business entity here.",
    "restricted_other": "Stripe has restricted the account and needs to talk to you.",
    "requirements_past_due": "Some information is overdue.",
    "requirements_pending_verification": "Stripe is verifying the information you gave.",
    "determining_status": "Stripe is deciding whether it can enable this capability.",
}
GENERIC_REASON = "Stripe has limited what this account can do."

#: What a capability badge's status means (its hint).
CAPABILITY_EXPLANATIONS: dict[CapabilityStatus, str] = {
    "active": "Enabled: you can use it now.",
    "pending": "Stripe is reviewing your information; it is usually enabled within minutes.",
    "restricted": "Paused until Stripe has the information it needs.",
    "unsupported": "Not available for this account.",
    "rejected": "Stripe won't enable it for this account.",
    "unrequested": "The platform hasn't asked Stripe for it.",
}

#: The text of the one button ``next_action`` calls for.
ACTION_LABELS: dict[NextActionKind, str] = {
    "start": "Start onboarding",
    "continue": "Continue onboarding",
    "fix_past_due": "Fix past-due items",
    "update": "Update your information",
    "review_future": "Review upcoming requirements",
}


def reason_message(code: str) -> str:
    return REASONS.get(code, GENERIC_REASON)


def past_due_detail(paused: list[str]) -> str:
    """Past-due copy that names what is paused ("Card payments and payouts are paused")."""
    if not paused:
        return STATE_COPY[OnboardingState.past_due].detail
    names = paused[0] if len(paused) == 1 else f"{', '.join(paused[:-1])} and {paused[-1]}"
    verb = "is" if len(paused) == 1 else "are"
    return f"Some details are overdue. {_sentence(names)} {verb} paused until you provide them."


def contact_detail(email: str | None, url: str | None) -> str:
    """What to do when only support can help."""
    how = " or ".join(x for x in (email, url) if x)
    if how:
        return f"No form can fix this. Contact support ({how}) and we'll sort it out with Stripe."
    return "No form can fix this. Contact the platform's support and we'll sort it out with Stripe."


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

#: Stripe's requirement paths (v2 ``requirements.entries[].description``) that are not about a
#: person, as a merchant says them. A path not listed takes the label of its nearest listed
#: parent (``identity.business_details.address.line1`` → "Business address").
REQUIREMENT_LABELS = {
    "identity.business_details.registered_name": "Legal business name",
    "identity.business_details.doing_business_as": "Trading name",
    "identity.business_details.address": "Business address",
    "identity.business_details.phone": "Business phone number",
    "identity.business_details.id_numbers": "Business tax ID",
    "identity.business_details.structure": "Business structure",
    "identity.business_details.url": "Business website",
    "identity.business_details.annual_revenue": "Annual revenue",
    "identity.business_details.estimated_worker_count": "Number of employees",
    "identity.business_details.documents": "Business verification document",
    "identity.business_details.registration_date": "Business registration date",
    "identity.business_details.product_description": "Product description",
    "identity.attestations.terms_of_service.account": "Accept Stripe's terms of service",
    "identity.attestations.terms_of_service": "Accept Stripe's terms of service",
    "identity.attestations.representative_declaration": "Confirm the representative",
    "identity.attestations.ownership_declaration": "Confirm the business owners",
    "identity.attestations.directorship_declaration": "Confirm the directors",
    "identity.attestations.persons_provided": "Confirm everyone who owns or runs the business",
    "configuration.merchant.mcc": "Industry (merchant category)",
    "configuration.merchant.statement_descriptor": "Statement descriptor",
    "configuration.merchant.support": "Customer support details",
    "configuration.merchant.bacs_debit_payments": "Bacs Direct Debit details",
    "configuration.recipient.default_outbound_destination": "Bank account for payouts",
    "configuration.customer": "Customer details",
    "defaults.profile.business_url": "Business website",
    "defaults.profile.product_description": "Product description",
    "defaults.profile.doing_business_as": "Trading name",
    "defaults.profile.estimated_worker_count": "Number of employees",
    "defaults.profile.annual_revenue": "Annual revenue",
    "defaults.currency": "Default currency",
    "external_account": "Bank account for payouts",
    "payout_methods": "Bank account for payouts",
}

#: Who a person requirement is about, by the path's subject.
PERSON_SUBJECTS = {
    "representative": "Representative's",
    "owners": "Owner's",
    "owner": "Owner's",
    "directors": "Director's",
    "director": "Director's",
    "executives": "Executive's",
    "executive": "Executive's",
}

#: A person's details (after ``identity.individual.``, ``representative.``...), first match of the
#: longest prefix.
PERSON_FIELDS = {
    "given_name": "first name",
    "first_name": "first name",
    "surname": "last name",
    "last_name": "last name",
    "date_of_birth": "date of birth",
    "dob": "date of birth",
    "address": "home address",
    "id_numbers": "ID number",
    "id_number": "ID number",
    "ssn_last_4": "last 4 digits of Social Security number",
    "email": "email",
    "phone": "phone number",
    "relationship.title": "job title",
    "relationship.percent_ownership": "ownership percentage",
    "relationship": "role in the business",
    "documents": "identity document",
    "verification": "identity document",
    "nationalities": "nationality",
    "nationality": "nationality",
    "political_exposure": "public office status",
    "legal_gender": "legal gender",
    "additional_addresses": "additional address",
    "script_names": "name in local script",
}

#: Words that stand for an acronym when a label is made from a path.
_ACRONYMS = {
    "id": "ID",
    "url": "URL",
    "mcc": "MCC",
    "ssn": "SSN",
    "tos": "terms of service",
    "ip": "IP address",
    "dob": "date of birth",
}
#: Trailing path parts that name a sub-field; the label is about the part before them.
_SUB_FIELDS = {
    "line1",
    "line2",
    "city",
    "state",
    "postal_code",
    "country",
    "town",
    "day",
    "month",
    "year",
    "date",
    "ip",
    "user_agent",
    "front",
    "back",
    "files",
    "value",
    "type",
    "number",
    "kana",
    "kanji",
}


def requirement_label(description: str, entity_type: str | None = None) -> str:
    """A requirement as a merchant reads it; never a raw path.

    Person paths depend on who the account is: an individual or sole proprietor is asked
    for "Your date of birth", a company for its "Representative's date of birth".
    """
    parts = description.split(".")
    if person := _person_label(parts, entity_type):
        return person
    for cut in range(len(parts), 0, -1):
        if label := REQUIREMENT_LABELS.get(".".join(parts[:cut])):
            return label
    meaningful = [p for p in parts if p not in _SUB_FIELDS] or parts
    return _sentence(_words(meaningful[-1]))


def _person_label(parts: list[str], entity_type: str | None) -> str | None:
    rest = parts[1:] if parts and parts[0] == "identity" else parts
    if not rest:
        return None
    if rest[0] == "individual":
        subject = "Representative's" if entity_type == "company" else "Your"
    elif rest[0] in PERSON_SUBJECTS:
        subject = PERSON_SUBJECTS[rest[0]]
    else:
        return None
    fields = rest[1:]
    for cut in range(len(fields), 0, -1):
        if field := PERSON_FIELDS.get(".".join(fields[:cut])):
            return f"{subject} {field}"
    meaningful = [p for p in fields if p not in _SUB_FIELDS]
    return f"{subject} {_words(meaningful[-1]) if meaningful else 'details'}"


def _words(part: str) -> str:
    return " ".join(_ACRONYMS.get(w, w) for w in part.split("_"))


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
    "invalid_address_city_state_postal_code": (
        "The city, state and postal code don't match each other. Check all three."
    ),
    "invalid_address_cmra_address": (
        "Mail-receiving agency addresses are not accepted. Enter the address where the business operates."
    ),
    "invalid_address_highway_contract_box": (
        "Highway contract boxes are not accepted. Enter a street address."
    ),
    "invalid_address_private_mailbox": (
        "Private mailboxes are not accepted. Enter a street address."
    ),
    "invalid_address_registered_agent_address": (
        "A registered agent's address is not accepted here. Enter the address where the business operates."
    ),
    "invalid_business_profile_name": (
        "The business name isn't valid. Enter the name customers know you by, in plain words."
    ),
    "invalid_business_profile_name_denylisted": (
        "This business name can't be used. Enter the name customers know you by."
    ),
    "invalid_company_name_denylisted": (
        "This company name can't be used. Enter the legal name exactly as registered."
    ),
    "invalid_dob_age_over_maximum": (
        "The date of birth gives an age that isn't possible. Check the year you entered."
    ),
    "invalid_dob_age_under_18": (
        "The person must be at least 18. Check the date of birth, or choose another person."
    ),
    "invalid_dob_age_under_minimum": (
        "The person is younger than the minimum age. Check the date of birth, or choose another person."
    ),
    "invalid_product_description_length": (
        "The product description is too short or too long. Describe what you sell in a sentence or two."
    ),
    "invalid_product_description_url_match": (
        "The product description can't be just your website address. Describe what you sell."
    ),
    "invalid_statement_descriptor_business_mismatch": (
        "The statement descriptor must look like your business name, so customers recognise the charge."
    ),
    "invalid_statement_descriptor_denylisted": (
        "This statement descriptor can't be used. Choose one based on your business name."
    ),
    "invalid_statement_descriptor_length": (
        "The statement descriptor must be between 5 and 22 characters."
    ),
    "invalid_statement_descriptor_prefix_denylisted": (
        "This statement descriptor prefix can't be used. Choose one based on your business name."
    ),
    "invalid_statement_descriptor_prefix_mismatch": (
        "The statement descriptor prefix must match your business name."
    ),
    "invalid_street_address": ("The street address isn't valid. Check it and enter it again."),
    "invalid_tax_id_format": (
        "The tax ID is not in the expected format. Check the number of digits and enter it again."
    ),
    "invalid_url_denylisted": ("This website can't be used. Enter your business's own website."),
    "invalid_url_website_business_information_mismatch": (
        "Your website doesn't show the same business details you entered. Make them match."
    ),
    "invalid_url_website_empty": (
        "Your website has no content yet. Add a description of what you sell, or give another address."
    ),
    "invalid_url_website_inaccessible_geoblocked": (
        "Your website is blocked in some countries, so Stripe could not open it. Make it reachable everywhere."
    ),
    "invalid_url_website_inaccessible_password_protected": (
        "Your website is password-protected. Remove the password, or give Stripe another address."
    ),
    "invalid_url_website_incomplete": (
        "Your website is missing required information. Add what you sell and how to reach you."
    ),
    "invalid_url_website_incomplete_cancellation_policy": (
        "Add a cancellation policy to your website."
    ),
    "invalid_url_website_incomplete_customer_service_details": (
        "Add customer service contact details to your website."
    ),
    "invalid_url_website_incomplete_legal_restrictions": (
        "Add any legal restrictions on your products to your website."
    ),
    "invalid_url_website_incomplete_refund_policy": ("Add a refund policy to your website."),
    "invalid_url_website_incomplete_return_policy": ("Add a return policy to your website."),
    "invalid_url_website_incomplete_terms_and_conditions": (
        "Add terms and conditions to your website."
    ),
    "invalid_url_website_incomplete_under_construction": (
        "Your website is still under construction. Finish it, or give another address."
    ),
    "invalid_url_website_other": (
        "Stripe could not accept your website. Check the address, or give another one."
    ),
    "invalid_url_web_presence_detected": (
        "Stripe found a website for your business. Enter it instead of leaving the field empty."
    ),
    "invalid_value_other": ("This value isn't valid. Check it and enter it again."),
    "unresolvable_ip_address": (
        "Stripe couldn't confirm where the terms were accepted. Accept the terms of service again."
    ),
    "unresolvable_postal_code": ("The postal code couldn't be found. Check it and enter it again."),
    "verification_directors_mismatch": (
        "The directors you listed don't match the public register. Update the list of directors."
    ),
    "verification_document_address_missing": (
        "The document doesn't show an address. Upload one that does."
    ),
    "verification_document_corrupt": (
        "The file couldn't be opened. Upload it again, as a JPG, PNG or PDF."
    ),
    "verification_document_country_not_supported": (
        "Documents from this country aren't accepted. Upload a document from a supported country."
    ),
    "verification_document_directors_mismatch": (
        "The directors on the document don't match the ones you listed. Check both."
    ),
    "verification_document_duplicate_type": (
        "Both files are the same kind of document. Upload two different documents."
    ),
    "verification_document_failed_other": (
        "The document couldn't be verified. Upload a different, valid document."
    ),
    "verification_document_failed_test_mode": (
        "Test-mode documents can't be verified. Use Stripe's test document in test mode."
    ),
    "verification_document_fraudulent": (
        "The document couldn't be accepted. Upload a different, original document."
    ),
    "verification_document_id_number_missing": (
        "The document doesn't show an ID number. Upload one that does."
    ),
    "verification_document_invalid": (
        "This type of document isn't accepted. Upload a government-issued ID."
    ),
    "verification_document_issue_or_expiry_date_missing": (
        "The document doesn't show its issue or expiry date. Upload one that does."
    ),
    "verification_document_manipulated": (
        "The document looks edited. Upload an unedited photo of the original."
    ),
    "verification_document_missing_back": (
        "The back of the document is missing. Upload both sides."
    ),
    "verification_document_missing_front": (
        "The front of the document is missing. Upload both sides."
    ),
    "verification_document_name_missing": (
        "The document doesn't show a name. Upload one that does."
    ),
    "verification_document_nationality_mismatch": (
        "The nationality on the document doesn't match what you entered. Check it."
    ),
    "verification_document_not_signed": (
        "The document isn't signed. Sign it, then upload it again."
    ),
    "verification_document_not_uploaded": ("The document upload didn't finish. Upload it again."),
    "verification_document_photo_mismatch": (
        "The photo on the document doesn't match the person. Upload the right person's document."
    ),
    "verification_document_type_not_supported": (
        "This type of document isn't accepted. Upload a passport, ID card or driving licence."
    ),
    "verification_extraneous_directors": (
        "You listed directors who aren't on the public register. Remove them."
    ),
    "verification_failed_document_match": (
        "The document doesn't match the details you entered. Check the name and numbers."
    ),
    "verification_failed_keyed_match": (
        "Stripe couldn't match the details you entered. Check the name, date of birth and address."
    ),
    "verification_failed_name_match": (
        "The name doesn't match Stripe's records. Enter it exactly as on official documents."
    ),
    "verification_failed_other": (
        "Stripe couldn't verify this information. Check it, or upload a supporting document."
    ),
    "verification_failed_representative_authority": (
        "Stripe couldn't confirm the representative may act for the business. Upload proof of their role."
    ),
    "verification_failed_residential_address": (
        "Stripe couldn't confirm the home address. Check it, or upload a proof of address."
    ),
    "verification_missing_directors": ("Add the business's directors."),
    "verification_missing_executives": ("Add the business's executives."),
    "verification_missing_owners": ("Add the business's owners."),
    "verification_requires_additional_memorandum_of_associations": (
        "Upload the business's memorandum of association."
    ),
    "verification_requires_additional_proof_of_registration": (
        "Upload proof that the business is registered."
    ),
    "verification_selfie_document_missing_photo": (
        "The document has no photo to compare with your selfie. Upload one with a photo."
    ),
    "verification_selfie_face_mismatch": (
        "The selfie doesn't match the photo on the document. Take the selfie again."
    ),
    "verification_selfie_manipulated": ("The selfie looks edited. Take a new one."),
    "verification_selfie_unverified_other": (
        "The selfie couldn't be verified. Take a new one in good light."
    ),
    "verification_supportability": (
        "Stripe can't support this business as described. Check the business details."
    ),
    "verification_token_stale": ("The verification session expired. Start it again."),
}

#: What to do about an error code that :data:`REMEDIES` does not know.
GENERIC_REMEDY = "Stripe could not verify this information. Please provide it again."


def state_copy(state: OnboardingState) -> StateCopy:
    return STATE_COPY[state]


def action_label(kind: NextActionKind) -> str:
    return ACTION_LABELS[kind]


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
