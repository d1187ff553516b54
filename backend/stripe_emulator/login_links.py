"""``POST /v1/accounts/{id}/login_links`` and the emulated Express dashboard its URL opens.

Stripe only makes login links for accounts that use the Express Dashboard (``dashboard:
express`` on a v2 account). A link is single use and short-lived (``link_ttl``, like Account
Links); opening it shows a small "Express dashboard (emulated)" page, and a second visit, or a
visit after it expired, a 410 page.
"""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from stripe_emulator import requirements as req
from stripe_emulator.common import emulator
from stripe_emulator.errors import ApiError, resource_missing
from stripe_emulator.forms import check_known, parse_expand, parse_form
from stripe_emulator.hosted import page
from stripe_emulator.runtime import Emulator
from stripe_emulator.store import new_id

router = APIRouter()


def dashboard_refusal(account_id: str, dashboard: str) -> ApiError:
    """What Stripe answers for an account without the Express Dashboard."""
    return ApiError(
        400,
        "parameter_invalid",
        f"Cannot create a login link for an account that does not use the Express Dashboard: "
        f"{account_id} has a dashboard of type `{dashboard}`. Login links are only for "
        "Express Dashboard accounts (dashboard: express).",
        param="account",
    )


@router.post("/v1/accounts/{account_id}/login_links")
async def create_login_link(account_id: str, request: Request) -> JSONResponse:
    emu = emulator(request)
    params = parse_form(await request.body())
    check_known(params, ("expand",))
    parse_expand(params)
    async with emu.lock:
        record = emu.state.accounts.get(account_id)
        if record is None:
            raise resource_missing("account", account_id, "account")
        if record.get("closed"):
            raise ApiError(
                400,
                "account_closed",
                f"The account {account_id} is closed: login links cannot be created for it.",
                param="account",
            )
        dashboard = str(record.get("dashboard") or "full")
        if dashboard != "express":
            raise dashboard_refusal(account_id, dashboard)
        now = emu.now()
        token = new_id("", 32)
        emu.state.login_links[token] = {
            "account": account_id,
            "created_ts": now,
            "expires_ts": now + emu.config.link_ttl,
            "used": False,
        }
        emu.persist()
    return JSONResponse(
        {
            "object": "login_link",
            "created": int(now),
            "url": f"{emu.config.base_url}/express/{token}",
        }
    )


def _dashboard(emu: Emulator, record: dict[str, Any]) -> str:
    name = (
        record.get("display_name")
        or req.get_path(record, "identity.business_details.registered_name")
        or record["id"]
    )
    derived = req.compute(record, emu.now(), emu.config)
    rows = "".join(
        f"<tr><td>{escape(conf)}</td><td>{escape(cap)}</td><td>{escape(value['status'])}</td></tr>"
        for conf, caps in derived.capabilities.items()
        for cap, value in caps.items()
    )
    due = len(derived.open_user)
    bank = req.get_path(record, "_emu.secrets.account_number")
    parts = [
        "<h1>Express dashboard (emulated)</h1>",
        f"<p>Signed in to <strong>{escape(str(name))}</strong> ({escape(record['id'])}). "
        "Test mode: this page is served by the Stripe emulator.</p>",
        f"<p>{due} requirement(s) waiting on you.</p>" if due else "<p>Nothing is due.</p>",
        f"<p>Payouts go to the bank account ending in {escape(str(bank)[-4:])}.</p>"
        if bank
        else "<p>No bank account on file.</p>",
    ]
    if rows:
        parts.append(
            "<table><caption>Capabilities</caption><thead><tr><th>Configuration</th>"
            f"<th>Capability</th><th>Status</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    return "".join(parts)


@router.get("/express/{token}", response_model=None)
async def open_login_link(token: str, request: Request) -> HTMLResponse:
    emu = emulator(request)
    async with emu.lock:
        link = emu.state.login_links.get(token)
        if link is None:
            return page(
                "Link not valid",
                "<h1>This link is not valid</h1><p>Ask the platform for a new link.</p>",
                status=404,
            )
        if link["used"] or emu.now() >= link["expires_ts"]:
            return page(
                "Link expired",
                "<h1>This login link has expired</h1><p>Login links work once and only for a "
                "few minutes. Go back to the platform and open the dashboard again.</p>",
                status=410,
            )
        link["used"] = True
        record = emu.state.accounts[link["account"]]
        emu.refresh(record)
        emu.persist()
        response = page("Express dashboard", _dashboard(emu, record))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/_emulator/login_links")
async def list_login_links(request: Request, account: str | None = None) -> JSONResponse:
    """Login links minted (newest first), without their URLs: for tests and debugging."""
    emu = emulator(request)
    async with emu.lock:
        links = [
            {
                "account": link["account"],
                "created": int(link["created_ts"]),
                "expires_at": int(link["expires_ts"]),
                "used": link["used"],
                "expired": emu.now() >= link["expires_ts"],
            }
            for link in reversed(list(emu.state.login_links.values()))
            if account is None or link["account"] == account
        ]
    return JSONResponse({"data": links})
