"""Many processes starting at once on an empty database: one migrates, every one gets ready.

Each test runs on the suite's database (a SQLite file, or a fresh PostgreSQL schema) with
``GANGWAY_AUTO_MIGRATE=true``, started as the image starts it (``python -m gangway.ops.serve``).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.pool import NullPool

from gangway.core.db import create_engine
from gangway.core.migrations import head_revisions, known_revisions, migration_connection
from tests.ops.serving import events, log_lines, spawn_served, wait_ready
from tests.support.bff_server import REPO, BffProcess, bff_env
from tests.support.database import TestDatabase
from tests.support.polling import eventually

pytestmark = pytest.mark.slow

STARTUP: dict[str, Any] = {
    "auto_migrate": True,
    "log_format": "json",
    "log_level": "INFO",
    "reconcile_interval_seconds": 0,
}


async def _version_rows(db: TestDatabase) -> list[str]:
    engine = create_engine(db.url, schema=db.schema)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(sa.text("SELECT version_num FROM alembic_version"))
            return [row[0] for row in rows]
    finally:
        await engine.dispose()


def _assert_clean_start(lines: list[dict[str, Any]], *, starts: int) -> None:
    named = [line.get("event") for line in lines]
    assert named.count("Application startup complete.") == starts, named
    assert "Application startup failed. Exiting." not in named
    errors = [line for line in lines if line.get("level") in {"error", "critical"}]
    assert errors == []


def _assert_migrated_once(lines: list[dict[str, Any]], *, runs: int) -> None:
    applied = [line for line in lines if line.get("event") == "db.migrations.applied"]
    up_to_date = [line for line in lines if line.get("event") == "db.migrations.up_to_date"]
    (head,) = head_revisions()
    assert [(a["from_revision"], a["to_revision"]) for a in applied] == [(None, head)]
    assert [u["revision"] for u in up_to_date] == [head] * (runs - 1)
    # Alembic's own line per revision: each revision ran once, in one process.
    running = [line for line in lines if str(line.get("event")).startswith("Running upgrade")]
    assert len(running) == len(known_revisions())


async def test_four_workers_on_an_empty_database_migrate_once_and_all_get_ready(
    test_db: TestDatabase, processes: list[BffProcess], tmp_path: Path
) -> None:
    log = tmp_path / "workers.log"
    bff = spawn_served(bff_env(test_db, workers=4, **STARTUP), log)
    processes.append(bff)
    first_ready = await asyncio.to_thread(wait_ready, bff)
    await eventually(
        lambda: asyncio.to_thread(events, log, "Application startup complete."),
        lambda done: len(done) == 4,
        timeout=60,
        what="all four workers to finish starting",
    )
    print(f"\nfour workers: first ready after {first_ready:.2f} s ({test_db.dialect})")
    async with httpx.AsyncClient(base_url=bff.url, timeout=5) as client:
        answers = await asyncio.gather(*(client.get("/readyz") for _ in range(24)))
    assert {a.status_code for a in answers} == {200}

    lines = log_lines(log)
    _assert_clean_start(lines, starts=4)
    _assert_migrated_once(lines, runs=4)
    assert await _version_rows(test_db) == sorted(head_revisions())


async def test_two_processes_started_at_the_same_moment_migrate_once(
    test_db: TestDatabase, processes: list[BffProcess], tmp_path: Path
) -> None:
    env = bff_env(test_db, **STARTUP)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    # Hold the migration lock while both start, so both reach it before either migrates.
    engine = create_engine(test_db.url, schema=test_db.schema, poolclass=NullPool)
    try:
        async with migration_connection(engine, test_db.schema):
            processes.extend(spawn_served(env, log) for log in logs)
            await eventually(
                lambda: asyncio.to_thread(
                    lambda: [len(events(log, "db.migrations.lock_waiting")) for log in logs]
                ),
                lambda waiting: waiting == [1, 1],
                timeout=60,
                what="both processes to wait for the migration lock",
            )
    finally:
        await engine.dispose()
    for bff in processes:
        await asyncio.to_thread(wait_ready, bff)
    waits = [
        line["waited_seconds"]
        for log in logs
        for line in events(log, "db.migrations.lock_acquired")
    ]
    print(f"\ntwo processes: waited {waits} s for the lock after release ({test_db.dialect})")

    lines = [line for log in logs for line in log_lines(log)]
    _assert_clean_start(lines, starts=2)
    _assert_migrated_once(lines, runs=2)
    assert len([line for line in lines if line.get("event") == "db.migrations.lock_acquired"]) == 2
    assert await _version_rows(test_db) == sorted(head_revisions())


async def test_the_compose_migrate_command_is_safe_to_run_concurrently(
    test_db: TestDatabase, tmp_path: Path
) -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    command = compose["services"]["migrate"]["command"]
    assert command[0] == "alembic"
    env = bff_env(test_db)

    def run(index: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", *command],
            env=env,
            cwd=REPO / "backend",
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    results = await asyncio.gather(*(asyncio.to_thread(run, i) for i in range(3)))
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr[-2000:] for r in results]
    running = sum(r.stderr.count("Running upgrade") for r in results)
    assert running == len(known_revisions())
    assert await _version_rows(test_db) == sorted(head_revisions())
