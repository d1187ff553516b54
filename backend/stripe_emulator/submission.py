"""Submitting information the way the hosted onboarding form does.

Used by the hosted pages (:mod:`stripe_emulator.hosted`), the Connect.js stand-in
(:mod:`stripe_emulator.embedded`) and the ``submit`` scenario control: pick what a form
collects and how its inputs start out, check and apply submitted values to a copy of the
account, then commit the copy, note what was provided and end the account's fresh shape.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
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
    exclude: Iterable[str] = (),
) -> Collection:
    """``fields``: ``currently_due`` (which includes ``past_due``) or ``eventually_due`` too;
    ``future_requirements``: ``include`` adds open future requirements; ``exclude``: entries
    (descriptions) this form does not collect."""
    derived = req.compute(record, emu.now(), emu.config)
    statuses = {"currently_due", "past_due"}
    if fields == "eventually_due":
        statuses.add("eventually_due")
    include_future = future_requirements == "include"
    catalogue = req.all_specs(record)
    wanted = [d for d, status in derived.open_user.items() if status in statuses]
    if include_future:
        wanted += [d for d in derived.open_future if d not in wanted]
    skipped = set(exclude)
    outstanding = [catalogue[d] for d in wanted if d in catalogue and d not in skipped]
    on_file: list[Spec] = []
    if update:
        candidates = list(req.current_specs(record))
        if include_future:
            candidates += [catalogue[d] for d in derived.open_future if d in catalogue]
        on_file = [
            s
            for s in candidates
            if s not in outstanding and s.description not in skipped and req.is_provided(record, s)
        ]
    verifying = [
        e["description"]
        for e in derived.requirements["entries"]
        if e["awaiting_action_from"] == "stripe"
    ]
    return Collection(outstanding, on_file, verifying)


@dataclass
class FormInput:
    """One input as a form renders it."""

    field: FormField
    required: bool
    error: str | None
    test_data: bool
    #: secrets with an error are asked again, not shown as "on file"
    reenter: bool

    def on_file(self, record: dict[str, Any]) -> str | None:
        return None if self.reenter else req.field_value(record, self.field)

    def hint(self, record: dict[str, Any]) -> str:
        """Secrets on file are never shown: the form says how they end."""
        on_file = self.on_file(record)
        if self.field.kind == "secret" and on_file:
            return f"On file, ending in {on_file[-4:]}. Leave blank to keep it."
        return ""

    def initial_value(self, record: dict[str, Any], submitted: Mapping[str, str] | None) -> str:
        f = self.field
        on_file = self.on_file(record)
        if submitted is not None:
            return submitted.get(f.name, "")
        if f.kind == "secret":
            return "" if on_file else (f.test_value if self.test_data else "")
        if on_file is not None:
            return on_file
        return f.test_value if self.test_data else ""

    def checked(self, record: dict[str, Any], submitted: Mapping[str, str] | None) -> bool:
        """For a checkbox: whether it starts out ticked."""
        if submitted is not None:
            return submitted.get(self.field.name, "") == self.field.test_value
        return self.on_file(record) is not None or self.test_data


def form_inputs(
    record: dict[str, Any], wanted: Collection, errors: Mapping[str, str], onboarding: bool
) -> dict[str, list[FormInput]]:
    """A form's inputs by group: each distinct input once, with the errors Stripe reported
    on the entries it satisfies. ``onboarding`` pre-fills new fields with test data."""
    entry_errors: dict[str, list[dict[str, str]]] = record["_emu"]["errors"]
    groups: dict[str, list[FormInput]] = {}
    required = {f.name for f in wanted.required_fields()}
    for spec in wanted.specs():
        reported = " ".join(e["description"] for e in entry_errors.get(spec.description, []))
        for index, f in enumerate(spec.fields):
            group = groups.setdefault(spec.group, [])
            if any(i.field.name == f.name for items in groups.values() for i in items):
                continue
            is_required = f.name in required
            group.append(
                FormInput(
                    f,
                    required=is_required,
                    error=errors.get(f.name) or (reported if index == 0 and reported else None),
                    test_data=onboarding or is_required,
                    reenter=bool(reported) and f.kind == "secret",
                )
            )
    return {name: items for name, items in groups.items() if items}


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


@dataclass
class Received:
    """A form post, checked and applied to a copy of the account (not yet committed)."""

    values: dict[str, str]
    result: Submission
    now_text: str
    saving: bool

    @property
    def errors(self) -> dict[str, str]:
        return self.result.errors


def receive(
    emu: Emulator,
    record: dict[str, Any],
    wanted: Collection,
    posted: Mapping[str, Any],
    *,
    saving: bool,
    ip: str,
    user_agent: str,
) -> Received:
    """Take the form's inputs from ``posted``; **Submit** needs every required one, **Save for
    later** (``saving``) takes whatever is there."""
    values = {f.name: str(posted.get(f.name) or "").strip() for f in wanted.fields()}
    ctx = context(emu, record, ip, user_agent)
    checked = {} if saving else missing(record, wanted, values)
    return Received(values, apply(record, wanted, values, ctx, checked), ctx["now"], saving)


def accept(emu: Emulator, record: dict[str, Any], received: Received) -> None:
    """Commit a form post without errors (a save with nothing in it leaves the account as is)."""
    if received.result.touched or not received.saving:
        commit(emu, record, received.result, received.now_text)
