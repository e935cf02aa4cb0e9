"""Customers from a SQL table (a CRM extract in any database SQLAlchemy reaches), validated like the file reader."""

from __future__ import annotations

from collections.abc import Mapping

from enrich.errors import InputError
from enrich.schema import Customer, ReadResult, Reject

__all__ = ["read_customers_table"]

FIELDS = ("customer_id", "name", "value_tier", "country", "signup_date", "account_id")


def read_customers_table(url: str, table: str, *, columns: Mapping[str, str] | None = None) -> ReadResult:
    """Read ``table`` at ``url`` into ``Customer`` records; bad rows become rejects (source ``"customers"``).

    Args:
        url: SQLAlchemy URL or a SQLite file path.
        table: Table (or view) name.
        columns: Record field -> table column, as for files; only ``customer_id`` must exist.

    Raises:
        InputError: The table or its customer id column does not exist.
    """
    import pandas as pd
    from sqlalchemy import MetaData, Table, select
    from sqlalchemy.exc import NoSuchTableError

    from enrich.readers.customers import _build_customer
    from enrich.readers.fields import RowRejected
    from enrich.store._sql import make_engine

    mapping = {name: name for name in FIELDS} | dict(columns or {})
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            try:
                source = Table(table, MetaData(), autoload_with=conn)
            except NoSuchTableError:
                raise InputError(f"customers table {table!r} not found at {engine.url.render_as_string()}") from None
            if mapping["customer_id"] not in source.c:
                raise InputError(f"customers table {table!r} has no column {mapping['customer_id']!r}; columns: "
                                 f"{', '.join(source.c.keys())}")
            frame = pd.DataFrame(conn.execute(select(source)).mappings().all())
    finally:
        engine.dispose()
    result = ReadResult(rows_read=len(frame))
    seen: set[str] = set()
    for line, row in enumerate(frame.astype(object).where(frame.notna(), None).to_dict("records"), start=1):
        text_row = {key: (None if value is None else str(value)) for key, value in row.items()}
        try:
            customer: Customer = _build_customer(text_row, mapping, table)
        except RowRejected as exc:
            result.rejects.append(Reject("customers", table, line, exc.reason, exc.detail, text_row.get(mapping["customer_id"])))
            continue
        if customer.customer_id in seen:
            result.rejects.append(Reject("customers", table, line, "duplicate_id", "customer_id seen on an earlier row",
                                         customer.customer_id))
            continue
        seen.add(customer.customer_id)
        result.records.append(customer)
    return result
