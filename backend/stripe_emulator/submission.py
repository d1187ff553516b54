"""Submitting information the way the hosted onboarding form does.

Used by the hosted pages (:mod:`stripe_emulator.hosted`) and by the ``submit`` scenario
control: pick what a link collects, check and apply submitted values to a copy of the
account, then commit the copy, note what was provided and end the account's fresh shape.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from stripe_emulator import requirements as req
from stripe_emulator.catalogue import FormField, Spec
from stripe_emulator.clock import rfc3339
from stripe_emulator.runtime import Emulator


@dataclass
class Collection:
    """What a form asks for: entries the user must provide, entries on file shown for editing
    (``account_update`` only), and entries Stripe is verifying (listed, not editable)."""

    outstanding: list[Spec]
    on_file: list[Spec]
    verifying: list[str]

    def specs(self) -> list[Spec]:
        return [*self.outstanding, *self.on_file]

    def fields(self) -> list[FormField]:
        return req.form_fields(self.specs())

    def required_fields(self) -> list[FormField]:
        return req.form_fields(self.outstanding)


def collection(
    emu: Emulator,
    record: dict[str, Any],
    *,
    fields: str = "currently_due",
    future_requirements: str = "omit",
    update: bool = False,
) -> Collection:
    """``fields``: ``currently_due`` (which includes ``past_due``) or ``eventually_due`` too;
    ``future_requirements``: ``include`` adds open future requirements."""
    derived = req.compute(record, emu.now(), emu.config)
    statuses = {"currently_due", "past_due"}
    if fields == "eventually_due":
        statuses.add("eventually_due")
    include_future = future_requirements == "include"
    catalogue = req.all_specs(record)
    wanted = [d for d, status in derived.open_user.items() if status in statuses]
    if include_future:
        wanted += [d for d in derived.open_future if d not in wanted]
    outstanding = [catalogue[d] for d in wanted if d in catalogue]
    on_file: list[Spec] = []
    if update:
        candidates = list(req.current_specs(record))
        if include_future:
            candidates += [catalogue[d] for d in derived.open_future if d in catalogue]
        on_file = [s for s in candidates if s not in outstanding and req.is_provided(record, s)]
    verifying = [
        e["description"]
        for e in derived.requirements["entries"]
        if e["awaiting_action_from"] == "stripe"
    ]
    return Collection(outstanding, on_file, verifying)


def context(emu: Emulator, record: dict[str, Any], ip: str, user_agent: str) -> dict[str, str]:
    """What applying a value may need besides the value (ToS time and origin, currency)."""
    return {
        "now": rfc3339(emu.now()),
        "ip": ip,
        "user_agent": user_agent,
        "currency": str((record.get("defaults") or {}).get("currency") or "usd"),
    }


def missing(record: dict[str, Any], wanted: Collection, values: dict[str, str]) -> dict[str, str]:
    """Errors for required inputs left empty (a value on file counts)."""
    errors: dict[str, str] = {}
    for f in wanted.required_fields():
        if not values.get(f.name) and req.field_value(record, f) is None:
            errors[f.name] = (
                f"{f.label}: you must accept to continue."
                if f.kind in ("tos", "flag")
                else f"{f.label} is required."
            )
    return errors


@dataclass
class Submission:
    """The account as it would be after the submission, and what it provided."""

    candidate: dict[str, Any]
    touched: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)


def apply(
    record: dict[str, Any],
    wanted: Collection,
    values: dict[str, str],
    ctx: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Submission:
    """Apply non-empty ``values`` (by input name) to a copy of the account."""
    result = Submission(copy.deepcopy(record), errors=dict(errors or {}))
    for f in wanted.fields():
        value = values.get(f.name, "")
        if not value or f.name in result.errors:
            continue
        try:
            req.apply_field(result.candidate, f, value, ctx)
        except req.FieldError as exc:
            result.errors[exc.field_name] = str(exc)
            continue
        result.touched |= {s.description for s in wanted.specs() if f in s.fields}
    return result


def commit(emu: Emulator, record: dict[str, Any], submission: Submission, now_text: str) -> None:
    """Make the submission the account's state and settle what it changes."""
    record.clear()
    record.update(submission.candidate)
    identity = record.get("identity")
    if isinstance(identity, dict) and isinstance(identity.get("individual"), dict):
        individual = identity["individual"]
        individual.setdefault("id", record["_emu"]["person_id"])
        individual.setdefault("object", "v2.core.account_person")
        individual.setdefault("account", record["id"])
        individual.setdefault("created", now_text)
        individual["updated"] = now_text
    req.note_submitted(record, submission.touched, emu.now(), emu.config)
    req.mark_submitted(record)
    emu.refresh(record)


def with_test_data(wanted: Collection, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Every input of the collection filled with its test value (what a plain Submit sends)."""
    values = {f.name: f.test_value for f in wanted.fields() if f in wanted.required_fields()}
    values.update(overrides or {})
    return values
