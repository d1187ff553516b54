"""account facts Stripe does not report, and capability status details

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 16:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import gangway.core.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("connected_accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("info_submitted_at", gangway.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("activated_at", gangway.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("closed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column(
                "upcoming_deadline", gangway.core.db.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("losses_collector", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )
        batch_op.add_column(
            sa.Column("reason_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "reason_resolution", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
            )
        )
    with op.batch_alter_table("account_capabilities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status_details", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("account_capabilities", schema=None) as batch_op:
        batch_op.drop_column("status_details")
    with op.batch_alter_table("connected_accounts", schema=None) as batch_op:
        batch_op.drop_column("reason_resolution")
        batch_op.drop_column("reason_code")
        batch_op.drop_column("losses_collector")
        batch_op.drop_column("upcoming_deadline")
        batch_op.drop_column("closed")
        batch_op.drop_column("activated_at")
        batch_op.drop_column("info_submitted_at")
