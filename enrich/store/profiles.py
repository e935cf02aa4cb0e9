"""Profile frames and files: customers joined with their ``cx.*`` traits, one row per customer."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from enrich.errors import StoreError
from enrich.store._sql import dumps
from enrich.store.traits import TRAITS, TraitSpec

__all__ = ["CUSTOMER_COLUMNS", "EXPORT_FORMATS", "PROVENANCE_COLUMN", "build_profiles_frame", "write_profiles"]

CUSTOMER_COLUMNS = ("customer_id", "name", "value_tier", "country", "signup_date", "account_id")
PROVENANCE_COLUMN = "cx._provenance"
EXPORT_FORMATS: dict[str, Literal["parquet", "csv", "jsonl"]] = {
    ".parquet": "parquet", ".csv": "csv", ".jsonl": "jsonl"}
_DTYPES = {"int": "Int64", "float": "Float64", "bool": "boolean"}


def _iso(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).isoformat()


def build_profiles_frame(
    customer_rows: Sequence[Mapping[str, Any]],
    trait_rows: Sequence[Mapping[str, Any]],
    nested_as_json: bool = True,
    registry: Mapping[str, TraitSpec] | None = None,
) -> pd.DataFrame:
    """One row per customer: customer columns, one column per declared trait, then ``cx._provenance``.

    Customers that have traits but no customers-table row still get a profile (their customer columns
    are null): feedback may name customers the CRM extract has not delivered yet.

    Args:
        customer_rows: Rows of the customers table.
        trait_rows: Rows of the traits table.
        nested_as_json: Lists and dicts as JSON strings (flat files) rather than Python objects.
        registry: The declared traits that become columns (default the customer :data:`TRAITS`).

    Returns:
        A frame sorted by ``customer_id``. ``cx._provenance`` is JSON with the ``run_id``,
        ``pipeline_hash``, ``models`` and ``computed_at`` of the customer's latest trait write and
        ``n_units`` per trait.
    """
    profiles: dict[str, dict[str, Any]] = {}
    for row in customer_rows:
        profiles[row["customer_id"]] = {column: row[column] for column in CUSTOMER_COLUMNS}
    latest: dict[str, Mapping[str, Any]] = {}
    n_units: dict[str, dict[str, int]] = {}
    for row in trait_rows:
        customer_id = row["customer_id"]
        profile = profiles.setdefault(customer_id, {column: None for column in CUSTOMER_COLUMNS}
                                      | {"customer_id": customer_id})
        value = row["value"]
        profile[row["name"]] = dumps(value) if nested_as_json and isinstance(value, list | dict) else value
        n_units.setdefault(customer_id, {})[row["name"]] = int(row["n_units"])
        best = latest.get(customer_id)
        if best is None or (row["computed_at"], row["run_id"]) > (best["computed_at"], best["run_id"]):
            latest[customer_id] = row
    for customer_id, row in latest.items():
        provenance = {"run_id": row["run_id"], "pipeline_hash": row["pipeline_hash"], "models": row["models"],
                      "computed_at": _iso(row["computed_at"]), "n_units": n_units[customer_id],
                      "as_of": None if pd.isna(row.get("as_of")) else _iso(row["as_of"])}
        profiles[customer_id][PROVENANCE_COLUMN] = dumps(provenance) if nested_as_json else provenance

    declared = TRAITS if registry is None else registry
    columns = [*CUSTOMER_COLUMNS, *declared, PROVENANCE_COLUMN]
    records = [profiles[customer_id] for customer_id in sorted(profiles)]
    frame = pd.DataFrame.from_records(records, columns=columns) if records else pd.DataFrame(columns=columns)
    for name, spec in declared.items():
        if spec.type in _DTYPES:
            frame[name] = frame[name].astype(_DTYPES[spec.type])
        elif spec.type == "list" or frame[name].isna().all():
            frame[name] = frame[name].astype(object)
    return frame


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_profiles(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a profiles frame to ``path``; the suffix picks the format (.parquet, .csv or .jsonl).

    For .jsonl pass a frame built with ``nested_as_json=False``: nested values become JSON objects.

    Raises:
        StoreError: The suffix names no supported format.
    """
    target = Path(path)
    kind = EXPORT_FORMATS.get(target.suffix.lower())
    if kind is None:
        raise StoreError(f"cannot export profiles to {target.name!r}: unknown suffix {target.suffix!r}; "
                         f"use one of {', '.join(EXPORT_FORMATS)}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if kind == "parquet":
        frame.to_parquet(target, index=False)
    elif kind == "csv":
        frame.to_csv(target, index=False)
    else:
        with target.open("w", encoding="utf-8") as handle:
            for record in frame.to_dict("records"):
                handle.write(json.dumps({key: _plain(value) for key, value in record.items()},
                                        ensure_ascii=False, default=str) + "\n")
    return target
