"""The customers table: ``customer_id,name,value_tier,country,signup_date,account_id`` by default.

Example:
    >>> from pathlib import Path
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "customers.csv"
    >>> _ = path.write_text("customer_id,name,value_tier,country,signup_date,account_id\\n"
    ...                     "C1,Ada,High,UK,2024-03-01,A1\\n")
    >>> read_customers(path).records[0].value_tier
    'high'
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from enrich.readers.base import Row, read_records
from enrich.readers.fields import RowRejected, clean_str, parse_date, require_id
from enrich.readers.rows import RowFormat
from enrich.schema import Customer, ReadResult

VALUE_TIERS = ("low", "medium", "high")


def _build_customer(row: Row, columns: Mapping[str, str], source_file: str) -> Customer:
    customer_id = require_id(row.get(columns["customer_id"]), columns["customer_id"])
    signup_date = parse_date(row.get(columns["signup_date"]), columns["signup_date"])
    tier = clean_str(row.get(columns["value_tier"]))
    if tier is not None:
        if tier.lower() not in VALUE_TIERS:
            raise RowRejected(
                "bad_value", f"{columns['value_tier']} {tier!r} is not one of {', '.join(VALUE_TIERS)}"
            )
        tier = tier.lower()
    return Customer(
        customer_id=customer_id,
        name=clean_str(row.get(columns["name"])),
        value_tier=tier,
        country=clean_str(row.get(columns["country"])),
        signup_date=signup_date,
        account_id=clean_str(row.get(columns["account_id"])),
    )


def read_customers(
    path: str | Path, *, columns: Mapping[str, str] | None = None, fmt: RowFormat | None = None
) -> ReadResult:
    """Read a customers file into ``Customer`` records; rejects carry source ``"customers"``.

    Args:
        path: CSV, JSONL or Parquet file.
        columns: Record field -> input column (fields: customer_id, name, value_tier, country, signup_date,
            account_id). Only ``customer_id`` must exist; other columns are read when present.
        fmt: ``"csv"``, ``"jsonl"`` or ``"parquet"``; ``None`` picks it from the suffix.

    Returns:
        Records with ``value_tier`` lower-cased and ``signup_date`` a ``date``; rejects; rows read.
        A repeated ``customer_id`` keeps its first row and rejects the rest as ``duplicate_id``.

    Raises:
        ConfigError: ``columns`` names an unknown field.
        InputError: The file is missing or lacks the customer id column.
    """
    return read_records("customers", path, _build_customer, id_field="customer_id", columns=columns, fmt=fmt)
