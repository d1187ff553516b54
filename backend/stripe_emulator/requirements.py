"""The requirements engine.

An account's requirements are derived, never stored: a fixed catalogue of requirement
*specs* (what Stripe asks a US merchant requesting ``card_payments`` for) is checked against
the information on file, pending "Stripe verifications", injected errors, deadlines and
future requirements. :func:`compute` renders ``requirements``, ``future_requirements`` and
capability statuses in the contract's shapes; :func:`settle` applies time-driven transitions
(verifications finishing, future requirements becoming current).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from stripe_emulator.clock import rfc3339
from stripe_emulator.config import EmulatorConfig

Due = Literal["currently_due", "eventually_due"]
CARD = "card_payments"
PAYOUTS = "stripe_balance.payouts"
BOTH = (CARD, PAYOUTS)

#: Submitting this value as a tax ID or a person's ID number makes verification fail.
FAILING_ID_NUMBER = "111111111"

_STATUS_RANK = {"past_due": 0, "currently_due": 1, "eventually_due": 2}


@dataclass(frozen=True)
class FormField:
    """One input of the hosted form and where its value is kept on the account."""

    name: str
    label: str
    path: str
    test_value: str
    kind: Literal["text", "date", "int", "money", "list", "tos", "secret"] = "text"
    input_type: str = "text"
    autocomplete: str | None = None
    #: For secrets: a public marker written next to the hidden value, e.g. id_numbers types.
    marker: tuple[str, Any] | None = None


@dataclass(frozen=True)
class Spec:
    description: str
    fields: tuple[FormField, ...]
    due: Due = "currently_due"
    restricts: tuple[str, ...] = BOTH
    verify: bool = False
    fail_code: str = "verification_failed_other"
    person: bool = False
    reason: str = "routine_onboarding"
    group: str = "Business"


def _address(prefix: str, path: str, who: str) -> tuple[FormField, ...]:
    return (
        FormField(
            f"{prefix}.line1",
            f"{who} address line 1",
            f"{path}.line1",
            "510 Townsend St",
            autocomplete="address-line1",
        ),
        FormField(
            f"{prefix}.city",
            f"{who} city",
            f"{path}.city",
            "San Francisco",
            autocomplete="address-level2",
        ),
        FormField(
            f"{prefix}.state", f"{who} state", f"{path}.state", "CA", autocomplete="address-level1"
        ),
        FormField(
            f"{prefix}.postal_code",
            f"{who} postal code",
            f"{path}.postal_code",
            "94103",
            autocomplete="postal-code",
        ),
    )


_BANK = Spec(
    "payout_methods.bank_account",
    (
        FormField(
            "bank_account.routing_number",
            "Routing number",
            "_emu.secrets.routing_number",
            "110000000",
            kind="secret",
        ),
        FormField(
            "bank_account.account_number",
            "Account number",
            "_emu.secrets.account_number",
            "000123456789",
            kind="secret",
        ),
    ),
    restricts=(PAYOUTS,),
    group="Bank account for payouts",
)
_TOS = Spec(
    "identity.attestations.terms_of_service.account",
    (
        FormField(
            "tos_acceptance",
            "I agree to the Stripe Services Agreement",
            "identity.attestations.terms_of_service.account",
            "accepted",
            kind="tos",
            input_type="checkbox",
        ),
    ),
    group="Terms of service",
)
_BUSINESS_URL = Spec(
    "defaults.profile.business_url",
    (
        FormField(
            "defaults.profile.business_url",
            "Business website",
            "defaults.profile.business_url",
            "https://example.com",
            input_type="url",
            autocomplete="url",
        ),
    ),
    restricts=(CARD,),
)

COMPANY_SPECS: tuple[Spec, ...] = (
    Spec(
        "identity.business_details.registered_name",
        (
            FormField(
                "identity.business_details.registered_name",
                "Legal business name",
                "identity.business_details.registered_name",
                "Gangway Test Co",
                autocomplete="organization",
            ),
        ),
    ),
    Spec(
        "identity.business_details.address.line1",
        _address(
            "identity.business_details.address", "identity.business_details.address", "Business"
        ),
    ),
    Spec(
        "identity.business_details.id_numbers",
        (
            FormField(
                "identity.business_details.id_number",
                "Employer Identification Number (EIN)",
                "_emu.secrets.business_id_number",
                "000000000",
                kind="secret",
                marker=("identity.business_details.id_numbers", [{"type": "us_ein"}]),
            ),
        ),
        verify=True,
        fail_code="verification_failed_tax_id_match",
    ),
    _BUSINESS_URL,
    Spec(
        "representative.given_name",
        (
            FormField(
                "representative.given_name",
                "Representative first name",
                "_emu.representative.given_name",
                "Jenny",
                autocomplete="given-name",
            ),
        ),
        person=True,
        group="Representative",
    ),
    Spec(
        "representative.surname",
        (
            FormField(
                "representative.surname",
                "Representative last name",
                "_emu.representative.surname",
                "Rosen",
                autocomplete="family-name",
            ),
        ),
        person=True,
        group="Representative",
    ),
    Spec(
        "representative.email",
        (
            FormField(
                "representative.email",
                "Representative email",
                "_emu.representative.email",
                "jenny.rosen@example.com",
                input_type="email",
                autocomplete="email",
            ),
        ),
        person=True,
        group="Representative",
    ),
    Spec(
        "representative.date_of_birth",
        (
            FormField(
                "representative.date_of_birth",
                "Representative date of birth",
                "_emu.representative.date_of_birth",
                "1901-01-01",
                kind="date",
                input_type="date",
                autocomplete="bday",
            ),
        ),
        person=True,
        group="Representative",
    ),
    Spec(
        "representative.address.line1",
        _address("representative.address", "_emu.representative.address", "Representative"),
        person=True,
        group="Representative",
    ),
    Spec(
        "representative.id_numbers",
        (
            FormField(
                "representative.id_number",
                "Representative Social Security number",
                "_emu.secrets.representative_id_number",
                "000000000",
                kind="secret",
            ),
        ),
        verify=True,
        fail_code="verification_failed_id_number_match",
        person=True,
        group="Representative",
    ),
    _BANK,
    _TOS,
    Spec(
        "identity.business_details.annual_revenue",
        (
            FormField(
                "identity.business_details.annual_revenue",
                "Annual revenue (USD)",
                "identity.business_details.annual_revenue",
                "100000",
                kind="money",
                input_type="number",
            ),
        ),
        due="eventually_due",
        restricts=(CARD,),
    ),
    Spec(
        "identity.business_details.estimated_worker_count",
        (
            FormField(
                "identity.business_details.estimated_worker_count",
                "Number of workers",
                "identity.business_details.estimated_worker_count",
                "5",
                kind="int",
                input_type="number",
            ),
        ),
        due="eventually_due",
        restricts=(CARD,),
    ),
)

INDIVIDUAL_SPECS: tuple[Spec, ...] = (
    Spec(
        "identity.individual.given_name",
        (
            FormField(
                "identity.individual.given_name",
                "First name",
                "identity.individual.given_name",
                "Jenny",
                autocomplete="given-name",
            ),
        ),
        group="About you",
    ),
    Spec(
        "identity.individual.surname",
        (
            FormField(
                "identity.individual.surname",
                "Last name",
                "identity.individual.surname",
                "Rosen",
                autocomplete="family-name",
            ),
        ),
        group="About you",
    ),
    Spec(
        "identity.individual.email",
        (
            FormField(
                "identity.individual.email",
                "Email",
                "identity.individual.email",
                "jenny.rosen@example.com",
                input_type="email",
                autocomplete="email",
            ),
        ),
        group="About you",
    ),
    Spec(
        "identity.individual.date_of_birth",
        (
            FormField(
                "identity.individual.date_of_birth",
                "Date of birth",
                "identity.individual.date_of_birth",
                "1901-01-01",
                kind="date",
                input_type="date",
                autocomplete="bday",
            ),
        ),
        group="About you",
    ),
    Spec(
        "identity.individual.address.line1",
        _address("identity.individual.address", "identity.individual.address", "Home"),
        group="About you",
    ),
    Spec(
        "identity.individual.id_numbers",
        (
            FormField(
                "identity.individual.id_number",
                "Social Security number",
                "_emu.secrets.individual_id_number",
                "000000000",
                kind="secret",
                marker=("identity.individual.id_numbers", [{"type": "us_ssn"}]),
            ),
        ),
        verify=True,
        fail_code="verification_failed_id_number_match",
        group="About you",
    ),
    _BUSINESS_URL,
    _BANK,
    _TOS,
    Spec(
        "defaults.profile.product_description",
        (
            FormField(
                "defaults.profile.product_description",
                "What do you sell?",
                "defaults.profile.product_description",
                "Test products",
            ),
        ),
        due="eventually_due",
        restricts=(CARD,),
    ),
)

#: Specs that only ever arrive as future requirements (added by the scenario control).
FUTURE_COMPANY_SPECS: tuple[Spec, ...] = (
    Spec(
        "identity.business_details.registration_date",
        (
            FormField(
                "identity.business_details.registration_date",
                "Registration date",
                "identity.business_details.registration_date",
                "2020-01-01",
                kind="date",
                input_type="date",
            ),
        ),
        reason="routine_verification",
    ),
)
FUTURE_INDIVIDUAL_SPECS: tuple[Spec, ...] = (
    Spec(
        "identity.individual.nationalities",
        (
            FormField(
                "identity.individual.nationalities",
                "Nationality (country code)",
                "identity.individual.nationalities",
                "US",
                kind="list",
            ),
        ),
        reason="routine_verification",
        group="About you",
    ),
)


# --------------------------------------------------------------------------- paths & values


def get_path(record: dict[str, Any], path: str) -> Any:
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def set_path(record: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = record
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def field_value(record: dict[str, Any], f: FormField) -> str | None:
    """The value on file for a form field, as the form shows it (None when absent)."""
    raw = get_path(record, f.path)
    if raw is None or raw == "" or raw == []:
        return None
    if f.kind == "date" and isinstance(raw, dict):
        return f"{raw['year']:04d}-{raw['month']:02d}-{raw['day']:02d}"
    if f.kind == "money" and isinstance(raw, dict):
        amount = raw.get("amount") or {}
        value = amount.get("value")
        return None if value is None else str(int(value) // 100)
    if f.kind == "list" and isinstance(raw, list):
        return ", ".join(str(x) for x in raw)
    if f.kind == "tos":
        return "accepted" if isinstance(raw, dict) and raw.get("date") else None
    return str(raw)


class FieldError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


def apply_field(record: dict[str, Any], f: FormField, raw: str, ctx: dict[str, str]) -> None:
    """Store a submitted form value (already stripped, non-empty) on the account."""
    value: Any = raw
    if f.kind == "date":
        try:
            d = date.fromisoformat(raw)
        except ValueError as exc:
            raise FieldError(f.name, f"{f.label}: enter a date as YYYY-MM-DD.") from exc
        value = {"day": d.day, "month": d.month, "year": d.year}
    elif f.kind in ("int", "money"):
        try:
            number = int(raw)
        except ValueError as exc:
            raise FieldError(f.name, f"{f.label}: enter a whole number.") from exc
        if number < 0:
            raise FieldError(f.name, f"{f.label}: enter a positive number.")
        value = (
            number if f.kind == "int" else {"amount": {"value": number * 100, "currency": "usd"}}
        )
    elif f.kind == "list":
        value = [part.strip().upper() for part in raw.split(",") if part.strip()]
    elif f.kind == "tos":
        value = {
            "date": ctx["now"],
            "ip": ctx.get("ip", "127.0.0.1"),
            "user_agent": ctx.get("user_agent", ""),
        }
    elif f.kind == "secret":
        digits = raw.replace("-", "").replace(" ", "")
        if not digits.isdigit():
            raise FieldError(f.name, f"{f.label}: enter digits only.")
        value = digits
    set_path(record, f.path, value)
    if f.marker is not None:
        set_path(record, f.marker[0], json.loads(json.dumps(f.marker[1])))


# --------------------------------------------------------------------------- catalogue


def entity_type(record: dict[str, Any]) -> str:
    value = get_path(record, "identity.entity_type")
    return value if isinstance(value, str) else "company"


def requested_capabilities(record: dict[str, Any]) -> list[str]:
    caps = get_path(record, "configuration.merchant.capabilities")
    if not isinstance(caps, dict):
        return []
    return sorted(
        name for name, opts in caps.items() if isinstance(opts, dict) and opts.get("requested")
    )


def base_specs(record: dict[str, Any]) -> tuple[Spec, ...]:
    if not requested_capabilities(record):
        return ()
    return INDIVIDUAL_SPECS if entity_type(record) == "individual" else COMPANY_SPECS


def future_catalogue(record: dict[str, Any]) -> tuple[Spec, ...]:
    if entity_type(record) == "individual":
        return FUTURE_INDIVIDUAL_SPECS
    return FUTURE_COMPANY_SPECS


def all_specs(record: dict[str, Any]) -> dict[str, Spec]:
    specs = {s.description: s for s in base_specs(record)}
    for s in future_catalogue(record):
        specs.setdefault(s.description, s)
    return specs


def current_specs(record: dict[str, Any]) -> list[Spec]:
    """Specs that are requirements now: the base catalogue plus promoted future ones."""
    emu = record["_emu"]
    specs = list(base_specs(record))
    catalogue = all_specs(record)
    for desc in emu.get("promoted", {}):
        spec = catalogue.get(desc)
        if spec is not None and spec not in specs:
            specs.append(spec)
    return specs


def is_provided(record: dict[str, Any], spec: Spec) -> bool:
    return all(field_value(record, f) is not None for f in spec.fields)


def fingerprint(record: dict[str, Any], spec: Spec) -> str:
    values = [field_value(record, f) for f in spec.fields]
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- transitions


def note_submitted(
    record: dict[str, Any], descriptions: set[str], now: float, config: EmulatorConfig
) -> None:
    """Information for these specs was just submitted (hosted form or API)."""
    emu = record["_emu"]
    catalogue = all_specs(record)
    for desc in descriptions:
        spec = catalogue.get(desc)
        if spec is None:
            continue
        emu["errors"].pop(desc, None)
        if spec.verify and is_provided(record, spec):
            fails = any(
                f.kind == "secret" and get_path(record, f.path) == FAILING_ID_NUMBER
                for f in spec.fields
            )
            emu["verifications"][desc] = {
                "resolve_at": now + config.verification_delay,
                "fail_code": spec.fail_code if fails else None,
                "fail_description": "The ID number provided could not be verified."
                if fails
                else None,
            }
        emu["fingerprints"][desc] = fingerprint(record, spec)


def settle(record: dict[str, Any], now: float, config: EmulatorConfig) -> None:
    """Apply time-driven transitions: finished verifications and due future requirements."""
    emu = record["_emu"]
    for desc, ver in list(emu["verifications"].items()):
        if ver["resolve_at"] > now:
            continue
        del emu["verifications"][desc]
        if ver.get("fail_code"):
            emu["errors"][desc] = [
                {"code": ver["fail_code"], "description": ver["fail_description"]}
            ]
            emu["due_at"][desc] = now + config.currently_due_window
    for item in list(emu["future"]):
        if item["transition_at"] <= now:
            emu["future"].remove(item)
            emu["promoted"][item["description"]] = item["transition_at"]
            emu["due_at"][item["description"]] = item["transition_at"] + config.currently_due_window


def add_error(
    record: dict[str, Any],
    desc: str,
    code: str,
    description: str,
    now: float,
    config: EmulatorConfig,
) -> None:
    emu = record["_emu"]
    emu["verifications"].pop(desc, None)
    emu["errors"][desc] = [{"code": code, "description": description}]
    emu["due_at"][desc] = now + config.currently_due_window


# --------------------------------------------------------------------------- rendering


@dataclass
class Derived:
    requirements: dict[str, Any]
    future_requirements: dict[str, Any]
    capabilities: dict[str, dict[str, Any]]
    #: descriptions of open entries awaiting the user, with their status
    open_user: dict[str, str] = field(default_factory=dict)
    open_future: list[str] = field(default_factory=list)


def _restricted_caps(spec: Spec, requested: list[str]) -> list[str]:
    caps: list[str] = []
    for cap in spec.restricts:
        if cap == PAYOUTS or cap in requested:
            caps.append(cap)
        if cap == CARD:
            caps.extend(c for c in requested if c != CARD)
    return list(dict.fromkeys(caps))


def _entry(
    record: dict[str, Any],
    spec: Spec,
    status: str,
    awaiting: str,
    errors: list[dict[str, str]],
    requested: list[str],
    reason: str,
) -> dict[str, Any]:
    reference: dict[str, Any] | None = None
    if spec.person:
        reference = {"inquiry": None, "resource": record["_emu"]["person_id"], "type": "person"}
    return {
        "awaiting_action_from": awaiting,
        "description": spec.description,
        "errors": errors,
        "impact": {
            "restricts_capabilities": [
                {"capability": cap, "configuration": "merchant", "deadline": {"status": status}}
                for cap in _restricted_caps(spec, requested)
            ]
        },
        "minimum_deadline": {"status": status},
        "reference": reference,
        "requested_reasons": [{"code": reason}],
    }


def _summary(entries: list[dict[str, Any]], times: list[float]) -> dict[str, Any]:
    if not entries:
        return {"minimum_deadline": None}
    status = min((e["minimum_deadline"]["status"] for e in entries), key=_STATUS_RANK.__getitem__)
    return {"minimum_deadline": {"status": status, "time": rfc3339(min(times)) if times else None}}


def compute(record: dict[str, Any], now: float, config: EmulatorConfig) -> Derived:
    emu = record["_emu"]
    requested = requested_capabilities(record)
    created_ts: float = emu["created_ts"]
    entries: list[dict[str, Any]] = []
    times: list[float] = []
    open_user: dict[str, str] = {}
    blocking: dict[str, set[str]] = {}
    for spec in current_specs(record):
        desc = spec.description
        errors = emu["errors"].get(desc, [])
        pending = emu["verifications"].get(desc)
        if errors or not is_provided(record, spec):
            awaiting = "user"
        elif pending is not None:
            awaiting = "stripe"
        else:
            continue
        due_at = emu["due_at"].get(desc, created_ts + config.currently_due_window)
        status: str = spec.due
        if desc in emu.get("promoted", {}):
            status = "currently_due"
        if status == "currently_due" and awaiting == "user" and now >= due_at:
            status = "past_due"
        if status != "eventually_due":
            times.append(due_at)
        reason = "routine_verification" if desc in emu.get("promoted", {}) else spec.reason
        entry = _entry(record, spec, status, awaiting, errors, requested, reason)
        entries.append(entry)
        if awaiting == "user":
            open_user[desc] = status
        for cap in _restricted_caps(spec, requested):
            blocking.setdefault(cap, set()).add(status if awaiting == "user" else "stripe")

    future_entries: list[dict[str, Any]] = []
    future_times: list[float] = []
    transitions: list[float] = []
    open_future: list[str] = []
    catalogue = all_specs(record)
    for item in emu["future"]:
        future_spec = catalogue.get(item["description"])
        if future_spec is None or is_provided(record, future_spec):
            continue
        spec = future_spec
        future_entries.append(
            _entry(record, spec, "currently_due", "user", [], requested, "routine_verification")
        )
        transitions.append(item["transition_at"])
        future_times.append(item["transition_at"] + config.currently_due_window)
        open_future.append(spec.description)

    capabilities: dict[str, dict[str, Any]] = {}
    if requested:
        for cap in [*requested, PAYOUTS]:
            kinds = blocking.get(cap, set())
            if "past_due" in kinds:
                capabilities[cap] = {
                    "status": "restricted",
                    "status_details": [
                        {"code": "requirements_past_due", "resolution": "provide_info"}
                    ],
                }
            elif "currently_due" in kinds:
                capabilities[cap] = {
                    "status": "pending",
                    "status_details": [
                        {"code": "determining_status", "resolution": "provide_info"}
                    ],
                }
            elif "stripe" in kinds:
                capabilities[cap] = {
                    "status": "pending",
                    "status_details": [
                        {"code": "requirements_pending_verification", "resolution": "no_resolution"}
                    ],
                }
            else:
                capabilities[cap] = {"status": "active", "status_details": []}

    requirements = {"entries": entries, "summary": _summary(entries, times)}
    future_requirements: dict[str, Any] = {
        "entries": future_entries,
        "minimum_transition_date": rfc3339(min(transitions)) if transitions else None,
        "summary": _summary(future_entries, future_times),
    }
    return Derived(requirements, future_requirements, capabilities, open_user, open_future)
