"""The merchant-facing words the status API serves: complete, and errors explained sensibly."""

from __future__ import annotations

from typing import get_args

import pytest

from gangway.accounts.state import OnboardingState
from gangway.onboarding import copy
from gangway.onboarding.schemas import CapabilityStatus, NextActionKind
from gangway.onboarding.status import empty_status


def test_every_state_action_and_capability_status_has_words() -> None:
    assert set(copy.STATE_COPY) == set(OnboardingState)
    assert all(c.headline and c.detail for c in copy.STATE_COPY.values())
    assert set(copy.ACTION_LABELS) == set(get_args(NextActionKind))
    assert set(copy.CAPABILITY_STATUS) == set(get_args(CapabilityStatus))


def test_a_merchant_without_an_account_is_asked_to_set_up_payments() -> None:
    status = empty_status()
    assert (status.headline, status.tone) == ("Set up payments", "neutral")
    assert "Create your Stripe account" in status.detail


@pytest.mark.parametrize(
    ("code", "description", "remedy", "stripe_description", "message"),
    [
        # A known code: our remedy, and Stripe's words only when they add something.
        (
            "verification_document_expired",
            "The document is expired.",
            copy.REMEDIES["verification_document_expired"],
            "The document is expired.",
            copy.REMEDIES["verification_document_expired"],
        ),
        (
            "invalid_tax_id",
            copy.REMEDIES["invalid_tax_id"],
            copy.REMEDIES["invalid_tax_id"],
            None,
            copy.REMEDIES["invalid_tax_id"],
        ),
        # An unknown code: a generic remedy, with Stripe's own text quoted.
        (
            "some_new_code",
            "  The tax ID you provided is invalid.  ",
            copy.GENERIC_REMEDY,
            "The tax ID you provided is invalid.",
            "The tax ID you provided is invalid.",
        ),
        ("some_new_code", "", copy.GENERIC_REMEDY, None, copy.GENERIC_REMEDY),
        ("some_new_code", None, copy.GENERIC_REMEDY, None, copy.GENERIC_REMEDY),
    ],
)
def test_error_copy(
    code: str, description: str | None, remedy: str, stripe_description: str | None, message: str
) -> None:
    words = copy.error_copy(code, description)
    assert (words.remedy, words.stripe_description, words.message) == (
        remedy,
        stripe_description,
        message,
    )


@pytest.mark.parametrize(
    ("description", "entity_type", "label"),
    [
        ("identity.business_details.registered_name", "company", "Legal business name"),
        (
            "identity.individual.documents.primary_verification",
            "company",
            "Representative's identity document",
        ),
        # A sole proprietor is the person: never "Representative's".
        ("identity.individual.date_of_birth.day", "individual", "Your date of birth"),
        ("identity.individual.address.line1", None, "Your home address"),
        ("identity.individual.nationalities", "company", "Representative's nationality"),
        ("identity.representative.id_numbers", "company", "Representative's ID number"),
        ("identity.owners.0.email", "company", "Owner's email"),
        (
            "identity.attestations.terms_of_service.account.ip",
            "individual",
            "Accept Stripe's terms of service",
        ),
        ("external_account", "individual", "Bank account for payouts"),
        ("payout_methods", None, "Bank account for payouts"),
        ("identity.business_details.address.postal_code", "company", "Business address"),
        ("configuration.merchant.some_new_field", "company", "Some new field"),
    ],
)
def test_requirement_labels(description: str, entity_type: str | None, label: str) -> None:
    assert copy.requirement_label(description, entity_type) == label


def test_every_error_code_in_the_sdk_has_its_own_remedy() -> None:
    import inspect
    import re

    from stripe.v2.core import _account

    source = inspect.getsource(_account.Account.Requirements.Entry.Error)
    start = source.index("Literal[")
    codes = re.findall(r'"([a-z_0-9]+)"', source[start : source.index("]", start)])
    assert len(codes) > 90
    missing = [code for code in codes if code not in copy.REMEDIES]
    assert missing == []


def test_restricted_capabilities_read_mid_sentence_without_repeats() -> None:
    assert copy.capability_labels_in_sentence(
        ["card_payments", "stripe_balance.payouts", "payouts", "stripe_balance.stripe_transfers"]
    ) == ["card payments", "payouts", "transfers"]
    assert copy.capability_labels_in_sentence(["crypto.wallet_payments"]) == ["wallet payments"]
