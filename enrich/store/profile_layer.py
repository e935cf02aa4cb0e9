"""Profile-layer methods of :class:`~enrich.store.ProfileStore`: as_of, affected customers, history replay,
account traits, alerts and identify-call exports. Mixed into the store; uses its engine and write transactions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, or_, select

from enrich.errors import StoreError
from enrich.schema import Provenance
from enrich.store import profile_tables as pt
from enrich.store import tables as t
from enrich.store._sql import dumps, select_in, to_json_value, upsert
from enrich.store.profiles import CUSTOMER_COLUMNS, build_profiles_frame, write_profiles
from enrich.store.trait_writer import write_trait_values
from enrich.store.traits import TRAITS, TraitSpec, TraitValues

__all__ = ["ProfileLayer", "parse_instant"]


def parse_instant(value: str | datetime | None, *, end_of_day: bool = True) -> datetime | None:
    """A UTC instant from a datetime, an ISO date (``2026-03-31`` = the end of that day) or ISO datetime.

    Raises:
        StoreError: The text is no ISO date or datetime.
    """
    if value is None or isinstance(value, datetime):
        return None if value is None else (value if value.tzinfo else value.replace(tzinfo=timezone.utc))
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise StoreError(f"cannot read {text!r} as a date: expected ISO 8601 like 2026-03-31 or "
                         "2026-03-31T12:00:00Z") from exc
    if len(text) == 10 and end_of_day:  # a bare date means "as the day ended"
        parsed = parsed + timedelta(days=1) - timedelta(microseconds=1)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class ProfileLayer:
    """Mixin: needs ``self._engine`` and ``self._write()`` from the store."""

    _engine: Engine

    def _write(self) -> AbstractContextManager[Connection]:  # pragma: no cover - provided by the store
        raise NotImplementedError

    # -- as_of and incremental scope ---------------------------------------------------------------------

    def latest_feedback_at(self) -> datetime | None:
        """The latest ``created_at`` in the store: the default ``as_of`` (reproducible, not the wall clock)."""
        with self._engine.connect() as conn:
            value = conn.execute(select(func.max(t.feedback.c.created_at))).scalar()
        return parse_instant(t.feedback.c.created_at.type.process_result_value(value, self._engine.dialect)
                             if value is not None and not isinstance(value, datetime) else value)

    def state(self, key: str) -> Any:
        """A value the store keeps about itself (e.g. ``"traits_as_of"``), or None."""
        with self._engine.connect() as conn:
            return conn.execute(select(pt.store_state.c.value).where(pt.store_state.c.key == key)).scalar()

    def set_state(self, key: str, value: Any) -> None:
        with self._write() as conn:
            upsert(conn, pt.store_state, [{"key": key, "value": to_json_value(value)}], ["key"])

    def customers_of(self, feedback_keys: Sequence[str]) -> set[str]:
        """Customers who wrote those feedback (anonymous feedback has none)."""
        with self._engine.connect() as conn:
            rows = select_in(conn, select(t.feedback.c.customer_id), t.feedback.c.feedback_key, list(feedback_keys))
        return {row.customer_id for row in rows if row.customer_id is not None}

    def customers_with_feedback_between(self, start: datetime, end: datetime) -> set[str]:
        """Customers with feedback created in ``[start, end]``: those a move of ``as_of`` can change."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(t.feedback.c.customer_id).distinct().where(
                t.feedback.c.created_at >= start, t.feedback.c.created_at <= end,
                t.feedback.c.customer_id.is_not(None)))
            return {row.customer_id for row in rows}

    def feedback_keys_of_run(self, run_id: str) -> list[str]:
        """Feedback first written or last changed by ``run_id``: the run's new feedback."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(t.feedback.c.feedback_key).where(
                or_(t.feedback.c.first_run_id == run_id, t.feedback.c.last_run_id == run_id)))
            return sorted(row.feedback_key for row in rows)

    def unit_themes(self) -> dict[str, int | None]:
        """``unit_id -> theme_id`` of every unit (to see which customers a theme refit touched)."""
        with self._engine.connect() as conn:
            return {row.unit_id: row.theme_id for row in conn.execute(select(t.units.c.unit_id, t.units.c.theme_id))}

    # -- history ---------------------------------------------------------------------------------------

    def profile_at(self, customer_id: str, when: datetime) -> dict[str, Any]:
        """The customer's ``cx.*`` traits as they stood at ``when``, rebuilt from the append-only history.

        Each trait takes the value of its last history row with ``computed_at <= when``; a trait whose last
        change was ``"removed"`` (or that had none yet) is absent.

        Returns:
            ``{"customer_id", "as_of", "traits": {name: value}, "provenance": {name: {...}}}``.
        """
        history = t.trait_history
        with self._engine.connect() as conn:
            rows = conn.execute(select(history).where(history.c.customer_id == customer_id,
                                                      history.c.computed_at <= when).order_by(history.c.id))
            latest: dict[str, Any] = {}
            for row in rows:
                latest[row.name] = row
        traits = {name: row.value for name, row in latest.items() if row.change != "removed"}
        provenance = {name: {"run_id": row.run_id, "pipeline_hash": row.pipeline_hash, "models": row.models,
                             "computed_at": row.computed_at.isoformat(),
                             "as_of": row.as_of.isoformat() if row.as_of else None}
                      for name, row in latest.items() if row.change != "removed"}
        ordered = {name: traits[name] for name in TRAITS if name in traits}
        return {"customer_id": customer_id, "as_of": when.isoformat(), "traits": ordered, "provenance": provenance}

    # -- accounts --------------------------------------------------------------------------------------

    def write_account_traits(self, values: TraitValues, provenance: Provenance, registry: dict[str, TraitSpec],
                             as_of: datetime | None) -> int:
        """Replace every account's traits by ``values`` (accounts absent lose theirs); returns history rows."""
        with self._write() as conn:
            known = conn.execute(select(pt.account_traits.c.account_id).distinct()).scalars()
            remove = {account: list(registry) for account in set(known) | set(values)}
            return write_trait_values(conn, pt.account_traits, pt.account_trait_history, "account_id", values,
                                      provenance, remove=remove, registry=registry, as_of=as_of)

    def account_traits_frame(self) -> pd.DataFrame:
        return self._read(pt.account_traits, [pt.account_traits.c.account_id, pt.account_traits.c.name])

    def account_trait_history_frame(self) -> pd.DataFrame:
        return self._read(pt.account_trait_history, [pt.account_trait_history.c.id])

    def accounts_frame(self, nested_as_json: bool = True) -> pd.DataFrame:
        """One row per account with a column per account trait and ``cx._provenance``."""
        from enrich.profiles.accounts import ACCOUNT_TRAITS

        traits = [{**row, "customer_id": row["account_id"]} for row in self.account_traits_frame().to_dict("records")]
        frame = build_profiles_frame([], traits, nested_as_json=nested_as_json, registry=ACCOUNT_TRAITS)
        frame = frame.drop(columns=[c for c in CUSTOMER_COLUMNS if c != "customer_id"])
        return frame.rename(columns={"customer_id": "account_id"})

    # -- alerts ----------------------------------------------------------------------------------------

    def insert_alerts(self, rows: Sequence[Mapping[str, Any]]) -> list[str]:
        """Insert alerts not fired before (by ``alert_id``); returns the ids that are new."""
        if not rows:
            return []
        ids = [row["alert_id"] for row in rows]
        with self._write() as conn:
            known = {row.alert_id for row in select_in(conn, select(pt.alerts.c.alert_id), pt.alerts.c.alert_id, ids)}
            fresh = [dict(row) for row in rows if row["alert_id"] not in known]
            upsert(conn, pt.alerts, fresh, ["alert_id"], do_nothing=True)
        return [row["alert_id"] for row in fresh]

    def alerts_frame(self) -> pd.DataFrame:
        return self._read(pt.alerts, [pt.alerts.c.fired_at, pt.alerts.c.alert_id])

    def export_alerts(self, path: str | Path) -> Path:
        """Every alert in the store as JSONL (one object per alert, oldest first)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as handle:
            for record in self.alerts_frame().to_dict("records"):
                for name in ("feedback_created_at", "fired_at"):
                    record[name] = record[name].isoformat()
                handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        return target

    def export_profiles(self, path: str | Path, fmt: str | None = None, accounts: bool = False) -> Path:
        """Write customer (or account) profiles to ``path`` and return the path.

        Args:
            path: Target file; its suffix picks the format unless ``fmt`` is given.
            fmt: ``"parquet"``, ``"csv"``, ``"jsonl"`` (nested traits as JSON) or ``"identify"``
                (one ``{"userId", "traits"}`` per line, ``{"groupId", "traits"}`` for accounts).
            accounts: Export the account roll-ups instead of customers.

        Raises:
            StoreError: The format is not one of those.
        """
        if fmt == "identify":
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8") as handle:
                for call in self.identify_calls(accounts=accounts):
                    handle.write(dumps(call) + "\n")
            return target
        if fmt is not None and f".{fmt}" != Path(path).suffix.lower():
            raise StoreError(f"format {fmt!r} does not match {Path(path).name!r}; formats: parquet, csv, jsonl, "
                             "identify (the file suffix picks one of the first three)")
        nested_as_json = Path(path).suffix.lower() != ".jsonl"
        frame = self.accounts_frame(nested_as_json) if accounts else self.profiles_frame(nested_as_json=nested_as_json)
        return write_profiles(frame, path)

    # -- identify-call export --------------------------------------------------------------------------

    def identify_calls(self, accounts: bool = False) -> Iterator[dict[str, Any]]:
        """CDP-style calls: ``{"userId", "traits"}`` per customer (or ``{"groupId", "traits"}`` per account).

        Traits are the declared ``cx.*`` names with JSON values; nulls are left out, as CDPs treat a null
        trait as "unset". Customer fields (name, value_tier, ...) are not sent: the CDP owns them.
        """
        frame = self.accounts_frame(nested_as_json=False) if accounts else self.profiles_frame(nested_as_json=False)
        key, id_name = ("account_id", "groupId") if accounts else ("customer_id", "userId")
        for record in frame.to_dict("records"):
            traits = {name: to_json_value(value) for name, value in record.items()
                      if name.startswith("cx.") and name != "cx._provenance" and not _null(value)}
            if traits:
                yield {id_name: record[key], "traits": traits}

    def _read(self, table: Any, order_by: Sequence[Any]) -> pd.DataFrame:
        with self._engine.connect() as conn:
            result = conn.execute(select(table).order_by(*order_by))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _null(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and value != value
