"""the facilitator token is kept only as its SHA-256 hash

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10
"""

import hashlib
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Only the columns this migration touches, as they are at this revision (not the app's current model).
workshop = sa.table(
    "workshop",
    sa.column("id", sa.Integer()),
    sa.column("facilitator_token", sa.String()),
    sa.column("facilitator_token_hash", sa.String()),
)


def upgrade() -> None:
    bind = op.get_bind()
    # The column is dropped in place (below), which SQLite learnt in 3.35 (2021).
    if bind.dialect.name == "sqlite" and bind.dialect.dbapi.sqlite_version_info < (3, 35):
        raise RuntimeError(
            "SQLite 3.35 or newer is needed to upgrade this database (this Python has "
            f"{bind.dialect.dbapi.sqlite_version})"
        )
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("facilitator_token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
    # Hashed here, in Python, so the same steps run on SQLite and PostgreSQL; a remote or API client
    # holding the old token keeps working, as the hash of the same token is what is looked up now.
    seen: set[str] = set()
    for wid, token in bind.execute(sa.select(workshop.c.id, workshop.c.facilitator_token)).all():
        digest = hashlib.sha256(token.encode()).hexdigest() if token else None
        # The same token twice (only in hand-made rows) would break the unique index: the later workshop
        # has none until one is issued (the TUI issues one when it opens the workshop).
        if digest is not None and digest not in seen:
            seen.add(digest)
            bind.execute(workshop.update().where(workshop.c.id == wid).values(facilitator_token_hash=digest))
    # Dropped in place (ALTER TABLE … DROP COLUMN, SQLite 3.35+), never by copying the table: every table
    # points at the workshop, and with foreign keys on, SQLite refuses to drop the old copy.
    with op.batch_alter_table("workshop", schema=None, recreate="never") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_facilitator_token_hash"), ["facilitator_token_hash"], unique=True
        )
        batch_op.drop_column("facilitator_token")


def downgrade() -> None:
    # A hash cannot be turned back into its token: every workshop gets a new one, and paired remotes stop.
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "facilitator_token",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )
    bind = op.get_bind()
    for (wid,) in bind.execute(sa.select(workshop.c.id)).all():
        token = secrets.token_urlsafe(24)
        bind.execute(workshop.update().where(workshop.c.id == wid).values(facilitator_token=token))
    with op.batch_alter_table("workshop", schema=None, recreate="never") as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_facilitator_token_hash"))
        batch_op.drop_column("facilitator_token_hash")
