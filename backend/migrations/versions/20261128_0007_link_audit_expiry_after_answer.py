"""a link's audit row is written before Stripe answers: its expiry comes after

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 07:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gangway.core.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # See gangway.onboarding.service.OnboardingService.mint: the row is written while Stripe
    # answers, and Stripe's expires_at is recorded once the link has been answered.
    with op.batch_alter_table("link_audits", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at",
            existing_type=gangway.core.db.UTCDateTime(timezone=True),
            nullable=True,
        )


def downgrade() -> None:
    # A row whose expiry was never recorded gets its creation time: "expired" is the safe reading.
    link_audits = sa.table(
        "link_audits", sa.column("created_at", sa.DateTime), sa.column("expires_at", sa.DateTime)
    )
    op.execute(
        link_audits.update()
        .where(link_audits.c.expires_at.is_(None))
        .values(expires_at=link_audits.c.created_at)
    )
    with op.batch_alter_table("link_audits", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at",
            existing_type=gangway.core.db.UTCDateTime(timezone=True),
            nullable=False,
        )
