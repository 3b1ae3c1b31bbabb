"""Several rows into one table in one statement: a vote's 27 ratings, say.

SQLAlchemy hands a list of rows to the driver's ``executemany``. On SQLite that is a loop inside the
process and costs next to nothing. psycopg pipelines it, but PostgreSQL still parses, binds and executes
each row as a statement of its own, and psycopg builds and reads a message for each: about a twelfth of a
hosted worker's time in a burst (benchmarks/README.md, fifth round). On PostgreSQL the rows go instead as
one array per column, unpacked by ``unnest`` in a single ``INSERT … SELECT``: one statement, whatever the
number of rows, with the same text every time so the statement cache keeps it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Insert, Table, TextClause, insert, text


def add_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (each with the same column names) into ``table`` on ``connection``."""
    if not rows:
        return
    if connection.dialect.name != "postgresql" or len(rows) == 1:
        connection.execute(_inserting(table), list(rows))
        return
    names = tuple(rows[0])
    statement = _unnested(connection.dialect, table, names)
    connection.execute(statement, {f"c{i}": [row[name] for row in rows] for i, name in enumerate(names)})


_LENGTH = re.compile(r"\(\d+\)")


@functools.lru_cache(maxsize=64)
def _inserting(table: Table) -> Insert:
    return insert(table)


@functools.lru_cache(maxsize=64)
def _unnested(dialect: Dialect, table: Table, names: tuple[str, ...]) -> TextClause:
    # Built once per table and columns: the same object every time, so SQLAlchemy compiles it once.
    preparer = dialect.identifier_preparer
    columns = ", ".join(preparer.quote(name) for name in names)
    # Each array is cast to its column's type without a length: a cast to VARCHAR(500) would cut a longer
    # text short in silence, where the insert itself refuses it, as a row-by-row insert does.
    kinds = [_LENGTH.sub("", table.c[name].type.compile(dialect=dialect)) for name in names]
    arrays = ", ".join(f"CAST(:c{i} AS {kind}[])" for i, kind in enumerate(kinds))
    return text(f"INSERT INTO {preparer.format_table(table)} ({columns}) SELECT * FROM unnest({arrays})")
