"""SQL plumbing shared by the store: engine creation, canonical JSON, chunked IN queries, dialect upserts."""

from __future__ import annotations

import itertools
import json
import math
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import Engine, Select, Table, create_engine, event, or_
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from enrich.errors import StoreError

T = TypeVar("T")

CHUNK = 500
"""Rows per statement and values per ``IN (...)``: far below SQLite's bound-variable limit."""
SUPPORTED_DIALECTS = ("sqlite", "postgresql")
BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "enrich_write"


def _json_default(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"value of type {type(value).__name__} is not JSON-serialisable: {value!r}")


def dumps(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, numpy scalars and arrays as plain numbers and lists.

    The same value always gives the same bytes, so stored JSON compares equal across runs.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def to_json_value(value: Any) -> Any:
    """``value`` as plain JSON types (tuples become lists, numpy becomes Python), as it reads back."""
    return json.loads(dumps(value))


def clean_float(value: Any) -> float | None:
    """A float, or None for None/NaN/NA (pandas hands missing numbers over as NaN)."""
    if value is None:
        return None
    try:
        number = float(value)
    except TypeError:  # pd.NA refuses float()
        return None
    return None if math.isnan(number) else number


def clean_int(value: Any) -> int | None:
    """An int, or None for None/NaN/NA."""
    number = clean_float(value)
    return None if number is None else int(number)


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def make_engine(url_or_path: str | Path) -> Engine:
    """An engine for a SQLAlchemy URL, or for a SQLite file when given a plain path (parents created).

    Raises:
        StoreError: The URL is malformed, its dialect unsupported, or its driver not installed.
    """
    text = str(url_or_path)
    if isinstance(url_or_path, Path) or "://" not in text:
        path = Path(text).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        url: URL = URL.create("sqlite", database=str(path))
    else:
        try:
            url = make_url(text)
        except ArgumentError as exc:
            raise StoreError(f"cannot parse store URL {text!r}: {exc}") from exc
    if url.get_backend_name() not in SUPPORTED_DIALECTS:
        raise StoreError(f"unsupported store dialect {url.get_backend_name()!r} in {url.render_as_string()!r}; "
                         f"supported: {', '.join(SUPPORTED_DIALECTS)} (or a plain path for a SQLite file)")
    try:
        engine = create_engine(url, json_serializer=dumps, json_deserializer=json.loads)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise StoreError(f"no database driver for {url.drivername!r}: {exc}; for PostgreSQL install "
                         "psycopg and use 'postgresql+psycopg://user@host/db'") from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    else:
        _configure_postgresql(engine)
    return engine


WRITE_LOCK_KEY = 0x656E72696368  # "enrich" as an integer: the advisory lock every enrich writer takes


def _configure_postgresql(engine: Engine) -> None:
    # The PostgreSQL twin of SQLite's BEGIN IMMEDIATE: each write transaction first takes one
    # transaction-scoped advisory lock, so concurrent runs queue instead of both reading "no trait yet"
    # and both appending a "new" history row (READ COMMITTED would let them). Readers never wait.
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def add_missing_columns(conn: Connection, metadata: Any) -> list[str]:
    """Add nullable columns that ``metadata`` declares but an older store's tables lack; returns them.

    Stores written by an earlier enrich keep working: new columns are only ever added as nullable.
    """
    from sqlalchemy import inspect

    inspector = inspect(conn)
    added = []
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present and column.nullable:
                kind = column.type.compile(dialect=conn.dialect)
                conn.exec_driver_sql(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')
                added.append(f"{table.name}.{column.name}")
    return added


def _configure_sqlite(engine: Engine) -> None:
    # SQLAlchemy's documented recipe: take transaction control away from the sqlite3 module (which would
    # BEGIN lazily, only at the first write) and emit BEGIN ourselves. Writes take BEGIN IMMEDIATE so two
    # processes never both read, then deadlock upgrading to a write lock; the busy timeout makes them queue.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")


def _switch_to_wal(cursor: Any) -> None:
    # Two processes opening a brand-new file at once race to switch it to WAL, and SQLite answers the loser's
    # switch with "database is locked" at once: the busy timeout does not cover it (measured here: 233 of
    # 1,000 cold opens in pairs). The switch is idempotent, so retry it within the busy timeout.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    for attempt in itertools.count():
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(min(0.01 * 2**attempt, 0.5))


def select_in(conn: Connection, stmt: Select[Any], column: Any, values: Sequence[Any] | None) -> list[Any]:
    """Rows of ``stmt`` where ``column IN values``, chunked; all rows of ``stmt`` when ``values`` is None."""
    if values is None:
        return list(conn.execute(stmt))
    rows: list[Any] = []
    for chunk in chunks(list(values)):
        rows.extend(conn.execute(stmt.where(column.in_(chunk))))
    return rows


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    *,
    update: Sequence[str] | None = None,
    compare: Sequence[str] | None = None,
    do_nothing: bool = False,
) -> None:
    """Insert ``rows``; on a key conflict update ``update`` columns, but only where a ``compare`` column changed.

    Args:
        conn: A connection inside a transaction.
        table: Target table.
        rows: Dicts with the same keys (executemany needs one shape).
        keys: Primary-key columns.
        update: Columns to overwrite on conflict; default every non-key column.
        compare: Columns whose change triggers the update; default ``update``. Rows where none changed
            are left untouched, so re-running the same input writes nothing.
        do_nothing: Keep existing rows as they are.

    Raises:
        StoreError: The dialect has no ``ON CONFLICT`` support here.
    """
    if not rows:
        return
    stmt: Any
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table)
    elif conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        stmt = postgresql_insert(table)
    else:  # pragma: no cover - make_engine refuses other dialects
        raise StoreError(f"upsert needs one of {SUPPORTED_DIALECTS}, got {conn.dialect.name!r}")
    if do_nothing:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    else:
        update = list(update) if update is not None else [c.name for c in table.columns if c.name not in keys]
        compare = list(compare) if compare is not None else update
        stmt = stmt.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: stmt.excluded[name] for name in update},
            where=or_(*(table.c[name].is_distinct_from(stmt.excluded[name]) for name in compare)),
        )
    for chunk in chunks(list(rows)):
        conn.execute(stmt, list(chunk))
