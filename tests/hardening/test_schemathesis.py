"""schemathesis 4 over the whole API, every check, as a signed-in merchant with CSRF headers.

The BFF runs as a real server against the emulator. The run must find nothing: no 500, no
undocumented status, no response that breaks the schema, no schema-valid request refused
(weak passwords aside: see the config), no auth bypass.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from gangway.core.config import Settings
from tests.support.api import STRONG_PASSWORD
from tests.support.bff_server import REPO, running_bff
from tests.support.database import TestDatabase
from tests.support.emulator_server import EmulatorHandle
from tests.support.settings import BASE_URL, FAST_ARGON2

WEBHOOK_SECRET = "whsec_schemathesis_0123456789"

pytestmark = pytest.mark.slow

# A signed-up merchant answers 422 to a schema-valid sign-up whose password is too easy to
# guess: strength is not expressible in the schema, so that status is expected there too.
CONFIG = """
[auth.openapi.sessionCookie]
api_key = "${GANGWAY_ST_SESSION}"
[auth.openapi.csrfToken]
api_key = "${GANGWAY_ST_CSRF}"
[auth.openapi.preSignInCookie]
api_key = "${GANGWAY_ST_PRE}"

[[operations]]
include-operation-id = "signup"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "401", "403", "404", "409", "422", "429",
]
"""


def _sign_in(base_url: str) -> dict[str, str]:
    with httpx.Client(base_url=base_url, headers={"Sec-Fetch-Site": "same-origin"}) as c:
        pre = c.get("/api/auth/session").json()["csrf_token"]
        body = {"email": "fuzz@example.com", "password": STRONG_PASSWORD, "business_name": "Fz"}
        response = c.post("/api/auth/signup", json=body, headers={"X-CSRF-Token": pre})
        assert response.status_code == 201, response.text
        account = c.post(
            "/api/account",
            json={"country": "US"},
            headers={"X-CSRF-Token": response.json()["csrf_token"]},
        )
        assert account.status_code == 201, account.text
        return {
            "GANGWAY_ST_SESSION": c.cookies["gangway_session"],
            "GANGWAY_ST_CSRF": response.json()["csrf_token"],
            "GANGWAY_ST_PRE": pre,
        }


def _schemathesis(base_url: str, config: Path, env: dict[str, str], *extra: str) -> None:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "run",
        f"{base_url}/openapi.json",
        "--checks",
        "all",
        "--header",
        "Sec-Fetch-Site: same-origin",
        "--max-examples",
        "15",
        "--seed",
        "20261127",
        "--request-timeout",
        "10",
        "--workers",
        "1",
        *extra,
    ]
    result = subprocess.run(  # noqa: S603 - our own venv's schemathesis
        command,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-4000:]


def test_schemathesis_finds_nothing(
    test_db: TestDatabase, emulator: EmulatorHandle, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=test_db.url,
        database_schema=test_db.schema,
        auto_migrate=True,  # a real, migrated schema: /readyz answers 200
        public_base_url=BASE_URL,
        log_format="console",
        stripe_api_key=emulator.api_key,
        stripe_api_base=emulator.base_url,
        stripe_max_network_retries=0,
        stripe_webhook_secrets=[WEBHOOK_SECRET],
        # Streams end quickly so a fuzzer's request to /status/stream returns.
        stream_session_check_seconds=0.2,
        links_per_minute=10_000,
        signups_per_ip_per_hour=10_000,
        login_max_failures_per_ip=10_000,
        login_max_failures_per_account=10_000,
        **FAST_ARGON2,
    )
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    with running_bff(settings) as bff:
        env = {
            **_sign_in(bff.url),
            "GANGWAY_ST_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "SCHEMATHESIS_HOOKS": "tests.hardening.schemathesis_hooks",
        }
        # Signed in: everything but the operations that replace or end the session...
        _schemathesis(bff.url, config, env, *_exclude(PRE_SIGN_IN | {"logout"}))
        # ...sign-up and sign-in as a visitor, with the pre-sign-in CSRF cookie...
        visitor = {**env, "GANGWAY_ST_SESSION": "", "GANGWAY_ST_CSRF": env["GANGWAY_ST_PRE"]}
        _schemathesis(bff.url, config, visitor, *_include(PRE_SIGN_IN))
        # ...and sign-out last.
        _schemathesis(bff.url, config, env, *_include({"logout"}))


PRE_SIGN_IN = {"signup", "login"}


def _exclude(operation_ids: set[str]) -> list[str]:
    return [arg for op in sorted(operation_ids) for arg in ("--exclude-operation-id", op)]


def _include(operation_ids: set[str]) -> list[str]:
    return [arg for op in sorted(operation_ids) for arg in ("--include-operation-id", op)]
