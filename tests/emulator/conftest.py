"""Fixtures for the emulator suite: a running emulator, an HTTP client, the SDK, a receiver."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
import stripe

from tests.support.emulator_server import (
    EmulatorHandle,
    WebhookReceiver,
    running_emulator,
    running_receiver,
)

MERCHANT_ACCOUNT: dict[str, Any] = {
    "display_name": "Acme Tools",
    "contact_email": "owner@example.com",
    "identity": {"country": "us", "entity_type": "company"},
    "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
}
#: An account whose platform collects requirements (so account_update links are allowed).
PLATFORM_COLLECTED = {
    **MERCHANT_ACCOUNT,
    "dashboard": "none",
    "defaults": {
        "responsibilities": {
            "fees_collector": "application",
            "losses_collector": "application",
        }
    },
}
ALL_INCLUDES = [
    "requirements",
    "future_requirements",
    "configuration.merchant",
    "identity",
    "defaults",
]


WEBHOOK_SECRET = "whsec_test_emulator_suite"


@pytest.fixture(scope="session")
def _receiver_server() -> Iterator[WebhookReceiver]:
    with running_receiver() as rec:
        yield rec


@pytest.fixture(scope="session")
def _emulator_server(_receiver_server: WebhookReceiver) -> Iterator[EmulatorHandle]:
    with running_emulator(webhook_url=_receiver_server.url, webhook_secret=WEBHOOK_SECRET) as emu:
        yield emu


@pytest.fixture
def receiver(_receiver_server: WebhookReceiver) -> WebhookReceiver:
    _receiver_server.received.clear()
    _receiver_server.statuses.clear()
    _receiver_server.delays.clear()
    return _receiver_server


@pytest.fixture
def emulator(
    _emulator_server: EmulatorHandle, receiver: WebhookReceiver
) -> Iterator[EmulatorHandle]:
    """The shared emulator, reset before each test; the test fails on contract violations."""
    response = httpx.post(f"{_emulator_server.base_url}/_emulator/reset")
    assert response.status_code == 200
    receiver.received.clear()
    seen = len(_emulator_server.contract_violations)
    yield _emulator_server
    new = _emulator_server.contract_violations[seen:]
    del _emulator_server.contract_violations[seen:]
    assert not new, "contract violations:\n" + "\n".join(new)


@pytest.fixture
def api(emulator: EmulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=emulator.base_url, headers=emulator.auth_headers, timeout=10
    ) as client:
        yield client


@pytest.fixture
def sdk(emulator: EmulatorHandle) -> stripe.StripeClient:
    return stripe.StripeClient(
        emulator.api_key,
        http_client=stripe.HTTPXClient(),
        base_addresses={"api": emulator.base_url},
        max_network_retries=0,
    )


def create_account(
    api: httpx.Client,
    body: dict[str, Any] | None = None,
    include: list[str] | None = None,
) -> dict[str, Any]:
    payload = dict(body or MERCHANT_ACCOUNT)
    if include:
        payload["include"] = include
    response = api.post("/v2/core/accounts", json=payload)
    assert response.status_code == 200, response.text
    account: dict[str, Any] = response.json()
    return account


def get_account(
    api: httpx.Client, account_id: str, include: list[str] | None = None
) -> dict[str, Any]:
    params = [(f"include[{i}]", v) for i, v in enumerate(include or ALL_INCLUDES)]
    response = api.get(f"/v2/core/accounts/{account_id}", params=params)
    assert response.status_code == 200, response.text
    account: dict[str, Any] = response.json()
    return account


def create_link(
    api: httpx.Client,
    account_id: str,
    use_case: str = "account_onboarding",
    **collection: str,
) -> dict[str, Any]:
    options: dict[str, Any] = {
        "refresh_url": "https://platform.example/refresh",
        "return_url": "https://platform.example/return",
    }
    if collection:
        options["collection_options"] = collection
    response = api.post(
        "/v2/core/account_links",
        json={"account": account_id, "use_case": {"type": use_case, use_case: options}},
    )
    assert response.status_code == 200, response.text
    link: dict[str, Any] = response.json()
    return link


def descriptions(account: dict[str, Any], key: str = "requirements") -> set[str]:
    return {e["description"] for e in account[key]["entries"]}


def control(
    emulator: EmulatorHandle, path: str, body: dict[str, Any] | None = None
) -> httpx.Response:
    """POST a scenario control (``/_emulator`` + path)."""
    return httpx.post(f"{emulator.base_url}/_emulator{path}", json=body or {})


def event_types(api: httpx.Client, account_id: str) -> list[str]:
    """The account's event types, oldest first."""
    data = api.get("/v2/core/events", params={"object_id": account_id, "limit": 100}).json()
    return [e["type"] for e in reversed(data["data"])]


class FormParser(HTMLParser):
    """Collects a form's action, inputs and buttons the way a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.inputs: list[dict[str, str]] = []
        self.buttons: list[dict[str, str]] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._button: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = a.get("action", "")
        elif tag == "input":
            self.inputs.append(a)
        elif tag == "label":
            self._label_for = a.get("for")
        elif tag == "button":
            self._button = {**a, "text": ""}
            self.buttons.append(self._button)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None
        elif tag == "button":
            self._button = None

    def handle_data(self, data: str) -> None:
        if self._label_for:
            self.labels[self._label_for] = self.labels.get(self._label_for, "") + data
        if self._button is not None:
            self._button["text"] += data

    def form_data(self, action: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
        data: dict[str, str] = {}
        for field in self.inputs:
            name = field.get("name")
            if not name:
                continue
            if field.get("type") == "checkbox" and "checked" not in field:
                continue
            data[name] = field.get("value", "")
        data.update(overrides or {})
        button = next(b for b in self.buttons if b["text"].strip() == action)
        data[button["name"]] = button["value"]
        return data

    def names(self) -> set[str]:
        return {f["name"] for f in self.inputs if f.get("name") and f.get("type") != "hidden"}

    def value(self, name: str) -> str:
        return next(f.get("value", "") for f in self.inputs if f.get("name") == name)


def parse_form(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


def open_form(emulator: EmulatorHandle, url: str) -> tuple[httpx.Response, FormParser]:
    response = httpx.get(url, follow_redirects=False)
    return response, parse_form(response.text)


def submit_form(
    emulator: EmulatorHandle,
    form: FormParser,
    action: str = "Submit",
    overrides: dict[str, str] | None = None,
) -> httpx.Response:
    return httpx.post(
        emulator.base_url + form.action,
        data=form.form_data(action, overrides),
        follow_redirects=False,
    )
