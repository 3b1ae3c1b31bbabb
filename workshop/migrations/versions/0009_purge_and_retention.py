"""how long a workshop's answers are kept, and the outcome pack frozen when they are purged

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Workshops made before the setting existed keep answers for the default 90 days.
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_days", sa.Integer(), nullable=False, server_default="90"))
    op.create_table(
        "purgedpack",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        # With a time zone, like the model's (see 0006): the same DATETIME on SQLite, timestamptz on PostgreSQL.
        sa.Column("purged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("pack", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"]),
        sa.PrimaryKeyConstraint("workshop_id"),
    )


def downgrade() -> None:
    op.drop_table("purgedpack")
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_column("retention_days")
