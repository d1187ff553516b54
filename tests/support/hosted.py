"""Drive the emulator's hosted onboarding form without a browser (as a person would, by fields)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)

    @property
    def field_names(self) -> set[str]:
        return {name for name in self.fields if name not in {"session", "action"}}


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.form: Form | None = None
        self._select: str | None = None
        self._in_label = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.form is None:
            self.form = Form(action=a.get("action", ""))
        elif self.form is None:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in {"checkbox", "radio"}:
                if "checked" in a or a.get("type") == "checkbox":
                    self.form.fields[a["name"]] = a.get("value", "on")
            else:
                self.form.fields[a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            if self._select not in self.form.fields or "selected" in a:
                self.form.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self.form.fields[a["name"]] = ""
        elif tag == "label":
            self._in_label = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "label":
            self._in_label = False

    def handle_data(self, data: str) -> None:
        if self._in_label and self.form is not None and data.strip():
            self.form.labels.append(data.strip())


def parse_form(html: str, page_url: str) -> Form:
    parser = _FormParser()
    parser.feed(html)
    assert parser.form is not None, f"no form on the hosted page:\n{html[:500]}"
    parser.form.action = urljoin(page_url, parser.form.action)
    return parser.form


async def open_form(client: httpx.AsyncClient, url: str) -> Form:
    """GET the hosted page (following no redirects) and parse its form."""
    response = await client.get(url)
    assert response.status_code == 200, (
        response.status_code,
        response.headers.get("location"),
    )
    return parse_form(response.text, url)


async def submit(
    client: httpx.AsyncClient,
    form: Form,
    *,
    action: str = "submit",
    overrides: dict[str, str] | None = None,
) -> httpx.Response:
    """Submit with the pre-filled test values (plus ``overrides``); returns the 303."""
    data = {**form.fields, **(overrides or {}), "action": action}
    return await client.post(form.action, data=data)
