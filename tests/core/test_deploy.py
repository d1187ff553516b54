"""The compose file and the Dockerfile are validated here, since no Docker engine runs on CI
machines. (What the image runs, ``python -m gangway.ops.serve``, is exercised for real in
``tests/ops/``.)"""

from __future__ import annotations

import ipaddress
import shlex
from pathlib import Path
from typing import Any

import uvicorn
import yaml
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gangway.core.config import Settings
from gangway.ops.serve import uvicorn_options

REPO = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return data


def _dockerfile() -> list[tuple[str, str]]:
    """The final stage's instructions, as (INSTRUCTION, arguments), continuations joined."""
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    instructions = [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]
    last_from = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    return instructions[last_from:]


def _env_settings(env: dict[str, str]) -> Settings:
    values = {key.removeprefix("GANGWAY_").lower(): value for key, value in env.items()}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_compose_services_are_wired() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "migrate", "emulator", "bff", "proxy"}
    for name in ("migrate", "emulator", "bff"):
        assert services[name]["build"] == "."
    assert (REPO / "Dockerfile").is_file()
    bff_env = services["bff"]["environment"]
    emulator_cmd = services["emulator"]["command"]
    secret = emulator_cmd[emulator_cmd.index("--webhook-secret") + 1]
    assert bff_env["GANGWAY_STRIPE_WEBHOOK_SECRETS"] == secret
    assert bff_env["GANGWAY_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert services["bff"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_a_one_shot_migrate_service_runs_before_any_bff() -> None:
    services = _compose()["services"]
    migrate, bff = services["migrate"], services["bff"]
    assert migrate["command"] == ["alembic", "upgrade", "head"]
    assert migrate.get("restart", "no") == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert bff["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert (
        migrate["environment"]["GANGWAY_DATABASE_URL"] == bff["environment"]["GANGWAY_DATABASE_URL"]
    )
    # The BFF no longer migrates at start-up: one migration, however many replicas.
    assert _env_settings(bff["environment"]).auto_migrate is False


def test_bff_replicas_sit_behind_the_proxy() -> None:
    services = _compose()["services"]
    bff, proxy = services["bff"], services["proxy"]
    # A fixed host port on `bff` would make `--scale bff=N` fail; the proxy publishes it.
    assert "ports" not in bff
    assert "container_name" not in bff
    assert proxy["ports"] == ["8000:8000"]
    assert proxy["command"][proxy["command"].index("--to") + 1] == "bff:8000"
    assert proxy["depends_on"]["bff"]["condition"] == "service_healthy"
    assert "/readyz" in " ".join(bff["healthcheck"]["test"])
    # Proxy headers are believed from the compose network only.
    settings = _env_settings(bff["environment"])
    (subnet,) = [c["subnet"] for c in _compose()["networks"]["default"]["ipam"]["config"]]
    assert ipaddress.ip_network(settings.trusted_proxies) == ipaddress.ip_network(subnet)
    assert settings.workers >= 1
    # Docker's stop grace outlasts the graceful shutdown plus the inbox workers' grace (5 s).
    grace = int(bff["stop_grace_period"].removesuffix("s"))
    assert grace > settings.graceful_shutdown_seconds + 5


def test_compose_environments_are_valid_settings() -> None:
    known = {f"GANGWAY_{name.upper()}" for name in Settings.model_fields}
    for name, service in _compose()["services"].items():
        env = service.get("environment", {})
        gangway_env = {k: v for k, v in env.items() if k.startswith("GANGWAY_")}
        assert set(gangway_env) <= known, (name, set(gangway_env) - known)
        _env_settings(gangway_env)


def test_the_image_runs_unprivileged_and_reads_its_serving_settings() -> None:
    final = _dockerfile()
    users = [args for name, args in final if name == "USER"]
    assert users, "the image must not run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    (cmd,) = [args for name, args in final if name == "CMD"]
    command = yaml.safe_load(cmd)  # the exec form is a JSON (so YAML) list
    assert command[:3] == ["python", "-m", "gangway.ops.serve"]
    assert "--proxy-headers" not in command and "--workers" not in command
    # `alembic upgrade head` (the migrate service) runs from the final working directory.
    workdirs = [args for name, args in final if name == "WORKDIR"]
    assert workdirs[-1] == "/app/backend"
    assert any(
        name == "COPY" and shlex.split(args) == ["backend/", "backend/"] for name, args in final
    )
    assert (REPO / "backend" / "alembic.ini").is_file()


def test_no_proxy_header_is_trusted_unless_configured() -> None:
    default = uvicorn_options(Settings(_env_file=None), host="0.0.0.0", port=8000)  # type: ignore[call-arg]  # noqa: S104
    assert default["proxy_headers"] is False
    assert default["workers"] == 1
    config = uvicorn.Config(_app, **{k: v for k, v in default.items() if k != "workers"})
    config.load()
    assert not _wraps(config.loaded_app, ProxyHeadersMiddleware)

    behind = Settings(_env_file=None, trusted_proxies=" 10.0.0.0/8, 192.168.1.7 ", workers=4)  # type: ignore[call-arg]
    options = uvicorn_options(behind, host="0.0.0.0", port=8000)  # noqa: S104
    assert options["proxy_headers"] is True
    assert options["forwarded_allow_ips"] == "10.0.0.0/8,192.168.1.7"
    assert options["workers"] == 4
    config = uvicorn.Config(_app, **{k: v for k, v in options.items() if k != "workers"})
    config.load()
    assert _wraps(config.loaded_app, ProxyHeadersMiddleware)


def test_make_dev_trusts_no_proxy_header() -> None:
    makefile = (REPO / "Makefile").read_text()
    uvicorn_lines = [line for line in makefile.splitlines() if "-m uvicorn" in line]
    assert uvicorn_lines
    assert all("--no-proxy-headers" in line for line in uvicorn_lines)


async def _app(scope: Any, receive: Any, send: Any) -> None:  # pragma: no cover - never called
    return None


def _wraps(app: Any, kind: type) -> bool:
    while app is not None:
        if isinstance(app, kind):
            return True
        app = getattr(app, "app", None)
    return False
