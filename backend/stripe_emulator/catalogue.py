"""The requirement catalogue: what Stripe asks an account for, by country and entity type.

A :class:`Spec` is one requirement entry (its ``description`` is Stripe's v2 path, e.g.
``identity.individual.address.line1``) and the hosted-form inputs that satisfy it. Several
specs may share one input: a date-of-birth input satisfies ``.day``, ``.month`` and ``.year``;
the terms-of-service checkbox satisfies ``.date`` and ``.ip``.

``impact`` says which capabilities an entry restricts:

- ``all``: every requested capability of every configuration (and the merchant's payouts);
- ``merchant``: the merchant's capabilities and payouts, not a recipient's;
- ``payouts``: the merchant's payouts and a recipient's capabilities;
- ``payments``: the merchant's payment capabilities only.

An entry that restricts nothing the account requested is not asked for, which is how a
recipient-only account gets its own, shorter list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

Due = Literal["currently_due", "eventually_due"]
Impact = Literal["all", "merchant", "payouts", "payments"]
FieldKind = Literal["text", "date", "int", "money", "list", "tos", "secret", "flag"]


@dataclass(frozen=True)
class FormField:
    """One input of the hosted form and where its value is kept on the account."""

    name: str
    label: str
    path: str
    test_value: str
    kind: FieldKind = "text"
    input_type: str = "text"
    autocomplete: str | None = None
    #: For secrets: a public marker written next to the hidden value, e.g. id_numbers types.
    marker: tuple[str, Any] | None = None
    #: For secrets: ``digits`` (spaces and dashes dropped) or ``alnum`` (e.g. an IBAN).
    charset: Literal["digits", "alnum"] = "digits"


@dataclass(frozen=True)
class Spec:
    description: str
    fields: tuple[FormField, ...]
    due: Due = "currently_due"
    impact: Impact = "all"
    verify: bool = False
    fail_code: str = "verification_failed_other"
    person: bool = False
    reason: str = "routine_onboarding"
    group: str = "Business"


@dataclass(frozen=True)
class IdNumber:
    type: str
    label: str
    test_value: str
    charset: Literal["digits", "alnum"] = "digits"


@dataclass(frozen=True)
class Country:
    code: str
    currency: str
    locale: str
    #: test address: line 1, city, state (None where addresses have no state), postal code
    address: tuple[str, str, str | None, str]
    state_label: str
    postal_label: str
    phone: str
    business_id: IdNumber
    #: the ID number asked of an individual or a representative (None: not asked up front)
    person_id: IdNumber | None
    #: bank routing code (None for IBAN countries) and account number labels and test values
    routing: tuple[str, str] | None
    account_number: tuple[str, str, Literal["digits", "alnum"]]
    #: whether individuals and representatives give an email address and phone number
    contact: bool = True
    #: whether a company attests that it has provided its directors
    directors: bool = False
    #: the US extras: eventually-due revenue, worker count and product description
    us_extras: bool = False


COUNTRIES: dict[str, Country] = {
    "us": Country(
        code="us",
        currency="usd",
        locale="en-US",
        address=("510 Townsend St", "San Francisco", "CA", "94103"),
        state_label="state",
        postal_label="ZIP code",
        phone="+12015550123",
        business_id=IdNumber("us_ein", "Employer Identification Number (EIN)", "000000000"),
        person_id=IdNumber("us_ssn", "Social Security number", "000000000"),
        routing=("Routing number", "110000000"),
        account_number=("Account number", "000123456789", "digits"),
        us_extras=True,
    ),
    "gb": Country(
        code="gb",
        currency="gbp",
        locale="en-GB",
        address=("1 Test Street", "London", None, "EC1A 1BB"),
        state_label="county",
        postal_label="postcode",
        phone="+447700900123",
        business_id=IdNumber("gb_crn", "Company registration number", "00000000"),
        person_id=None,
        routing=("Sort code", "108800"),
        account_number=("Account number", "00012345", "digits"),
        directors=True,
    ),
    "ca": Country(
        code="ca",
        currency="cad",
        locale="en-CA",
        address=("1 Test Street", "Toronto", "ON", "M5V 2T6"),
        state_label="province",
        postal_label="postal code",
        phone="+14165550123",
        business_id=IdNumber("ca_cn", "Corporation number", "000000000"),
        person_id=None,
        routing=("Transit and institution number", "11000000"),
        account_number=("Account number", "000123456789", "digits"),
    ),
    "au": Country(
        code="au",
        currency="aud",
        locale="en-AU",
        address=("1 Test Street", "Sydney", "NSW", "2000"),
        state_label="state or territory",
        postal_label="postcode",
        phone="+61491570006",
        business_id=IdNumber("au_abn", "Australian Business Number (ABN)", "00000000000"),
        person_id=None,
        routing=("BSB", "000000"),
        account_number=("Account number", "000123456", "digits"),
        contact=False,
    ),
    "de": Country(
        code="de",
        currency="eur",
        locale="de-DE",
        address=("Teststrasse 1", "Berlin", None, "10115"),
        state_label="state",
        postal_label="postal code",
        phone="+4915112345678",
        business_id=IdNumber("de_hrn", "Commercial register number (HRB)", "HRB12345", "alnum"),
        person_id=None,
        routing=None,
        account_number=("IBAN", "DE89370400440532013000", "alnum"),
        directors=True,
    ),
    "fr": Country(
        code="fr",
        currency="eur",
        locale="fr-FR",
        address=("1 Rue de Test", "Paris", None, "75001"),
        state_label="region",
        postal_label="postal code",
        phone="+33612345678",
        business_id=IdNumber("fr_siren", "SIREN", "000000000"),
        person_id=None,
        routing=None,
        account_number=("IBAN", "FR1420041010050500013M02606", "alnum"),
        directors=True,
    ),
}
#: Countries without a catalogue of their own use this one (no state, no ID number up front).
DEFAULT_COUNTRY = "gb"
ENTITY_TYPES = ("company", "individual")


def country_profile(code: str | None) -> Country:
    return COUNTRIES.get((code or "").lower(), COUNTRIES[DEFAULT_COUNTRY])


# --------------------------------------------------------------------------- building blocks


def _one(
    description: str,
    label: str,
    test_value: str,
    *,
    path: str | None = None,
    name: str | None = None,
    **spec: Any,
) -> Spec:
    """A spec satisfied by one text-like input stored at ``path`` (default: the description)."""
    field_opts = {k: spec.pop(k) for k in ("kind", "input_type", "autocomplete") if k in spec}
    field = FormField(name or description, label, path or description, test_value, **field_opts)
    return Spec(description, (field,), **spec)


def _address(prefix: str, path: str, who: str, country: Country, **spec: Any) -> tuple[Spec, ...]:
    """``<prefix>.line1``, ``.city``, ``.postal_code`` and, where addresses have one, ``.state``."""
    line1, city, state, postal = country.address
    parts = [
        ("line1", f"{who} address line 1", line1, "address-line1"),
        ("city", f"{who} city", city, "address-level2"),
        ("postal_code", f"{who} {country.postal_label}", postal, "postal-code"),
    ]
    if state is not None:
        parts.append(("state", f"{who} {country.state_label}", state, "address-level1"))
    return tuple(
        _one(
            f"{prefix}.{leaf}",
            label,
            value,
            path=f"{path}.{leaf}",
            name=f"{prefix}.{leaf}",
            autocomplete=autocomplete,
            **spec,
        )
        for leaf, label, value, autocomplete in parts
    )


def _date_of_birth(prefix: str, path: str, label: str, **spec: Any) -> tuple[Spec, ...]:
    """``<prefix>.day``, ``.month`` and ``.year``, all satisfied by one date input."""
    field = FormField(
        prefix,
        label,
        path,
        "1901-01-01",
        kind="date",
        input_type="date",
        autocomplete="bday",
    )
    return tuple(Spec(f"{prefix}.{part}", (field,), **spec) for part in ("day", "month", "year"))


def _terms_of_service() -> tuple[Spec, ...]:
    field = FormField(
        "tos_acceptance",
        "I agree to the Stripe Services Agreement",
        "identity.attestations.terms_of_service.account",
        "accepted",
        kind="tos",
        input_type="checkbox",
    )
    prefix = "identity.attestations.terms_of_service.account"
    return tuple(
        Spec(f"{prefix}.{part}", (field,), group="Terms of service") for part in ("date", "ip")
    )


def _external_account(country: Country) -> Spec:
    fields: list[FormField] = []
    if country.routing is not None:
        label, value = country.routing
        fields.append(
            FormField(
                "bank_account.routing_number",
                label,
                "_emu.secrets.routing_number",
                value,
                kind="secret",
            )
        )
    label, value, charset = country.account_number
    fields.append(
        FormField(
            "bank_account.account_number",
            label,
            "_emu.secrets.account_number",
            value,
            kind="secret",
            charset=charset,
        )
    )
    return Spec(
        "external_account", tuple(fields), impact="payouts", group="Bank account for payouts"
    )


def _business_url() -> Spec:
    return _one(
        "defaults.profile.business_url",
        "Business website",
        "https://example.com",
        input_type="url",
        autocomplete="url",
        impact="payments",
    )


def _flag(description: str, label: str, **spec: Any) -> Spec:
    return _one(description, label, "yes", kind="flag", input_type="checkbox", **spec)


# --------------------------------------------------------------------------- catalogues


def _company(country: Country) -> tuple[Spec, ...]:
    business = "identity.business_details"
    rep: dict[str, Any] = {"person": True, "group": "Representative", "impact": "merchant"}
    ident = country.business_id
    specs: list[Spec] = [
        _one(
            f"{business}.registered_name",
            "Legal business name",
            "Gangway Test Co",
            autocomplete="organization",
        ),
        *_address(f"{business}.address", f"{business}.address", "Business", country),
        _one(
            f"{business}.phone",
            "Business phone number",
            country.phone,
            input_type="tel",
            autocomplete="tel",
            impact="merchant",
        ),
        Spec(
            f"{business}.id_numbers",
            (
                FormField(
                    f"{business}.id_number",
                    ident.label,
                    "_emu.secrets.business_id_number",
                    ident.test_value,
                    kind="secret",
                    marker=(f"{business}.id_numbers", [{"type": ident.type}]),
                    charset=ident.charset,
                ),
            ),
            verify=True,
            fail_code="verification_failed_tax_id_match",
        ),
        _business_url(),
        _one(
            "representative.given_name",
            "Representative first name",
            "Jenny",
            path="_emu.representative.given_name",
            autocomplete="given-name",
            **rep,
        ),
        _one(
            "representative.surname",
            "Representative last name",
            "Rosen",
            path="_emu.representative.surname",
            autocomplete="family-name",
            **rep,
        ),
    ]
    if country.contact:
        specs += [
            _one(
                "representative.email",
                "Representative email",
                "jenny.rosen@example.com",
                path="_emu.representative.email",
                input_type="email",
                autocomplete="email",
                **rep,
            ),
            _one(
                "representative.phone",
                "Representative phone number",
                country.phone,
                path="_emu.representative.phone",
                input_type="tel",
                autocomplete="tel",
                **rep,
            ),
        ]
    specs += [
        *_date_of_birth(
            "representative.date_of_birth",
            "_emu.representative.date_of_birth",
            "Representative date of birth",
            **rep,
        ),
        *_address(
            "representative.address",
            "_emu.representative.address",
            "Representative",
            country,
            **rep,
        ),
        _one(
            "representative.relationship.title",
            "Representative job title",
            "CEO",
            path="_emu.representative.relationship.title",
            autocomplete="organization-title",
            **rep,
        ),
    ]
    if country.person_id is not None:
        specs.append(
            Spec(
                "representative.id_numbers",
                (
                    FormField(
                        "representative.id_number",
                        f"Representative {country.person_id.label}",
                        "_emu.secrets.representative_id_number",
                        country.person_id.test_value,
                        kind="secret",
                        charset=country.person_id.charset,
                    ),
                ),
                verify=True,
                fail_code="verification_failed_id_number_match",
                **rep,
            )
        )
    ownership: dict[str, Any] = {"group": "Owners and directors", "impact": "merchant"}
    specs.append(
        _flag(
            "identity.attestations.persons_provided.owners",
            "Everyone who owns 25% or more of the business has been provided",
            **ownership,
        )
    )
    if country.directors:
        specs.append(
            _flag(
                "identity.attestations.persons_provided.directors",
                "Every director of the business has been provided",
                **ownership,
            )
        )
    specs += [_external_account(country), *_terms_of_service()]
    if country.us_extras:
        specs += [
            _one(
                f"{business}.annual_revenue",
                f"Annual revenue ({country.currency.upper()})",
                "100000",
                kind="money",
                input_type="number",
                due="eventually_due",
                impact="payments",
            ),
            _one(
                f"{business}.estimated_worker_count",
                "Number of workers",
                "5",
                kind="int",
                input_type="number",
                due="eventually_due",
                impact="payments",
            ),
        ]
    return tuple(specs)


def _individual(country: Country) -> tuple[Spec, ...]:
    person = "identity.individual"
    about: dict[str, Any] = {"group": "About you"}
    specs: list[Spec] = [
        _one(f"{person}.given_name", "First name", "Jenny", autocomplete="given-name", **about),
        _one(f"{person}.surname", "Last name", "Rosen", autocomplete="family-name", **about),
    ]
    if country.contact:
        contact: dict[str, Any] = {**about, "impact": "merchant"}
        specs += [
            _one(
                f"{person}.email",
                "Email",
                "jenny.rosen@example.com",
                input_type="email",
                autocomplete="email",
                **contact,
            ),
            _one(
                f"{person}.phone",
                "Phone number",
                country.phone,
                input_type="tel",
                autocomplete="tel",
                **contact,
            ),
        ]
    specs += [
        *_date_of_birth(
            f"{person}.date_of_birth", f"{person}.date_of_birth", "Date of birth", **about
        ),
        *_address(f"{person}.address", f"{person}.address", "Home", country, **about),
    ]
    if country.person_id is not None:
        ident = country.person_id
        specs.append(
            Spec(
                f"{person}.id_numbers",
                (
                    FormField(
                        f"{person}.id_number",
                        ident.label,
                        "_emu.secrets.individual_id_number",
                        ident.test_value,
                        kind="secret",
                        marker=(f"{person}.id_numbers", [{"type": ident.type}]),
                        charset=ident.charset,
                    ),
                ),
                verify=True,
                fail_code="verification_failed_id_number_match",
                impact="merchant",
                **about,
            )
        )
    specs += [_business_url(), _external_account(country), *_terms_of_service()]
    if country.us_extras:
        specs.append(
            _one(
                "defaults.profile.product_description",
                "What do you sell?",
                "Test products",
                due="eventually_due",
                impact="payments",
            )
        )
    return tuple(specs)


@cache
def catalogue(country: str, entity_type: str) -> tuple[Spec, ...]:
    """Every requirement an account of this country and entity type can be asked for now.

    ``government_entity`` and ``non_profit`` use the company catalogue."""
    profile = country_profile(country)
    return _individual(profile) if entity_type == "individual" else _company(profile)


#: Specs that only ever arrive as future requirements (added by the scenario control).
FUTURE_COMPANY_SPECS: tuple[Spec, ...] = (
    _one(
        "identity.business_details.registration_date",
        "Registration date",
        "2020-01-01",
        kind="date",
        input_type="date",
        reason="routine_verification",
    ),
)
FUTURE_INDIVIDUAL_SPECS: tuple[Spec, ...] = (
    _one(
        "identity.individual.nationalities",
        "Nationality (country code)",
        "US",
        kind="list",
        reason="routine_verification",
        group="About you",
    ),
)


def future_catalogue(entity_type: str) -> tuple[Spec, ...]:
    return FUTURE_INDIVIDUAL_SPECS if entity_type == "individual" else FUTURE_COMPANY_SPECS


def describe(spec: Spec) -> dict[str, Any]:
    """A spec as the catalogue control lists it."""
    return {
        "description": spec.description,
        "minimum_deadline": spec.due,
        "impact": spec.impact,
        "verified_by_stripe": spec.verify,
        "person": spec.person,
        "form_fields": [f.name for f in spec.fields],
    }
