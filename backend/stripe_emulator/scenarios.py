"""Account scenario controls under ``/_emulator/accounts/{id}/...`` (no auth).

Each one changes an account the way Stripe would and records the events Stripe would send
(through :meth:`Emulator.refresh`), then answers with the account's full state.
See docs/emulator.md.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from stripe_emulator import requirements as req
from stripe_emulator import submission
from stripe_emulator.catalogue import Spec
from stripe_emulator.clock import parse_rfc3339
from stripe_emulator.common import emulator
from stripe_emulator.controls import ControlError, account, full_state, json_body
from stripe_emulator.request_schemas import ENUMS
from stripe_emulator.runtime import Emulator

router = APIRouter(prefix="/_emulator/accounts/{account_id}")

#: The status and resolution a ``status_details`` code comes with unless the request says.
CODE_DEFAULTS: dict[str, tuple[str, str]] = {
    "determining_status": ("pending", "no_resolution"),
    "requirements_pending_verification": ("pending", "no_resolution"),
    "requirements_past_due": ("restricted", "provide_info"),
    "restricted_other": ("restricted", "contact_stripe"),
}


def code_defaults(code: str) -> tuple[str, str]:
    """``rejected_*``: rejected / no_resolution; ``unsupported_*``: unsupported / no_resolution;
    the others from CODE_DEFAULTS."""
    if code.startswith("rejected_"):
        return "rejected", "no_resolution"
    if code.startswith("unsupported_"):
        return "unsupported", "no_resolution"
    return CODE_DEFAULTS[code]


def _seconds(body: dict[str, Any], key: str, default: float) -> float:
    value = body.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise ControlError(400, f"{key} must be a non-negative number")
    return float(value)


def _timestamp(body: dict[str, Any], key: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    try:
        return parse_rfc3339(str(value))
    except ValueError:
        raise ControlError(400, f"{key} must be an RFC 3339 timestamp") from None


def _choice(
    body: dict[str, Any], key: str, allowed: list[str] | tuple[str, ...], default: str
) -> str:
    value = body.get(key, default)
    if value not in allowed:
        raise ControlError(400, f"{key} must be one of {', '.join(allowed)}")
    return str(value)


async def _changed(emu: Emulator, record: dict[str, Any]) -> JSONResponse:
    emu.refresh(record)
    emu.persist()
    return JSONResponse(full_state(emu, record))


# --------------------------------------------------------------------------- submit


@router.post("/submit")
async def submit(account_id: str, request: Request) -> JSONResponse:
    """The merchant submits the hosted form: ``{fields?, future_requirements?, values?,
    provide?, link_returned?}``. Ends the account's fresh (all past due) shape."""
    emu = emulator(request)
    body = await json_body(request)
    fields = _choice(body, "fields", ("currently_due", "eventually_due"), "currently_due")
    future = _choice(body, "future_requirements", ("include", "omit"), "omit")
    overrides = body.get("values") or {}
    if not isinstance(overrides, dict) or not all(isinstance(v, str) for v in overrides.values()):
        raise ControlError(400, "values must map form input names to strings")
    async with emu.lock:
        record = account(emu, account_id)
        emu.refresh(record)
        wanted = submission.collection(emu, record, fields=fields, future_requirements=future)
        values = submission.with_test_data(wanted, overrides) if body.get("provide", True) else {}
        ctx = submission.context(emu, record, "127.0.0.1", "stripe-emulator submit control")
        result = submission.apply(record, wanted, values, ctx)
        if result.errors:
            raise ControlError(400, "; ".join(result.errors.values()))
        submission.commit(emu, record, result, ctx["now"])
        if body.get("link_returned"):
            _record_link_returned(emu, record)
        return await _changed(emu, record)


def _record_link_returned(emu: Emulator, record: dict[str, Any]) -> None:
    configurations = sorted(set(record["applied_configurations"]) & {"merchant", "recipient"})
    emu.record_event(
        "v2.core.account_link.returned",
        account_id=record["id"],
        data={
            "account_id": record["id"],
            "configurations": configurations,
            "use_case": "account_onboarding",
        },
    )


# --------------------------------------------------------------------------- capabilities


@router.post("/capability_status")
async def set_capability_status(account_id: str, request: Request) -> JSONResponse:
    """Force capability statuses: ``{code?, status?, resolution?, configuration?,
    capabilities?}``. Without ``configuration`` / ``capabilities``: every capability of every
    configuration (a rejection is account-wide)."""
    emu = emulator(request)
    body = await json_body(request)
    status = _status_from(body)
    async with emu.lock:
        record = account(emu, account_id)
        overrides = record["_emu"].setdefault("capability_overrides", {})
        for conf, cap in _selected_capabilities(record, body):
            overrides.setdefault(conf, {})[cap] = status
        return await _changed(emu, record)


@router.delete("/capability_status")
async def clear_capability_status(account_id: str, request: Request) -> JSONResponse:
    """Back to computed statuses (``?configuration=&capability=`` narrows it)."""
    emu = emulator(request)
    query = dict(request.query_params)
    async with emu.lock:
        record = account(emu, account_id)
        overrides: dict[str, dict[str, Any]] = record["_emu"].setdefault("capability_overrides", {})
        for conf, cap in _selected_capabilities(record, query):
            overrides.get(conf, {}).pop(cap, None)
        return await _changed(emu, record)


def _status_from(body: dict[str, Any]) -> dict[str, Any]:
    code = body.get("code")
    if code is None:
        if body.get("status", "active") != "active":
            raise ControlError(400, "code is required unless status is active")
        return req.capability_status("active")
    if code not in ENUMS["capability_status_code"]:
        raise ControlError(400, f"code must be one of {', '.join(ENUMS['capability_status_code'])}")
    status, resolution = code_defaults(code)
    status = _choice(body, "status", ENUMS["capability_status"], status)
    resolution = _choice(body, "resolution", ENUMS["capability_resolution"], resolution)
    if status == "active":
        raise ControlError(400, "an active capability has no status_details code")
    return req.capability_status(status, code, resolution)


def _selected_capabilities(record: dict[str, Any], body: dict[str, Any]) -> list[tuple[str, str]]:
    targets = req.capability_targets(record)
    if not targets:
        raise ControlError(400, "the account requests no capabilities")
    conf = body.get("configuration")
    if conf is not None and conf not in targets:
        raise ControlError(400, f"configuration must be one of {', '.join(sorted(targets))}")
    names = body.get("capabilities", body.get("capability"))
    if isinstance(names, str):
        names = [names]
    selected = [(c, cap) for c, caps in targets.items() if conf in (None, c) for cap in caps]
    if names is None:
        return selected
    if not isinstance(names, list) or not names:
        raise ControlError(400, "capabilities must be a non-empty list of capability names")
    chosen = [(c, cap) for c, cap in selected if cap in names]
    unknown = set(names) - {cap for _, cap in chosen}
    if unknown:
        known = sorted({cap for _, cap in selected})
        raise ControlError(400, f"unknown capabilities {sorted(unknown)}; the account has {known}")
    return chosen


# --------------------------------------------------------------------------- close


@router.post("/close")
async def close(account_id: str, request: Request) -> JSONResponse:
    """``closed: true`` and a ``v2.core.account.closed`` event (terminal)."""
    emu = emulator(request)
    async with emu.lock:
        record = account(emu, account_id)
        emu.close_account(record)
        return await _changed(emu, record)


# --------------------------------------------------------------------------- future requirements


@router.post("/future_requirements")
async def add_future_requirements(account_id: str, request: Request) -> JSONResponse:
    """``{descriptions?, transition_in_seconds? | transition_at?, deadline_in_seconds? |
    deadline_at?, status?}``: requirements that become current at the transition and bite at
    the deadline (default: transition + ``currently_due_window``)."""
    emu = emulator(request)
    body = await json_body(request)
    status = _choice(body, "status", ("currently_due", "eventually_due"), "currently_due")
    async with emu.lock:
        record = account(emu, account_id)
        descriptions = _future_descriptions(record, body)
        transition, deadline = _future_dates(emu, body)
        emu_data = record["_emu"]
        for desc in descriptions:
            emu_data["future"] = [f for f in emu_data["future"] if f["description"] != desc]
            emu_data["promoted"].pop(desc, None)
            emu_data["future"].append(
                {
                    "description": desc,
                    "transition_at": transition,
                    "deadline_at": deadline,
                    "status": status,
                }
            )
        return await _changed(emu, record)


def _future_descriptions(record: dict[str, Any], body: dict[str, Any]) -> list[str]:
    catalogue = [s.description for s in req.future_catalogue(record)]
    descriptions = body.get("descriptions") or catalogue
    if not isinstance(descriptions, list) or any(d not in catalogue for d in descriptions):
        raise ControlError(400, f"descriptions must be a subset of {sorted(catalogue)}")
    return [str(d) for d in descriptions]


def _future_dates(emu: Emulator, body: dict[str, Any]) -> tuple[float, float | None]:
    """(transition time, deadline or None for the default), both emulated Unix time."""
    now = emu.now()
    transition = _timestamp(body, "transition_at")
    if transition is None:
        lead = _seconds(body, "transition_in_seconds", emu.config.future_requirements_lead)
        transition = now + lead
    deadline = _timestamp(body, "deadline_at")
    if deadline is None and "deadline_in_seconds" in body:
        deadline = now + _seconds(body, "deadline_in_seconds", 0)
    if deadline is not None and deadline < transition:
        raise ControlError(400, "the deadline must not be before the transition")
    return transition, deadline


# --------------------------------------------------------------------------- verification errors


@router.post("/verification_error")
async def verification_error(account_id: str, request: Request) -> JSONResponse:
    """``{requirement?, code?, description?}``: an error on an entry, re-opened for the user
    with a new deadline. Default: the account's first ID-number entry."""
    emu = emulator(request)
    body = await json_body(request)
    async with emu.lock:
        record = account(emu, account_id)
        specs = req.all_specs(record)
        if not specs:
            raise ControlError(400, "the account has no requirements")
        desc = body.get("requirement", _default_error_entry(list(specs.values())))
        if desc not in specs:
            raise ControlError(400, f"requirement must be one of {sorted(specs)}")
        spec = specs[desc]
        code = body.get("code", spec.fail_code)
        if not isinstance(code, str) or code not in ENUMS["requirement_error_code"]:
            raise ControlError(400, "code must be a requirement error code from the contract")
        default_text = (
            "The ID number provided doesn't match our records."
            if spec.verify
            else "The information provided could not be verified."
        )
        description = body.get("description", default_text)
        req.add_error(record, desc, code, str(description), emu.now(), emu.config)
        return await _changed(emu, record)


def _default_error_entry(specs: list[Spec]) -> str:
    """A person's ID number if the catalogue has one, else any ID number, else the first entry."""
    for wanted in (lambda s: s.verify and s.person, lambda s: s.verify, lambda s: True):
        found = next((s for s in specs if wanted(s)), None)
        if found is not None:
            return found.description
    return specs[0].description
