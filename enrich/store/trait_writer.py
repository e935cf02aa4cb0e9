"""Write trait values with provenance, appending every change to a history table (customers and accounts alike).

A value is rewritten only when it changed (compared as canonical JSON) or rests on a different number of
units; only a changed value appends history, so re-running on the same data writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, select

from enrich.schema import Provenance
from enrich.store._sql import chunks, dumps, select_in, to_json_value, upsert
from enrich.store.traits import TraitSpec, TraitValues, check_declared

__all__ = ["write_trait_values"]


def write_trait_values(
    conn: Connection,
    table: Table,
    history: Table,
    key: str,
    values: TraitValues,
    provenance: Provenance,
    *,
    remove: Mapping[str, Sequence[str]],
    registry: dict[str, TraitSpec] | None = None,
    as_of: datetime | None = None,
) -> int:
    """Upsert ``values`` (``{subject_id: {name: (value, n_units)}}``) into ``table`` keyed by ``key``.

    Args:
        conn: A connection inside a write transaction.
        table: ``traits`` or ``account_traits``.
        history: The matching append-only history table.
        key: ``"customer_id"`` or ``"account_id"``.
        values: New values per subject.
        provenance: Stamped on every written row (run id, pipeline hash, models, computed_at).
        remove: Per subject, trait names to delete when absent from ``values`` (history ``"removed"``).
        registry: Declared traits the names must belong to (default the customer traits).
        as_of: The date the values' windows end at, recorded beside the provenance.

    Returns:
        How many history rows were appended (values added, changed or removed).

    Raises:
        StoreError: A name is not declared.
    """
    check_declared({name for traits in values.values() for name in traits}, registry)
    subjects = sorted(set(values) | set(remove))
    column = table.c[key]
    stored = {(row[0], row[1]): row for row in select_in(
        conn, select(column, table.c.name, table.c.value, table.c.n_units), column, subjects)}
    stamp = {"run_id": provenance.run_id, "pipeline_hash": provenance.pipeline_hash,
             "models": to_json_value(dict(provenance.models)), "computed_at": provenance.computed_at, "as_of": as_of}
    rows: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    removed: list[tuple[str, str]] = []
    for subject in subjects:
        new = values.get(subject, {})
        for name, (value, n_units) in sorted(new.items()):
            value = to_json_value(value)
            old = stored.get((subject, name))
            changed = old is None or dumps(old.value) != dumps(value)
            if changed or old.n_units != n_units:  # a recount refreshes the row, not the history
                rows.append({key: subject, "name": name, "value": value, "n_units": int(n_units), **stamp})
            if changed:
                changes.append({key: subject, "name": name, "value": value,
                                "previous": None if old is None else old.value,
                                "change": "new" if old is None else "changed", **stamp})
        for name in sorted(set(remove.get(subject, ())) - set(new)):
            old = stored.get((subject, name))
            if old is not None:
                removed.append((subject, name))
                changes.append({key: subject, "name": name, "value": None, "previous": old.value,
                                "change": "removed", **stamp})
    upsert(conn, table, rows, [key, "name"])
    for subject, name in removed:
        conn.execute(delete(table).where(column == subject, table.c.name == name))
    for chunk in chunks(changes):
        conn.execute(history.insert(), list(chunk))
    return len(changes)
