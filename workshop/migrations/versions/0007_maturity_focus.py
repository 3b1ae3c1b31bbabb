"""the horizon a maturity item is on, so the remote, the projector and phones follow the facilitator

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # An item without a row is on its first horizon, as every item was before.
    op.create_table(
        "maturityfocus",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("horizon_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["horizon_id"], ["horizon.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["agendaitem.id"]),
        sa.PrimaryKeyConstraint("item_id"),
    )


def downgrade() -> None:
    op.drop_table("maturityfocus")
