"""Regenerate the emulator's vendored request-body schemas from the shared contract extract.

    .venv/bin/python scripts/gen_request_schemas.py          # rewrite the JSON file
    .venv/bin/python scripts/gen_request_schemas.py --check  # exit 1 if it is out of date

It writes two package-data files under ``backend/stripe_emulator/schemas/``, loaded by
``stripe_emulator.request_schemas``, so the emulator runs without the shared directory:

- ``request_schemas.json``: the account create/update bodies and the account-link create body
  of ``../shared/stripe/stripe-v2-core-openapi-extract.json``, without descriptions, examples
  and ``x-`` annotations;
- ``account_enums.json``: the Account object's enums the scenario controls accept (capability
  statuses, ``status_details`` codes and resolutions, requirement error codes).

``tests/emulator/test_contract.py`` fails when a vendored copy drifts from the extract.
The shared directory sits beside the repository clone; ``GANGWAY_SHARED_DIR`` overrides it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT / "backend" / "stripe_emulator" / "schemas"
TARGET = SCHEMA_DIR / "request_schemas.json"
ENUMS_TARGET = SCHEMA_DIR / "account_enums.json"
CONTRACT_FILE = "stripe-v2-core-openapi-extract.json"
_DROPPED_KEYS = ("description", "example", "examples", "title")


def contract_path() -> Path:
    shared = os.environ.get("GANGWAY_SHARED_DIR")
    base = Path(shared) if shared else ROOT.parent / "shared"
    return base / "stripe" / CONTRACT_FILE


def load_contract() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(contract_path().read_text(encoding="utf-8"))
    return data


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _strip(v)
            for k, v in node.items()
            if k not in _DROPPED_KEYS and not k.startswith("x-")
        }
    if isinstance(node, list):
        return [_strip(x) for x in node]
    return node


def render() -> str:
    """The JSON text the target file must hold."""
    doc = load_contract()
    schemas = doc["components"]["schemas"]
    link_body = doc["paths"]["/v2/core/account_links"]["post"]["requestBody"]
    out = {
        "account_create": _strip(schemas["x-sdk.v2.core.AccountCreateParams"]),
        "account_update": _strip(schemas["x-sdk.v2.core.AccountUpdateParams"]),
        "account_link_create": _strip(link_body["content"]["application/json"]["schema"]),
    }
    return json.dumps(out, indent=1, sort_keys=True) + "\n"


def _enum(node: dict[str, Any], *path: str) -> list[str]:
    for key in path:
        node = node["items"] if key == "[]" else node["properties"][key]
    values: list[str] = node["enum"]
    return values


def render_enums() -> str:
    """The JSON text ``account_enums.json`` must hold."""
    account = load_contract()["components"]["schemas"]["v2.core.account"]
    card = ("configuration", "merchant", "capabilities", "card_payments")
    out = {
        "capability_status": _enum(account, *card, "status"),
        "capability_status_code": _enum(account, *card, "status_details", "[]", "code"),
        "capability_resolution": _enum(account, *card, "status_details", "[]", "resolution"),
        "requirement_error_code": _enum(
            account, "requirements", "entries", "[]", "errors", "[]", "code"
        ),
    }
    return json.dumps(out, indent=1, sort_keys=True) + "\n"


def outputs() -> dict[Path, str]:
    return {TARGET: render(), ENUMS_TARGET: render_enums()}


def main(argv: list[str]) -> int:
    stale = [
        path
        for path, text in outputs().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    if "--check" in argv:
        for path in stale:
            print(f"{path} is out of date; run scripts/gen_request_schemas.py", file=sys.stderr)
        return 1 if stale else 0
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in outputs().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
