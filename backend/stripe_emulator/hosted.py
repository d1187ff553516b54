"""The hosted onboarding pages an Account Link's ``url`` opens (plain HTML, no JavaScript)."""

from __future__ import annotations

import copy
from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stripe_emulator import requirements as req
from stripe_emulator.clock import rfc3339
from stripe_emulator.common import emulator
from stripe_emulator.runtime import Emulator
from stripe_emulator.store import new_id

router = APIRouter()

_CSS = """
body{font-family:system-ui,sans-serif;margin:0;background:#f6f9fc;color:#1a1f36}
main{max-width:40rem;margin:2rem auto;background:#fff;padding:2rem;border-radius:8px}
fieldset{border:1px solid #d8dee4;border-radius:6px;margin:0 0 1.5rem;padding:1rem}
legend{font-weight:600;padding:0 .25rem}
.field{margin:0 0 1rem}
label{display:block;font-weight:500;margin:0 0 .25rem}
.check label{display:inline;font-weight:400}
input[type=text],input[type=email],input[type=url],input[type=date],input[type=number]{
width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #8792a2;border-radius:4px}
input:focus,button:focus{outline:3px solid #635bff;outline-offset:2px}
.hint{color:#4f566b;font-size:.875rem;margin:.25rem 0 0}
.error{color:#b3093c;font-weight:500;margin:.25rem 0 0}
.alert{border:2px solid #b3093c;padding:1rem;border-radius:6px;margin:0 0 1.5rem}
.actions{display:flex;gap:1rem}
button{padding:.6rem 1.2rem;border-radius:4px;border:1px solid #635bff;font-size:1rem}
button[value=submit]{background:#635bff;color:#fff}
button[value=save]{background:#fff;color:#635bff}
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} - Stripe emulator</title><style>{_CSS}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def _invalid_link() -> HTMLResponse:
    return _page(
        "Link not valid",
        "<h1>This link is not valid</h1><p>Ask the platform that sent you here for a new link.</p>",
        status=404,
    )


def _field_id(name: str) -> str:
    return "f-" + name.replace(".", "-").replace("_", "-")


def _options(link: dict[str, Any]) -> dict[str, Any]:
    kind = link["use_case"]["type"]
    options: dict[str, Any] = link["use_case"][kind]
    return options


def _collection(
    emu: Emulator, record: dict[str, Any], link: dict[str, Any]
) -> tuple[list[req.Spec], list[req.Spec], list[str]]:
    """(specs the user must provide, specs on file shown for editing, entries Stripe verifies)."""
    kind = link["use_case"]["type"]
    collection = _options(link).get("collection_options") or {}
    fields_opt = collection.get("fields", "currently_due")
    include_future = collection.get("future_requirements", "omit") == "include"
    derived = req.compute(record, emu.now(), emu.config)
    statuses = {"currently_due", "past_due"}
    if fields_opt == "eventually_due":
        statuses.add("eventually_due")
    catalogue = req.all_specs(record)
    wanted = [d for d, status in derived.open_user.items() if status in statuses]
    if include_future:
        wanted += [d for d in derived.open_future if d not in wanted]
    outstanding = [catalogue[d] for d in wanted if d in catalogue]
    on_file: list[req.Spec] = []
    if kind == "account_update":
        candidates = list(req.current_specs(record))
        if include_future:
            candidates += [catalogue[d] for d in derived.open_future if d in catalogue]
        on_file = [s for s in candidates if s not in outstanding and req.is_provided(record, s)]
    verifying = [
        e["description"]
        for e in derived.requirements["entries"]
        if e["awaiting_action_from"] == "stripe"
    ]
    return outstanding, on_file, verifying


def _input(
    record: dict[str, Any],
    f: req.FormField,
    *,
    required: bool,
    submitted: dict[str, str] | None,
    error: str | None,
    test_data: bool,
    reenter: bool = False,
) -> str:
    fid = _field_id(f.name)
    on_file = None if reenter else req.field_value(record, f)
    hint = ""
    if submitted is not None:
        value = submitted.get(f.name, "")
    elif f.kind == "secret":
        value = "" if on_file else (f.test_value if test_data else "")
    else:
        value = on_file if on_file is not None else (f.test_value if test_data else "")
    if f.kind == "secret" and on_file:
        hint = f"On file, ending in {on_file[-4:]}. Leave blank to keep it."
        required = False
    described = [x for x in (f"{fid}-hint" if hint else "", f"{fid}-error" if error else "") if x]
    attrs = [f'id="{fid}"', f'name="{escape(f.name)}"']
    if described:
        attrs.append(f'aria-describedby="{" ".join(described)}"')
    if error:
        attrs.append('aria-invalid="true"')
    if required:
        attrs.append("required")
    if f.autocomplete:
        attrs.append(f'autocomplete="{f.autocomplete}"')
    extras = ""
    if hint:
        extras += f'<p class="hint" id="{fid}-hint">{escape(hint)}</p>'
    if error:
        extras += f'<p class="error" id="{fid}-error">{escape(error)}</p>'
    if f.kind == "tos":
        checked = (
            (value == "accepted") if submitted is not None else (on_file is not None or test_data)
        )
        return (
            f'<div class="field check"><input type="checkbox" value="accepted" {" ".join(attrs)}'
            f'{" checked" if checked else ""}> <label for="{fid}">{escape(f.label)}</label>'
            f"{extras}</div>"
        )
    if f.input_type == "number":
        attrs.append('inputmode="numeric" min="0"')
    return (
        f'<div class="field"><label for="{fid}">{escape(f.label)}</label>'
        f'<input type="{f.input_type}" value="{escape(value)}" {" ".join(attrs)}>{extras}</div>'
    )


def _render_form(
    emu: Emulator,
    record: dict[str, Any],
    link: dict[str, Any],
    *,
    submitted: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    errors = errors or {}
    outstanding, on_file, verifying = _collection(emu, record, link)
    kind = link["use_case"]["type"]
    name = (
        record.get("display_name")
        or req.get_path(record, "identity.business_details.registered_name")
        or record["id"]
    )
    title = "Update your account" if kind == "account_update" else "Set up payments"
    parts = [
        f"<h1>{escape(title)}</h1>",
        f"<p>For <strong>{escape(str(name))}</strong>. Test mode: this page is served by the "
        "Stripe emulator and new fields are pre-filled with test data.</p>",
    ]
    if errors:
        items = "".join(
            f'<li><a href="#{_field_id(n)}">{escape(msg)}</a></li>' for n, msg in errors.items()
        )
        parts.append(
            '<div class="alert" role="alert" aria-labelledby="problem-heading">'
            f'<h2 id="problem-heading">There is a problem</h2><ul>{items}</ul></div>'
        )
    if verifying:
        items = "".join(f"<li>{escape(d)}</li>" for d in verifying)
        parts.append(f"<h2>Being verified by Stripe</h2><ul>{items}</ul>")
    parts.append(f'<form method="post" action="/hosted/onboarding/{escape(link["_token"])}">')
    parts.append(f'<input type="hidden" name="session" value="{escape(link["session"] or "")}">')
    groups: dict[str, list[str]] = {}
    entry_errors = record["_emu"]["errors"]
    for spec, required in [(s, True) for s in outstanding] + [(s, False) for s in on_file]:
        spec_errors = " ".join(e["description"] for e in entry_errors.get(spec.description, []))
        for index, f in enumerate(spec.fields):
            error = errors.get(f.name) or (spec_errors if index == 0 and spec_errors else None)
            groups.setdefault(spec.group, []).append(
                _input(
                    record,
                    f,
                    required=required,
                    submitted=submitted,
                    error=error,
                    test_data=kind == "account_onboarding" or required,
                    reenter=bool(spec_errors) and f.kind == "secret",
                )
            )
    if not groups:
        parts.append("<p>Stripe doesn't need anything else from you right now.</p>")
    for group, inputs in groups.items():
        parts.append(f"<fieldset><legend>{escape(group)}</legend>{''.join(inputs)}</fieldset>")
    parts.append(
        '<div class="actions"><button type="submit" name="action" value="submit">Submit</button>'
        '<button type="submit" name="action" value="save" formnovalidate>Save for later</button>'
        "</div></form>"
    )
    return _page(title, "".join(parts), status=status)


@router.get("/hosted/onboarding/{token}", response_model=None)
async def open_link(token: str, request: Request) -> Response:
    emu = emulator(request)
    async with emu.lock:
        link = emu.state.links.get(token)
        if link is None:
            return _invalid_link()
        options = _options(link)
        if link["visited"] or link["completed"] or emu.now() >= link["_expires_ts"]:
            return _redirect(options["refresh_url"])
        record = emu.state.accounts[link["account"]]
        emu.refresh(record)
        link["visited"] = True
        link["session"] = new_id("sess_", 32)
        emu.persist()
        return _render_form(emu, record, link)


@router.post("/hosted/onboarding/{token}", response_model=None)
async def submit_link(token: str, request: Request) -> Response:
    emu = emulator(request)
    form = await request.form()
    async with emu.lock:
        link = emu.state.links.get(token)
        if link is None:
            return _invalid_link()
        options = _options(link)
        session = form.get("session")
        if link["completed"] or not link["session"] or session != link["session"]:
            return _redirect(options["refresh_url"])
        record = emu.state.accounts[link["account"]]
        emu.refresh(record)
        action = "save" if form.get("action") == "save" else "submit"
        outstanding, on_file, _ = _collection(emu, record, link)
        submitted = {
            f.name: str(form.get(f.name) or "").strip()
            for spec in [*outstanding, *on_file]
            for f in spec.fields
        }
        errors: dict[str, str] = {}
        if action == "submit":
            for spec in outstanding:
                for f in spec.fields:
                    if not submitted.get(f.name) and req.field_value(record, f) is None:
                        errors[f.name] = (
                            f"{f.label}: you must accept to continue."
                            if f.kind == "tos"
                            else f"{f.label} is required."
                        )
        candidate = copy.deepcopy(record)
        ctx = {
            "now": rfc3339(emu.now()),
            "ip": request.client.host if request.client else "127.0.0.1",
            "user_agent": request.headers.get("user-agent", ""),
        }
        touched: set[str] = set()
        for spec in [*outstanding, *on_file]:
            for f in spec.fields:
                value = submitted.get(f.name, "")
                if not value or f.name in errors:
                    continue
                try:
                    req.apply_field(candidate, f, value, ctx)
                except req.FieldError as exc:
                    errors[exc.field_name] = str(exc)
                    continue
                touched.add(spec.description)
        if errors:
            return _render_form(emu, record, link, submitted=submitted, errors=errors, status=400)
        record.clear()
        record.update(candidate)
        identity = record.get("identity")
        if isinstance(identity, dict) and isinstance(identity.get("individual"), dict):
            individual = identity["individual"]
            individual.setdefault("id", record["_emu"]["person_id"])
            individual.setdefault("object", "v2.core.account_person")
            individual.setdefault("account", record["id"])
            individual.setdefault("created", ctx["now"])
            individual["updated"] = ctx["now"]
        req.note_submitted(record, touched, emu.now(), emu.config)
        emu.refresh(record)
        emu.record_event(
            "v2.core.account_link.returned",
            account_id=record["id"],
            data={
                "account_id": record["id"],
                "configurations": link["_configurations"],
                "use_case": link["use_case"]["type"],
            },
        )
        link["completed"] = True
        link["session"] = None
        emu.persist()
        return_url = options.get("return_url")
    if not return_url:
        return _page("Done", "<h1>All done</h1><p>You can close this window.</p>")
    return _redirect(return_url)
