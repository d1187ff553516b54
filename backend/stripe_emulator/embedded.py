"""A stand-in for Connect.js (Stripe's embedded components), served by the emulator.

``GET /connect-js/v1.js`` is a script defining ``window.StripeConnect`` the way Connect.js does
(``static/connect.js``), so ``@stripe/connect-js`` works against it. Its custom elements render
the onboarding, account management and notification banner surfaces from the JSON endpoints
below. Each one is authenticated by an Account Session's client secret
(``Authorization: Bearer <client_secret>``) and answers errors as
``{"error": {"type", "message"}}``, with ``type`` one of Connect.js's load error types
(``authentication_error``, ``invalid_request_error``...). Submitting changes the account through
:mod:`stripe_emulator.submission`, like the hosted form, so the same events are recorded.

The platform's pages are on another origin, so everything under ``/connect-js/`` allows CORS
from any origin (no cookies: the client secret is the credential).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from stripe_emulator import catalogue as cat
from stripe_emulator import requirements as req
from stripe_emulator import submission
from stripe_emulator.account_sessions import secret_key
from stripe_emulator.common import emulator
from stripe_emulator.runtime import Emulator
from stripe_emulator.submission import Collection, FormInput

PREFIX: Final = "/connect-js/"
_BASE_URL_PLACEHOLDER: Final = '"__STRIPE_EMULATOR_BASE_URL__"'
_TERMS = "identity.attestations.terms_of_service.account."
_EXTERNAL = "external_account"
#: The components whose surfaces collect information, and the form each one shows.
FORM_COMPONENTS: Final = {
    "account_onboarding": "onboarding",
    "notification_banner": "onboarding",
    "account_management": "update",
}
_HEADERS: Final = {"Cache-Control": "no-store"}

router = APIRouter(prefix="/connect-js")


class EmbeddedError(Exception):
    """An error the stand-in reports to the component (``onLoadError``'s ``error``)."""

    def __init__(self, status: int, type_: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.type = type_
        self.message = message

    def response(self) -> JSONResponse:
        return JSONResponse(
            {"error": {"type": self.type, "message": self.message}},
            status_code=self.status,
            headers=_HEADERS,
        )


class ConnectJsCors:
    """CORS for ``/connect-js/`` only: any origin, no credentials, the secret in a header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope["path"]).startswith(PREFIX):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


# --------------------------------------------------------------------------- the script


@cache
def _script_source() -> str:
    return resources.files("stripe_emulator").joinpath("static", "connect.js").read_text("utf-8")


def script(base_url: str) -> str:
    """The stand-in with the emulator's URL filled in (used when the script is served from
    somewhere else, e.g. routed in place of Stripe's own URL in a browser test)."""
    return _script_source().replace(_BASE_URL_PLACEHOLDER, json.dumps(base_url), 1)


@router.get("/v1.js", include_in_schema=False)
async def connect_js(request: Request) -> Response:
    return Response(
        script(emulator(request).config.base_url),
        media_type="application/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


# --------------------------------------------------------------------------- sessions


class _Session:
    """The Account Session a request's client secret belongs to, and its account."""

    def __init__(self, emu: Emulator, request: Request) -> None:
        auth = request.headers.get("authorization", "")
        client_secret = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if not client_secret:
            raise EmbeddedError(
                401,
                "authentication_error",
                "No client secret: send the Account Session's client secret as "
                "'Authorization: Bearer <client_secret>'.",
            )
        session = emu.state.account_sessions.get(secret_key(client_secret))
        if session is None or emu.now() >= session["expires_ts"]:
            raise EmbeddedError(
                401,
                "authentication_error",
                "The client secret is not valid or has expired: fetch a new Account Session.",
            )
        record = emu.state.accounts.get(session["account"])
        if record is None:
            raise EmbeddedError(401, "authentication_error", "The account no longer exists.")
        if record.get("closed"):
            raise EmbeddedError(400, "invalid_request_error", "The account is closed.")
        session["requests"] = session.get("requests", 0) + 1
        self.emu = emu
        self.data: dict[str, Any] = session
        self.record = record
        emu.refresh(record)

    def component(self, name: str) -> dict[str, Any]:
        """An enabled component's settings (``{enabled, features}``)."""
        component: dict[str, Any] | None = self.data["components"].get(name)
        if component is None or not component["enabled"]:
            raise EmbeddedError(
                403,
                "invalid_request_error",
                f"The {name} component is not enabled in this Account Session.",
            )
        return component

    def form_component(self, name: Any) -> tuple[str, dict[str, Any]]:
        if name not in FORM_COMPONENTS:
            raise EmbeddedError(
                400,
                "invalid_request_error",
                "component must be one of " + ", ".join(FORM_COMPONENTS),
            )
        return str(name), self.component(str(name))


def _choice(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    if value is None or value == "":
        return allowed[0]
    if value not in allowed:
        raise EmbeddedError(
            400, "invalid_request_error", f"{name} must be one of {', '.join(allowed)}"
        )
    return str(value)


def _flag(value: Any) -> bool:
    return value in (True, "true", "1")


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise EmbeddedError(400, "invalid_request_error", "The body must be a JSON object.")
    return data


def _name(record: dict[str, Any]) -> str:
    return str(
        req.get_path(record, "identity.business_details.registered_name")
        or record.get("display_name")
        or req.get_path(record, "identity.individual.given_name")
        or record["id"]
    )


@router.get("/session")
async def session_info(request: Request) -> JSONResponse:
    """The session's account and components (for the stand-in to check what it may show)."""
    emu = emulator(request)
    async with emu.lock:
        session = _Session(emu, request)
        body = {
            "object": "account_session",
            "account": {
                "id": session.record["id"],
                "name": _name(session.record),
                "dashboard": session.record.get("dashboard"),
            },
            "expires_at": int(session.data["expires_ts"]),
            "livemode": False,
            "components": session.data["components"],
        }
        emu.persist()
    return JSONResponse(body, headers=_HEADERS)


# --------------------------------------------------------------------------- onboarding forms


class _Form:
    """What one surface's form collects, from the component and its collection options."""

    def __init__(self, session: _Session, component: str, options: dict[str, Any]) -> None:
        self.session = session
        self.component = component
        self.mode = FORM_COMPONENTS[component]
        self.fields = _choice(options.get("fields"), "fields", ("currently_due", "eventually_due"))
        self.future = _choice(
            options.get("future_requirements"), "future_requirements", ("omit", "include")
        )
        features = session.component(component)["features"]
        specs = req.all_specs(session.record)
        self.exclude = {
            d
            for d in specs
            if (d.startswith(_TERMS) and _flag(options.get("skip_terms_of_service")))
            or (d == _EXTERNAL and features.get("external_account_collection") is False)
        }

    def collection(self) -> Collection:
        return submission.collection(
            self.session.emu,
            self.session.record,
            fields=self.fields,
            future_requirements=self.future,
            update=self.mode == "update",
            exclude=self.exclude,
        )

    def render(
        self, errors: dict[str, str] | None = None, submitted: dict[str, str] | None = None
    ) -> dict[str, Any]:
        record = self.session.record
        wanted = self.collection()
        groups = submission.form_inputs(
            record, wanted, errors or {}, onboarding=self.mode == "onboarding"
        )
        return {
            "component": self.component,
            "mode": self.mode,
            "account": {"id": record["id"], "name": _name(record)},
            "outstanding": len(wanted.outstanding),
            "verifying": wanted.verifying,
            "errors": errors or {},
            "groups": [
                {"legend": legend, "inputs": [_input(record, i, submitted) for i in items]}
                for legend, items in groups.items()
            ],
        }


def _input(
    record: dict[str, Any], item: FormInput, submitted: dict[str, str] | None
) -> dict[str, Any]:
    f = item.field
    checkbox = f.input_type == "checkbox"
    return {
        "name": f.name,
        "label": f.label,
        "type": f.input_type,
        "kind": f.kind,
        # a checkbox sends its value when ticked
        "value": f.test_value if checkbox else item.initial_value(record, submitted),
        "checked": item.checked(record, submitted) if checkbox else False,
        "required": item.required,
        "hint": item.hint(record),
        "error": item.error,
        "autocomplete": f.autocomplete,
    }


@router.get("/onboarding")
async def onboarding_form(request: Request) -> JSONResponse:
    """The form a surface shows: ``?component=account_onboarding|notification_banner`` (what
    is due, new fields pre-filled with test data) or ``account_management`` (everything on
    file, for editing); ``fields``, ``future_requirements`` and ``skip_terms_of_service`` as
    the element's collection options say."""
    emu = emulator(request)
    params = dict(request.query_params)
    async with emu.lock:
        session = _Session(emu, request)
        component, _ = session.form_component(params.get("component", "account_onboarding"))
        body = _Form(session, component, params).render()
        emu.persist()
    return JSONResponse(body, headers=_HEADERS)


@router.post("/submit")
async def submit_form(request: Request) -> JSONResponse:
    """``{component, fields?, future_requirements?, skip_terms_of_service?, action: submit |
    save, values: {input name: value}}``: the form's **Submit** (every required input) or
    **Save for later**. 400 with the form and its ``errors`` when something is missing."""
    emu = emulator(request)
    body = await _json_body(request)
    values = body.get("values") or {}
    if not isinstance(values, dict):
        raise EmbeddedError(400, "invalid_request_error", "values must be an object.")
    async with emu.lock:
        session = _Session(emu, request)
        component, _ = session.form_component(body.get("component", "account_onboarding"))
        form = _Form(session, component, body)
        received = submission.receive(
            emu,
            session.record,
            form.collection(),
            values,
            saving=body.get("action") == "save",
            ip=request.client.host if request.client else "127.0.0.1",
            user_agent=request.headers.get("user-agent", ""),
        )
        if received.errors:
            emu.persist()
            return JSONResponse(
                {
                    "error": {
                        "type": "invalid_request_error",
                        "message": "Some information is missing or not valid.",
                    },
                    "form": form.render(received.errors, received.values),
                },
                status_code=400,
                headers=_HEADERS,
            )
        submission.accept(emu, session.record, received)
        emu.persist()
        result = {"status": "saved" if received.saving else "submitted", "form": form.render()}
    return JSONResponse(result, headers=_HEADERS)


# --------------------------------------------------------------------------- account management


def _external_account_spec(record: dict[str, Any]) -> cat.Spec:
    spec = next(
        s
        for s in cat.catalogue(req.country(record), req.entity_type(record))
        if s.description == _EXTERNAL
    )
    return spec


def _account(session: _Session) -> dict[str, Any]:
    record = session.record
    features = session.component("account_management")["features"]
    spec = _external_account_spec(record)
    on_file = {f.name: req.field_value(record, f) for f in spec.fields}
    bank = None
    if all(on_file.values()):
        bank = {f.name: {"label": f.label, "last4": str(on_file[f.name])[-4:]} for f in spec.fields}
    derived = req.compute(record, session.emu.now(), session.emu.config)
    return {
        "id": record["id"],
        "business_name": _name(record),
        "display_name": record.get("display_name"),
        "contact_email": record.get("contact_email"),
        "country": req.country(record).upper(),
        "entity_type": req.entity_type(record),
        "dashboard": record.get("dashboard"),
        "requirements_due": len(derived.open_user),
        "external_account_collection": features.get("external_account_collection", True),
        "bank_account": bank,
        "bank_fields": [
            {
                "name": f.name,
                "label": f.label,
                "type": f.input_type,
                "kind": f.kind,
                "value": "",
                "checked": False,
                "required": True,
                "hint": "",
                "error": None,
                "autocomplete": None,
            }
            for f in spec.fields
        ],
    }


@router.get("/account")
async def account_details(request: Request) -> JSONResponse:
    """What account management shows: business details and the bank account (masked)."""
    emu = emulator(request)
    async with emu.lock:
        body = _account(_Session(emu, request))
        emu.persist()
    return JSONResponse(body, headers=_HEADERS)


@router.post("/external_account")
async def change_external_account(request: Request) -> JSONResponse:
    """``{values: {bank_account.routing_number?, bank_account.account_number}}``: replaces the
    bank account payouts go to (account management, with ``external_account_collection``)."""
    emu = emulator(request)
    body = await _json_body(request)
    values = body.get("values") or {}
    if not isinstance(values, dict):
        raise EmbeddedError(400, "invalid_request_error", "values must be an object.")
    async with emu.lock:
        session = _Session(emu, request)
        features = session.component("account_management")["features"]
        if features.get("external_account_collection") is False:
            raise EmbeddedError(
                403,
                "invalid_request_error",
                "external_account_collection is off: the platform collects bank accounts.",
            )
        spec = _external_account_spec(session.record)
        wanted = Collection([spec], [], [])
        received = submission.receive(
            emu,
            session.record,
            wanted,
            values,
            saving=False,
            ip=request.client.host if request.client else "127.0.0.1",
            user_agent=request.headers.get("user-agent", ""),
        )
        for f in spec.fields:
            if not received.values.get(f.name):
                received.errors.setdefault(f.name, f"{f.label} is required.")
        if received.errors:
            emu.persist()
            return JSONResponse(
                {
                    "error": {
                        "type": "invalid_request_error",
                        "message": "Check the bank account details.",
                    },
                    "errors": received.errors,
                },
                status_code=400,
                headers=_HEADERS,
            )
        submission.accept(emu, session.record, received)
        result = _account(session)
        emu.persist()
    return JSONResponse(result, headers=_HEADERS)


# --------------------------------------------------------------------------- notification banner


def _notifications(session: _Session, params: dict[str, Any]) -> dict[str, Any]:
    """One action-required notification while the banner's collection has anything due."""
    form = _Form(session, "notification_banner", params)
    wanted = form.collection()
    if not wanted.outstanding:
        return {"total": 0, "action_required": 0, "notifications": []}
    derived = req.compute(session.record, session.emu.now(), session.emu.config)
    due = {s.description for s in wanted.outstanding}
    statuses = {derived.open_user.get(d, "currently_due") for d in due}
    past_due = "past_due" in statuses
    summary = derived.requirements["summary"]["minimum_deadline"] or {}
    deadline = None if past_due else summary.get("time")
    if past_due:
        description = (
            "Stripe needs more information about your business. Some features are paused "
            "until you provide it."
        )
    elif deadline:
        description = (
            f"Stripe needs more information about your business by {deadline[:10]} to keep "
            "your account enabled."
        )
    else:
        description = "Stripe needs more information about your business."
    notification = {
        "id": "requirements",
        "severity": "action_required",
        "status": "past_due" if past_due else min(statuses),
        "title": "Your account needs attention" if past_due else "Additional information needed",
        "description": description,
        "deadline": deadline,
        "items": len(due),
    }
    return {"total": 1, "action_required": 1, "notifications": [notification]}


@router.get("/notifications")
async def notifications(request: Request) -> JSONResponse:
    """What the notification banner shows: ``?fields=&future_requirements=`` as its
    collection options say. No notification when nothing is due."""
    emu = emulator(request)
    async with emu.lock:
        session = _Session(emu, request)
        session.component("notification_banner")
        body = _notifications(session, dict(request.query_params))
        emu.persist()
    return JSONResponse(body, headers=_HEADERS)
