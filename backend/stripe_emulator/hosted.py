"""The hosted onboarding pages an Account Link's ``url`` opens (plain HTML, no JavaScript)."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stripe_emulator import requirements as req
from stripe_emulator import submission
from stripe_emulator.common import emulator
from stripe_emulator.runtime import Emulator
from stripe_emulator.store import new_id
from stripe_emulator.submission import Collection, FormInput

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


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    """A small HTML page in the emulator's style (``no-store``)."""
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
    return page(
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


def _collection(emu: Emulator, record: dict[str, Any], link: dict[str, Any]) -> Collection:
    collection_options = _options(link).get("collection_options") or {}
    return submission.collection(
        emu,
        record,
        fields=collection_options.get("fields", "currently_due"),
        future_requirements=collection_options.get("future_requirements", "omit"),
        update=link["use_case"]["type"] == "account_update",
    )


def _attributes(fid: str, item: FormInput, hint: str) -> list[str]:
    described = [
        x for x in (f"{fid}-hint" if hint else "", f"{fid}-error" if item.error else "") if x
    ]
    attrs = [f'id="{fid}"', f'name="{escape(item.field.name)}"']
    if described:
        attrs.append(f'aria-describedby="{" ".join(described)}"')
    if item.error:
        attrs.append('aria-invalid="true"')
    if item.required and not hint:
        attrs.append("required")
    if item.field.autocomplete:
        attrs.append(f'autocomplete="{item.field.autocomplete}"')
    if item.field.input_type == "number":
        attrs.append('inputmode="numeric" min="0"')
    return attrs


def _input(record: dict[str, Any], item: FormInput, submitted: dict[str, str] | None) -> str:
    f = item.field
    fid = _field_id(f.name)
    hint = item.hint(record)
    value = item.initial_value(record, submitted)
    attrs = " ".join(_attributes(fid, item, hint))
    extras = f'<p class="hint" id="{fid}-hint">{escape(hint)}</p>' if hint else ""
    if item.error:
        extras += f'<p class="error" id="{fid}-error">{escape(item.error)}</p>'
    label = f'<label for="{fid}">{escape(f.label)}</label>'
    if f.input_type == "checkbox":
        checked = item.checked(record, submitted)
        return (
            f'<div class="field check"><input type="checkbox" value="{escape(f.test_value)}" '
            f"{attrs}{' checked' if checked else ''}> {label}{extras}</div>"
        )
    return (
        f'<div class="field">{label}'
        f'<input type="{f.input_type}" value="{escape(value)}" {attrs}>{extras}</div>'
    )


def _header(
    record: dict[str, Any], kind: str, errors: dict[str, str], verifying: list[str]
) -> list[str]:
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
    return parts


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
    wanted = _collection(emu, record, link)
    kind = link["use_case"]["type"]
    parts = _header(record, kind, errors, wanted.verifying)
    parts.append(f'<form method="post" action="/hosted/onboarding/{escape(link["_token"])}">')
    parts.append(f'<input type="hidden" name="session" value="{escape(link["session"] or "")}">')
    groups = submission.form_inputs(record, wanted, errors, onboarding=kind == "account_onboarding")
    if not groups:
        parts.append("<p>Stripe doesn't need anything else from you right now.</p>")
    for group, items in groups.items():
        inputs = "".join(_input(record, item, submitted) for item in items)
        parts.append(f"<fieldset><legend>{escape(group)}</legend>{inputs}</fieldset>")
    parts.append(
        '<div class="actions"><button type="submit" name="action" value="submit">Submit</button>'
        '<button type="submit" name="action" value="save" formnovalidate>Save for later</button>'
        "</div></form>"
    )
    title = "Update your account" if kind == "account_update" else "Set up payments"
    return page(title, "".join(parts), status=status)


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
        if link["completed"] or not link["session"] or form.get("session") != link["session"]:
            return _redirect(options["refresh_url"])
        record = emu.state.accounts[link["account"]]
        emu.refresh(record)
        received = submission.receive(
            emu,
            record,
            _collection(emu, record, link),
            form,
            saving=form.get("action") == "save",
            ip=request.client.host if request.client else "127.0.0.1",
            user_agent=request.headers.get("user-agent", ""),
        )
        if received.errors:
            return _render_form(
                emu, record, link, submitted=received.values, errors=received.errors, status=400
            )
        _finish(emu, record, link, received)
        return_url = options.get("return_url")
    if not return_url:
        return page("Done", "<h1>All done</h1><p>You can close this window.</p>")
    return _redirect(return_url)


def _finish(
    emu: Emulator, record: dict[str, Any], link: dict[str, Any], received: submission.Received
) -> None:
    """Commit what was submitted (a save with nothing in it leaves the account untouched) and
    record ``v2.core.account_link.returned``; the link is then used up."""
    submission.accept(emu, record, received)
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
