"""when an entry was approved, so a ranking knows which ballots saw it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Entries approved before the column existed stay empty: counted as seen by every ballot, as before.
    with op.batch_alter_table("entry", schema=None) as batch_op:
        # With a time zone, like the model's: PostgreSQL would otherwise shift the UTC instant it is given into
        # the session's zone. SQLite spells both DATETIME, so its schema is what this script always made.
        batch_op.add_column(
            sa.Column("approved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_column("approved_at")
