"""PostgreSQL tells the participant servers when what their phone caches hold changes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-11
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each serve worker keeps agenda items and seats in memory and LISTENs on this channel
# (workshop/web/phone_cache.py). One notice per statement, sent at commit, whatever changed: these change
# only when a facilitator acts (a vote or a join changes none of them), so a room's burst sends none.
# (A proxy seat is made and updated in one transaction: one notice, when a facilitator adds one.)
# SQLite has no such thing, and its servers keep no such cache.
CHANNEL = "workshop_phones"
_TRIGGERS = {
    "agendaitem_phones_changed": "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agendaitem",
    # Only the column that says which item is current: a vote's revision bump must not empty the caches.
    "workshop_phones_changed": "AFTER UPDATE OF current_item_id OR DELETE OR TRUNCATE ON workshop",
    # Seats are only ever made or deleted; an update too would change what a worker keeps.
    "seat_phones_changed": "AFTER UPDATE OR DELETE OR TRUNCATE ON seat",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION workshop_phones_changed() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n    PERFORM pg_notify('{CHANNEL}', '');\n    RETURN NULL;\nEND\n$$"
    )
    for name, when in _TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} FOR EACH STATEMENT EXECUTE FUNCTION workshop_phones_changed()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, when in _TRIGGERS.items():
        table = when.rsplit(" ON ", 1)[1]
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS workshop_phones_changed()")
