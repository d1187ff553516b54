"""The requirements engine.

An account's requirements are derived, never stored: the catalogue for its country and
entity type (:mod:`stripe_emulator.catalogue`) is checked against the information on file,
pending "Stripe verifications", injected errors, deadlines and future requirements.
:func:`compute` renders ``requirements``, ``future_requirements`` and capability statuses in
the contract's shapes; :func:`settle` applies time-driven transitions (verifications
finishing, future requirements becoming current).

A *fresh* account (``_emu.submitted`` false) looks the way Stripe reports a brand-new account:
every entry waiting on the user is ``past_due`` with no deadline time, so each capability it
restricts is ``restricted`` / ``requirements_past_due``. Submitting information (the hosted
form or the ``submit`` scenario control) ends that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from stripe_emulator import catalogue as cat
from stripe_emulator.catalogue import FormField, Spec
from stripe_emulator.clock import rfc3339
from stripe_emulator.config import EmulatorConfig

MERCHANT_PAYOUTS = "stripe_balance.payouts"
CONFIGURATIONS_WITH_CAPABILITIES = ("merchant", "recipient")

#: Submitting this value as a tax ID or a person's ID number makes verification fail.
FAILING_ID_NUMBER = "111111111"

_STATUS_RANK = {"past_due": 0, "currently_due": 1, "eventually_due": 2}

Targets = dict[str, list[str]]


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


def _date_text(raw: dict[str, Any]) -> str | None:
    try:
        return f"{int(raw['year']):04d}-{int(raw['month']):02d}-{int(raw['day']):02d}"
    except (KeyError, TypeError, ValueError):
        return None


def _money_text(raw: dict[str, Any]) -> str | None:
    value = (raw.get("amount") or {}).get("value")
    return None if value is None else str(int(value) // 100)


def field_value(record: dict[str, Any], f: FormField) -> str | None:
    """The value on file for a form field, as the form shows it (None when absent)."""
    raw = get_path(record, f.path)
    if raw is None or raw == "" or raw == [] or raw is False:
        return None
    if f.kind == "date" and isinstance(raw, dict):
        return _date_text(raw)
    if f.kind == "money" and isinstance(raw, dict):
        return _money_text(raw)
    if f.kind == "list" and isinstance(raw, list):
        return ", ".join(str(x) for x in raw)
    if f.kind == "tos":
        return "accepted" if isinstance(raw, dict) and raw.get("date") and raw.get("ip") else None
    if f.kind == "flag":
        return "yes" if raw is True else None
    return str(raw)


class FieldError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


def _parse_date(f: FormField, raw: str) -> dict[str, int]:
    try:
        d = date.fromisoformat(raw)
    except ValueError as exc:
        raise FieldError(f.name, f"{f.label}: enter a date as YYYY-MM-DD.") from exc
    return {"day": d.day, "month": d.month, "year": d.year}


def _parse_number(f: FormField, raw: str) -> int:
    try:
        number = int(raw)
    except ValueError as exc:
        raise FieldError(f.name, f"{f.label}: enter a whole number.") from exc
    if number < 0:
        raise FieldError(f.name, f"{f.label}: enter a positive number.")
    return number


def _parse_secret(f: FormField, raw: str) -> str:
    compact = raw.replace("-", "").replace(" ", "")
    if f.charset == "alnum":
        if not compact.isalnum():
            raise FieldError(f.name, f"{f.label}: enter letters and digits only.")
        return compact.upper()
    if not compact.isdigit():
        raise FieldError(f.name, f"{f.label}: enter digits only.")
    return compact


def _parsed(f: FormField, raw: str, ctx: dict[str, str]) -> Any:
    """A submitted form value as the account stores it."""
    if f.kind == "date":
        return _parse_date(f, raw)
    if f.kind == "int":
        return _parse_number(f, raw)
    if f.kind == "money":
        amount = {"value": _parse_number(f, raw) * 100, "currency": ctx.get("currency", "usd")}
        return {"amount": amount}
    if f.kind == "list":
        return [part.strip().upper() for part in raw.split(",") if part.strip()]
    if f.kind == "tos":
        return {
            "date": ctx["now"],
            "ip": ctx.get("ip", "127.0.0.1"),
            "user_agent": ctx.get("user_agent", ""),
        }
    if f.kind == "flag":
        return True
    if f.kind == "secret":
        return _parse_secret(f, raw)
    return raw


def apply_field(record: dict[str, Any], f: FormField, raw: str, ctx: dict[str, str]) -> None:
    """Store a submitted form value (already stripped, non-empty) on the account."""
    set_path(record, f.path, _parsed(f, raw, ctx))
    if f.marker is not None:
        set_path(record, f.marker[0], json.loads(json.dumps(f.marker[1])))


# --------------------------------------------------------------------------- catalogue


def entity_type(record: dict[str, Any]) -> str:
    value = get_path(record, "identity.entity_type")
    return value if isinstance(value, str) else "company"


def country(record: dict[str, Any]) -> str:
    value = get_path(record, "identity.country")
    return value.lower() if isinstance(value, str) else "us"


def _flatten_requested(caps: Any, prefix: str = "") -> list[str]:
    if not isinstance(caps, dict):
        return []
    names: list[str] = []
    for name, opts in caps.items():
        if not isinstance(opts, dict):
            continue
        if "requested" in opts:
            if opts["requested"]:
                names.append(prefix + name)
        else:
            names += _flatten_requested(opts, f"{prefix}{name}.")
    return names


def requested_capabilities(record: dict[str, Any], configuration: str = "merchant") -> list[str]:
    """Requested capabilities of a configuration, dotted (``stripe_balance.stripe_transfers``)."""
    caps = get_path(record, f"configuration.{configuration}.capabilities")
    return sorted(_flatten_requested(caps))


def capability_targets(record: dict[str, Any]) -> Targets:
    """The capabilities each configuration reports a status for. A merchant that requests any
    capability also gets ``stripe_balance.payouts``."""
    targets: Targets = {}
    merchant = requested_capabilities(record, "merchant")
    if merchant:
        targets["merchant"] = [c for c in merchant if c != MERCHANT_PAYOUTS] + [MERCHANT_PAYOUTS]
    recipient = requested_capabilities(record, "recipient")
    if recipient:
        targets["recipient"] = recipient
    return targets


def restricted_capabilities(spec: Spec, targets: Targets) -> list[tuple[str, str]]:
    """(configuration, capability) pairs an open entry for ``spec`` restricts."""
    merchant = targets.get("merchant", [])
    payments = [c for c in merchant if c != MERCHANT_PAYOUTS]
    payouts = [c for c in merchant if c == MERCHANT_PAYOUTS]
    recipient = targets.get("recipient", [])
    by_impact = {
        "all": (payments + payouts, recipient),
        "merchant": (payments + payouts, []),
        "payouts": (payouts, recipient),
        "payments": (payments, []),
    }
    from_merchant, from_recipient = by_impact[spec.impact]
    return [("merchant", c) for c in from_merchant] + [("recipient", c) for c in from_recipient]


def base_specs(record: dict[str, Any]) -> tuple[Spec, ...]:
    """The catalogue entries that restrict something this account requested."""
    targets = capability_targets(record)
    if not targets:
        return ()
    return tuple(
        spec
        for spec in cat.catalogue(country(record), entity_type(record))
        if restricted_capabilities(spec, targets)
    )


def future_catalogue(record: dict[str, Any]) -> tuple[Spec, ...]:
    return cat.future_catalogue(entity_type(record))


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


def form_fields(specs: list[Spec]) -> list[FormField]:
    """The distinct inputs that satisfy ``specs``, in order (specs may share an input)."""
    seen: dict[str, FormField] = {}
    for spec in specs:
        for f in spec.fields:
            seen.setdefault(f.name, f)
    return list(seen.values())


# --------------------------------------------------------------------------- transitions


def is_fresh(record: dict[str, Any]) -> bool:
    """True until information is submitted (accounts from older state files are not fresh)."""
    return not record["_emu"].get("submitted", True)


def mark_submitted(record: dict[str, Any]) -> None:
    record["_emu"]["submitted"] = True


def note_submitted(
    record: dict[str, Any], descriptions: set[str], now: float, config: EmulatorConfig
) -> None:
    """Information for these specs was just provided (hosted form or API)."""
    emu = record["_emu"]
    catalogue = all_specs(record)
    for desc in descriptions:
        spec = catalogue.get(desc)
        if spec is None:
            continue
        emu["errors"].pop(desc, None)
        if spec.verify and is_provided(record, spec):
            emu["verifications"][desc] = _verification(record, spec, now, config)
        emu["fingerprints"][desc] = fingerprint(record, spec)


def _verification(
    record: dict[str, Any], spec: Spec, now: float, config: EmulatorConfig
) -> dict[str, Any]:
    fails = any(
        f.kind == "secret" and get_path(record, f.path) == FAILING_ID_NUMBER for f in spec.fields
    )
    return {
        "resolve_at": now + config.verification_delay,
        "fail_code": spec.fail_code if fails else None,
        "fail_description": "The ID number provided could not be verified." if fails else None,
    }


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
            desc = item["description"]
            emu["promoted"][desc] = item["transition_at"]
            emu.setdefault("promoted_status", {})[desc] = item.get("status", "currently_due")
            emu["due_at"][desc] = future_deadline(item, config)


def future_deadline(item: dict[str, Any], config: EmulatorConfig) -> float:
    """When a future requirement starts to bite: its deadline, or transition + the window."""
    deadline = item.get("deadline_at")
    return (
        float(deadline)
        if deadline is not None
        else item["transition_at"] + config.currently_due_window
    )


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
    #: configuration -> capability (dotted) -> {status, status_details}
    capabilities: dict[str, dict[str, dict[str, Any]]]
    #: descriptions of open entries awaiting the user, with their status
    open_user: dict[str, str] = field(default_factory=dict)
    open_future: list[str] = field(default_factory=list)


def compute(record: dict[str, Any], now: float, config: EmulatorConfig) -> Derived:
    """Render ``requirements``, ``future_requirements`` and capability statuses."""
    targets = capability_targets(record)
    current = _current_requirements(record, now, config, targets)
    future = _future_requirements(record, config, targets)
    capabilities = _capability_statuses(record, targets, current.blocking)
    return Derived(
        current.rendered(),
        future.rendered(),
        capabilities,
        current.open_user,
        future.open_descriptions,
    )


@dataclass
class _Current:
    """Open requirement entries, and what each capability is blocked by."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    #: deadlines of entries that have one (not ``eventually_due``, not fresh)
    times: list[float] = field(default_factory=list)
    open_user: dict[str, str] = field(default_factory=dict)
    #: (configuration, capability) -> statuses of the entries blocking it
    #: (``"stripe"`` while Stripe verifies)
    blocking: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    #: a fresh account's entries are past due with no deadline: the summary has no time
    undated: bool = False

    def rendered(self) -> dict[str, Any]:
        times = [] if self.undated else self.times
        return {"entries": self.entries, "summary": _summary(self.entries, times)}


@dataclass
class _Future:
    entries: list[dict[str, Any]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    transitions: list[float] = field(default_factory=list)
    open_descriptions: list[str] = field(default_factory=list)

    def rendered(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "minimum_transition_date": rfc3339(min(self.transitions)) if self.transitions else None,
            "summary": _summary(self.entries, self.times),
        }


def _awaiting(record: dict[str, Any], spec: Spec) -> str | None:
    """Who must act on a spec: ``user``, ``stripe`` (verifying), or None when it is satisfied."""
    emu = record["_emu"]
    if emu["errors"].get(spec.description) or not is_provided(record, spec):
        return "user"
    if spec.description in emu["verifications"]:
        return "stripe"
    return None


def _base_status(record: dict[str, Any], spec: Spec) -> str:
    promoted_status: dict[str, str] = record["_emu"].get("promoted_status", {})
    if spec.description in record["_emu"].get("promoted", {}):
        return promoted_status.get(spec.description, "currently_due")
    return spec.due


def _current_requirements(
    record: dict[str, Any], now: float, config: EmulatorConfig, targets: Targets
) -> _Current:
    emu = record["_emu"]
    fresh = is_fresh(record)
    current = _Current()
    for spec in current_specs(record):
        desc = spec.description
        awaiting = _awaiting(record, spec)
        if awaiting is None:
            continue
        due_at = emu["due_at"].get(desc, emu["created_ts"] + config.currently_due_window)
        status = _base_status(record, spec)
        overdue = status == "currently_due" and awaiting == "user" and (fresh or now >= due_at)
        if overdue:
            status = "past_due"
            current.undated = current.undated or fresh
        if status != "eventually_due":
            current.times.append(due_at)
        reason = "routine_verification" if desc in emu.get("promoted", {}) else spec.reason
        errors = emu["errors"].get(desc, [])
        restricted = restricted_capabilities(spec, targets)
        current.entries.append(_entry(record, spec, status, awaiting, errors, restricted, reason))
        if awaiting == "user":
            current.open_user[desc] = status
        for pair in restricted:
            current.blocking.setdefault(pair, set()).add(status if awaiting == "user" else "stripe")
    return current


def _future_requirements(
    record: dict[str, Any], config: EmulatorConfig, targets: Targets
) -> _Future:
    future = _Future()
    catalogue = all_specs(record)
    for item in record["_emu"]["future"]:
        spec = catalogue.get(item["description"])
        if spec is None or is_provided(record, spec):
            continue
        status = item.get("status", "currently_due")
        restricted = restricted_capabilities(spec, targets)
        future.entries.append(
            _entry(record, spec, status, "user", [], restricted, "routine_verification")
        )
        future.transitions.append(item["transition_at"])
        if status != "eventually_due":
            future.times.append(future_deadline(item, config))
        future.open_descriptions.append(spec.description)
    return future


def _entry(
    record: dict[str, Any],
    spec: Spec,
    status: str,
    awaiting: str,
    errors: list[dict[str, str]],
    restricted: list[tuple[str, str]],
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
                {"capability": cap, "configuration": conf, "deadline": {"status": status}}
                for conf, cap in restricted
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
    time = rfc3339(min(times)) if times and status != "eventually_due" else None
    return {"minimum_deadline": {"status": status, "time": time}}


def capability_status(
    status: str, code: str | None = None, resolution: str | None = None
) -> dict[str, Any]:
    details = [] if code is None else [{"code": code, "resolution": resolution}]
    return {"status": status, "status_details": details}


def _computed_status(kinds: set[str]) -> dict[str, Any]:
    """A capability's status from the statuses of the entries blocking it."""
    if "past_due" in kinds:
        return capability_status("restricted", "requirements_past_due", "provide_info")
    if "currently_due" in kinds:
        return capability_status("pending", "determining_status", "provide_info")
    if "stripe" in kinds:
        return capability_status("pending", "requirements_pending_verification", "no_resolution")
    return capability_status("active")


def _capability_statuses(
    record: dict[str, Any], targets: Targets, blocking: dict[tuple[str, str], set[str]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Computed statuses, with any scenario override (rejection, ...) on top."""
    overrides: dict[str, dict[str, Any]] = record["_emu"].get("capability_overrides", {})
    statuses: dict[str, dict[str, dict[str, Any]]] = {}
    for conf, caps in targets.items():
        forced = overrides.get(conf, {})
        statuses[conf] = {
            cap: forced.get(cap) or _computed_status(blocking.get((conf, cap), set()))
            for cap in caps
        }
    return statuses
