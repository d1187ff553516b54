"""Where a test's database lives: SQLite by default, PostgreSQL when configured."""

from __future__ import annotations

import os
from dataclasses import dataclass

#: Set (``make test`` does when PostgreSQL is configured; CI always does) to run every database
#: test on PostgreSQL, each test in a schema of its own.
POSTGRES_URL = os.environ.get("GANGWAY_TEST_POSTGRES_URL")


@dataclass(frozen=True)
class TestDatabase:
    """Where this test's database lives."""

    __test__ = False  # a fixture value, not a test class

    url: str
    schema: str | None
    dialect: str
