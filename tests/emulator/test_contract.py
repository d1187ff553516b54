"""The contract checker itself, and the emulator's vendored copy of the request schemas."""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest

from stripe_emulator.request_schemas import ENUMS, SCHEMAS
from tests.support import contract
from tests.support.emulator_server import EmulatorHandle

GENERATOR = Path(__file__).resolve().parents[2] / "scripts" / "gen_request_schemas.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_request_schemas", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vendored_request_schemas_match_the_extract() -> None:
    generator = _generator()
    package = resources.files("stripe_emulator").joinpath("schemas")
    outputs = generator.outputs()
    assert {Path(str(package.joinpath(p.name))) for p in outputs} == set(outputs)
    for path, text in outputs.items():
        assert path.read_text(encoding="utf-8") == text, "run scripts/gen_request_schemas.py"
    assert set(SCHEMAS) == {"account_create", "account_update", "account_link_create"}
    assert "rejected_fraud" in ENUMS["capability_status_code"]
    assert "verification_failed_id_number_match" in ENUMS["requirement_error_code"]


def test_checker_rejects_bodies_that_break_the_contract() -> None:
    good = {
        "id": "acct_1",
        "object": "v2.core.account",
        "applied_configurations": [],
        "created": "2026-01-01T00:00:00.000Z",
        "livemode": False,
    }
    contract.validate_response("/v2/core/accounts/{id}", "get", 200, good)
    with pytest.raises(AssertionError, match="applied_configurations"):
        contract.validate_response(
            "/v2/core/accounts/{id}",
            "get",
            200,
            {**good, "applied_configurations": ["shop"]},
        )
    event = {
        "id": "evt_1",
        "object": "v2.core.event",
        "type": "v2.core.account_link.returned",
        "created": "2026-01-01T00:00:00.000Z",
        "livemode": False,
        "changes": {},
        "data": {
            "account_id": "acct_1",
            "configurations": ["merchant"],
            "use_case": "account_onboarding",
        },
    }
    contract.validate_response("/v2/core/events/{id}", "get", 200, event)
    with pytest.raises(AssertionError, match="date-time"):
        contract.validate_response(
            "/v2/core/events/{id}", "get", 200, {**event, "created": "yesterday"}
        )
    contract.validate_response(
        "/v2/core/events/{id}",
        "get",
        404,
        {"error": {"code": "not_found", "message": "x"}},
    )
    with pytest.raises(AssertionError):
        contract.validate_response("/v2/core/events/{id}", "get", 404, {"message": "x"})
    with pytest.raises(AssertionError):
        contract.validate_request("/v2/core/account_links", "post", {"account": "acct_1"})
    with pytest.raises(AssertionError, match="capability"):
        contract.validate_event(
            {
                "id": "evt_1",
                "object": "v2.core.event",
                "created": "2026-01-01T00:00:00Z",
                "livemode": False,
                "changes": {"before": {}, "after": {}},
                "data": {},
                "related_object": {"id": "a", "type": "v2.core.account", "url": "/x"},
                "type": "v2.core.account[configuration.merchant].capability_status_updated",
            }
        )
    assert contract.match_path("/v2/core/accounts/acct_1") == "/v2/core/accounts/{id}"
    assert contract.match_path("/v2/core/event_destinations") is None


def test_every_v2_exchange_in_a_test_is_checked(emulator: EmulatorHandle) -> None:
    import httpx

    before = len(emulator.checked)
    response = httpx.get(f"{emulator.base_url}/v2/core/events", headers=emulator.auth_headers)
    assert response.status_code == 200
    assert emulator.checked[before:] == [("GET", "/v2/core/events", 200)]
