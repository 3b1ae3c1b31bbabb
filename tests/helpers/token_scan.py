"""Where a secret is kept: every value of every column of every table, and the SQLite file's own bytes."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import MetaData, inspect, select
from sqlalchemy.engine import make_url

from workshop.db import Database


def columns_holding(db: Database, secret: str) -> list[str]:
    """Every ``table.column`` with a value that contains ``secret`` (JSON values as their text)."""
    found: list[str] = []
    metadata = MetaData()
    metadata.reflect(db.read_engine, only=inspect(db.read_engine).get_table_names())
    with db.read_engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                for name, value in row.items():
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    if secret in text:
                        found.append(f"{table.name}.{name}")
    return sorted(set(found))


def file_holds(db: Database, secret: str) -> bool:
    """Whether the SQLite file, or its write-ahead log, holds ``secret`` anywhere (free pages included)."""
    database = make_url(db.url).database
    assert database, "not a SQLite file"
    files = [Path(database), Path(f"{database}-wal")]
    return any(secret.encode() in path.read_bytes() for path in files if path.exists())
