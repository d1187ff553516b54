"""rate-limit counters in an unlogged table on PostgreSQL

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 05:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # See gangway.core.ratelimit: counters are not worth a WAL flush per hit. SQLite has no
    # such table kind (and commits without a sync under WAL already).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rate_limits SET UNLOGGED")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rate_limits SET LOGGED")
