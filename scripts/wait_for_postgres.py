"""Fail loudly, within seconds, when the PostgreSQL test database is unreachable."""

from __future__ import annotations

import asyncio
import os
import sys

import sqlalchemy as sa

from gangway.core.db import create_engine


async def main() -> int:
    url = os.environ["GANGWAY_TEST_POSTGRES_URL"]
    engine = create_engine(url)
    for attempt in range(10):
        try:
            async with engine.connect() as conn:
                version = (await conn.execute(sa.text("SHOW server_version"))).scalar_one()
            print(f"PostgreSQL {version} reachable")
            await engine.dispose()
            return 0
        except (OSError, sa.exc.DBAPIError) as exc:
            print(
                f"waiting for PostgreSQL ({attempt + 1}/10): {type(exc).__name__}",
                file=sys.stderr,
            )
            await asyncio.sleep(1)
    await engine.dispose()
    print(
        "PostgreSQL is unreachable: refusing to report a green run without it",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
