"""The profile store: feedback, unit enrichments, themes, rejects, an embedding cache and ``cx.*`` traits.

SQLAlchemy Core over a SQLite file by default (nothing to start) or PostgreSQL by URL. Every write method
runs in one transaction and is idempotent: re-running the same input changes no row and adds none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, bindparam, delete, func, select, update

from enrich.errors import StoreError
from enrich.schema import Customer, Feedback, Provenance, Reject
from enrich.store import tables as t
from enrich.store import profile_tables as _profile_tables  # noqa: F401 - registers its tables on metadata
from enrich.store._sql import (
    WRITE_OPTION,
    add_missing_columns,
    chunks,
    clean_float,
    clean_int,
    dumps,
    make_engine,
    select_in,
    to_json_value,
    upsert,
)
from enrich.store.erasure import forget_customer
from enrich.store.profile_layer import ProfileLayer, parse_instant
from enrich.store.profiles import build_profiles_frame
from enrich.store.trait_writer import write_trait_values
from enrich.store.traits import TRAITS, TraitValues, compute_traits

__all__ = ["ProfileStore", "content_hash"]

_UNIT_DEFAULTS: dict[str, Any] = {
    "speaker": "customer", "sentiment_label": None, "sentiment_score": None, "sentiment_probs": None,
    "effort_score": None, "pain_points": [], "theme_id": None, "language": "en"}
_UNIT_IGNORED = frozenset({"theme_label"})  # lives on the theme, not the unit
_THEME_FIELDS = ("theme_id", "label", "key_phrases", "size", "centroid", "quotes", "avg_sentiment",
                 "avg_effort", "status")


def content_hash(record: Feedback) -> str:
    """sha256 of everything a feedback says (not where it was read from); instants compared in UTC."""
    payload = record.model_dump(mode="json", exclude={"source_file"})
    payload["created_at"] = record.created_at.astimezone(timezone.utc).isoformat()
    return hashlib.sha256(dumps(payload).encode("utf-8")).hexdigest()


def _vector_bytes(vector: Any, what: str) -> bytes:
    array = np.asarray(vector, dtype="<f4")
    if array.ndim != 1 or array.size == 0:
        raise StoreError(f"{what} must be a non-empty 1-D vector, got shape {array.shape}")
    return array.tobytes()


class ProfileStore(ProfileLayer):
    """Persist enrich's outputs and serve them back as pandas frames and profile files.

    Args:
        url_or_path: A SQLAlchemy URL (``"postgresql+psycopg://..."``, ``"sqlite:///x.db"``) or a plain
            path to a SQLite file, whose parent directories are created.

    Raises:
        StoreError: The URL is malformed or names an unsupported dialect or a missing driver.

    Example:
        >>> import tempfile
        >>> from datetime import datetime, timezone
        >>> from enrich.schema import Customer, Feedback, Provenance
        >>> store = ProfileStore(tempfile.mkdtemp() + "/enrich.db")
        >>> store.start_run("run-1", "reviews", "p-hash", {"encoder": "all-MiniLM-L6-v2@ab12"})
        >>> store.upsert_customers([Customer(customer_id="C1", name="Ada")])
        >>> at = datetime(2026, 1, 5, tzinfo=timezone.utc)
        >>> store.upsert_feedback([Feedback(feedback_id="r1", channel="review", customer_id="C1",
        ...                                 created_at=at, text="Login keeps failing.")], "run-1")
        >>> store.upsert_units([{"feedback_key": "review:r1", "idx": 0, "text": "Login keeps failing.",
        ...                      "sentiment_label": "negative", "sentiment_score": -0.8,
        ...                      "pain_points": ["login"]}])
        >>> store.refresh_traits(Provenance("run-1", "p-hash", {"encoder": "all-MiniLM-L6-v2@ab12"}, at))
        15
        >>> store.refresh_traits(Provenance("run-1", "p-hash", {"encoder": "all-MiniLM-L6-v2@ab12"}, at))
        0
        >>> profile = store.profiles_frame().iloc[0]
        >>> profile["customer_id"], float(profile["cx.sentiment_avg"]), profile["cx.top_pain_points"]
        ('C1', -0.8, '[["login",1]]')
        >>> store.dispose()
    """

    def __init__(self, url_or_path: str | Path) -> None:
        self._engine = make_engine(url_or_path)
        self._writer = self._engine.execution_options(**{WRITE_OPTION: True})
        with self._write() as conn:  # under the write lock: two runs starting at once never race on DDL
            t.metadata.create_all(conn)
            add_missing_columns(conn, t.metadata)

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self._engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        """Close every pooled connection (call before deleting a SQLite file or at process exit)."""
        self._engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._writer.begin() as conn:
            yield conn

    def _frame(self, table: Table, order_by: Sequence[Any]) -> pd.DataFrame:
        with self._engine.connect() as conn:
            result = conn.execute(select(table).order_by(*order_by))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    # -- runs ------------------------------------------------------------------------------------------

    def start_run(self, run_id: str, pipeline: str, pipeline_hash: str, models: Mapping[str, str]) -> None:
        """Record a run; starting it again (a resume) keeps its first start time.

        Raises:
            StoreError: ``run_id`` already exists with another pipeline hash.
        """
        row = {"run_id": run_id, "pipeline": pipeline, "pipeline_hash": pipeline_hash, "models": dict(models),
               "started_at": datetime.now(timezone.utc), "finished_at": None, "summary": None}
        with self._write() as conn:
            upsert(conn, t.runs, [row], ["run_id"], do_nothing=True)
            stored = conn.execute(select(t.runs.c.pipeline_hash).where(t.runs.c.run_id == run_id)).scalar_one()
        if stored != pipeline_hash:
            raise StoreError(f"run {run_id!r} already exists with pipeline hash {stored!r}, not {pipeline_hash!r}; "
                             "resume it with the same pipeline or start a new run id")

    def finish_run(self, run_id: str, summary: Mapping[str, Any]) -> None:
        """Stamp the run's end time and store its summary (counts, rejects, timings).

        Raises:
            StoreError: No such run was started.
        """
        with self._write() as conn:
            done = conn.execute(update(t.runs).where(t.runs.c.run_id == run_id).values(
                finished_at=datetime.now(timezone.utc), summary=to_json_value(dict(summary))))
            if done.rowcount == 0:
                raise StoreError(f"cannot finish run {run_id!r}: it was never started (call start_run first)")
            if summary.get("status") != "failed":  # a completed run is never resumed: its checkpoints go
                conn.execute(delete(t.run_checkpoints).where(t.run_checkpoints.c.run_id == run_id))

    def checkpoint_chunk(self, run_id: str, feedback_keys: Sequence[str]) -> None:
        """Record that a chunk's feedback, units and enrichments are stored (call after those writes)."""
        rows = [{"run_id": run_id, "feedback_key": key} for key in feedback_keys]
        with self._write() as conn:
            for part in chunks(rows):
                upsert(conn, t.run_checkpoints, part, ["run_id", "feedback_key"], do_nothing=True)

    def checkpointed_feedback(self, run_id: str) -> dict[str, str]:
        """Feedback key -> stored content hash, for every feedback a chunk of ``run_id`` checkpointed."""
        joined = t.run_checkpoints.join(t.feedback, t.run_checkpoints.c.feedback_key == t.feedback.c.feedback_key)
        stmt = (select(t.feedback.c.feedback_key, t.feedback.c.content_hash).select_from(joined)
                .where(t.run_checkpoints.c.run_id == run_id))
        with self._engine.connect() as conn:
            return {row.feedback_key: row.content_hash for row in conn.execute(stmt)}

    def resumable_run(self, pipeline_hash: str, models: Mapping[str, str]) -> str | None:
        """The latest run of this pipeline, if it did not complete (it failed, or its process died) and used
        the same models; None otherwise.

        A run completes when :meth:`finish_run` stores a summary without ``"status": "failed"``; runs stored
        by earlier releases, which kept no status, count as completed.
        """
        stmt = (select(t.runs.c.run_id, t.runs.c.finished_at, t.runs.c.summary, t.runs.c.models)
                .where(t.runs.c.pipeline_hash == pipeline_hash)
                .order_by(t.runs.c.started_at.desc(), t.runs.c.run_id.desc()))
        with self._engine.connect() as conn:
            latest = conn.execute(stmt).first()
        if latest is None or dict(latest.models or {}) != dict(models):
            return None
        failed = latest.finished_at is None or (latest.summary or {}).get("status") == "failed"
        return str(latest.run_id) if failed else None

    # -- records ---------------------------------------------------------------------------------------

    def upsert_customers(self, customers: Sequence[Customer]) -> None:
        """Insert customers or update those whose fields changed."""
        rows = [customer.model_dump() for customer in customers]
        with self._write() as conn:
            upsert(conn, t.customers, rows, ["customer_id"])

    def upsert_feedback(self, records: Sequence[Feedback], run_id: str) -> None:
        """Insert feedback, or update it when its content hash changed.

        ``first_run_id`` is the run that first wrote the feedback; ``last_run_id`` the run that last changed it.
        """
        rows = [{
            "feedback_key": record.key, "feedback_id": record.feedback_id, "channel": record.channel,
            "customer_id": record.customer_id, "created_at": record.created_at, "text": record.text,
            "rating": record.rating, "nps": record.nps, "product": record.product,
            "source_file": record.source_file, "turns": [turn.model_dump(mode="json") for turn in record.turns],
            "content_hash": content_hash(record), "first_run_id": run_id, "last_run_id": run_id,
        } for record in records]
        columns = [c.name for c in t.feedback.columns if c.name not in ("feedback_key", "first_run_id")]
        with self._write() as conn:
            upsert(conn, t.feedback, rows, ["feedback_key"], update=columns, compare=["content_hash"])

    def upsert_units(self, rows: Sequence[Mapping[str, Any]], feedback_keys: Sequence[str] = ()) -> None:
        """Replace the units of every feedback named in ``rows`` (and in ``feedback_keys``).

        Units of those feedback whose ``unit_id`` is not among the new rows are deleted (a re-segmented
        feedback shrinks); the others are inserted, or updated only where a value changed.

        Args:
            rows: Dicts with ``feedback_key``, ``idx`` (or ``index``) and ``text``, plus any of
                ``unit_id`` (default ``"{feedback_key}#{idx}"``), ``speaker``, ``sentiment_label``,
                ``sentiment_score``, ``sentiment_probs``, ``effort_score``, ``pain_points``, ``theme_id``,
                ``language``. NaN counts as null; ``theme_label`` is ignored (it lives on the theme).
            feedback_keys: Further feedback whose units are all replaced, e.g. ones now with no units.

        Raises:
            StoreError: A row has an unknown key or lacks a required one.
        """
        clean = [self._unit_row(row) for row in rows]
        new_ids = {row["unit_id"] for row in clean}
        keys = sorted({row["feedback_key"] for row in clean} | set(feedback_keys))
        with self._write() as conn:
            existing = select_in(conn, select(t.units.c.unit_id), t.units.c.feedback_key, keys)
            stale = sorted({row.unit_id for row in existing} - new_ids)
            for chunk in chunks(stale):
                conn.execute(delete(t.units).where(t.units.c.unit_id.in_(chunk)))
            upsert(conn, t.units, clean, ["unit_id"])

    @staticmethod
    def _unit_row(row: Mapping[str, Any]) -> dict[str, Any]:
        data = {key: value for key, value in row.items() if key not in _UNIT_IGNORED}
        if "index" in data:
            data.setdefault("idx", data.pop("index"))
        unknown = sorted(set(data) - set(t.units.c.keys()))
        missing = [key for key in ("feedback_key", "idx", "text") if data.get(key) is None]
        if unknown or missing:
            raise StoreError(f"bad unit row {dict(row)!r}: unknown keys {unknown}, missing keys {missing}; "
                             f"columns are {list(t.units.c.keys())}")
        out = _UNIT_DEFAULTS | data
        out["idx"] = int(out["idx"])
        out.setdefault("unit_id", f"{out['feedback_key']}#{out['idx']}")
        for key in ("sentiment_score", "effort_score"):
            out[key] = clean_float(out[key])
        out["theme_id"] = clean_int(out["theme_id"])
        out["pain_points"] = [str(name) for name in (out["pain_points"] if out["pain_points"] is not None else [])]
        if out["sentiment_probs"] is not None:
            out["sentiment_probs"] = to_json_value(dict(out["sentiment_probs"]))
        return out

    def upsert_feedback_enrichments(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Feedback-level enrichments (one dict per feedback, keys as the ``feedback_enrichments`` columns);
        rows are rewritten only where a value changed."""
        columns = [c.name for c in t.feedback_enrichments.columns]
        clean = []
        for row in rows:
            unknown = sorted(set(row) - set(columns))
            if unknown:
                raise StoreError(f"unknown feedback enrichment keys {unknown}; columns are {columns}")
            data = {name: row.get(name) for name in columns}
            for key in ("sentiment_score", "effort_score"):
                data[key] = clean_float(data[key])
            data["n_units"] = int(data["n_units"] or 0)
            clean.append(data)
        updatable = [name for name in columns if name != "feedback_key"]
        with self._write() as conn:
            upsert(conn, t.feedback_enrichments, clean, ["feedback_key"], update=updatable)

    def set_unit_themes(self, theme_by_unit: Mapping[str, int | None]) -> int:
        """Set each unit's ``theme_id`` (None = unthemed); only rows whose theme changed are written.

        Returns:
            How many units changed theme.
        """
        with self._write() as conn:
            current = {row.unit_id: row.theme_id for row in conn.execute(select(t.units.c.unit_id, t.units.c.theme_id))}
            changed = [
                {"key": unit_id, "theme": clean_int(theme)}
                for unit_id, theme in sorted(theme_by_unit.items())
                if unit_id in current and current[unit_id] != clean_int(theme)
            ]
            if changed:
                conn.execute(
                    update(t.units).where(t.units.c.unit_id == bindparam("key")).values(theme_id=bindparam("theme")),
                    changed,
                )
        return len(changed)

    def write_rejects(self, rejects: Sequence[Reject], run_id: str) -> None:
        """Record rejected rows keyed by (file, line, reason); ``run_id`` is the run that last changed one."""
        rows = [{"file": r.file, "line": r.line, "reason": r.reason, "source": r.source, "record_id": r.record_id,
                 "detail": r.detail, "run_id": run_id} for r in rejects]
        with self._write() as conn:
            upsert(conn, t.rejects, rows, ["file", "line", "reason"],
                   update=["source", "record_id", "detail", "run_id"], compare=["source", "record_id", "detail"])

    def replace_themes(self, themes: Sequence[Mapping[str, Any]], run_id: str) -> None:
        """Make ``themes`` the current theme set; known themes no longer present get status ``"retired"``.

        Args:
            themes: Dicts with ``theme_id``, ``label``, ``size`` and optionally ``key_phrases``, ``quotes``
                (lists), ``centroid`` (1-D float array or float32 bytes), ``avg_sentiment``, ``avg_effort``,
                ``status`` (default ``"active"``).
            run_id: Becomes ``first_run_id`` of new themes and ``last_run_id`` of every changed one.

        Raises:
            StoreError: A theme has an unknown key or lacks a required one.
        """
        rows = [self._theme_row(theme, run_id) for theme in themes]
        columns = [c.name for c in t.themes.columns if c.name not in ("theme_id", "first_run_id")]
        with self._write() as conn:
            upsert(conn, t.themes, rows, ["theme_id"], update=columns,
                   compare=[name for name in columns if name != "last_run_id"])
            current = {row["theme_id"] for row in rows}
            live = conn.execute(select(t.themes.c.theme_id).where(t.themes.c.status != "retired")).scalars()
            gone = sorted(set(live) - current)
            for chunk in chunks(gone):
                conn.execute(update(t.themes).where(t.themes.c.theme_id.in_(chunk))
                             .values(status="retired", last_run_id=run_id))

    @staticmethod
    def _theme_row(theme: Mapping[str, Any], run_id: str) -> dict[str, Any]:
        unknown = sorted(set(theme) - set(_THEME_FIELDS))
        missing = [key for key in ("theme_id", "label", "size") if theme.get(key) is None]
        if unknown or missing:
            raise StoreError(f"bad theme {theme.get('theme_id')!r}: unknown keys {unknown}, missing keys "
                             f"{missing}; accepted keys are {list(_THEME_FIELDS)}")
        centroid = theme.get("centroid")
        if centroid is not None and not isinstance(centroid, bytes):
            centroid = _vector_bytes(centroid, f"centroid of theme {theme['theme_id']}")
        return {
            "theme_id": int(theme["theme_id"]), "label": str(theme["label"]), "size": int(theme["size"]),
            "key_phrases": to_json_value(list(theme.get("key_phrases") or [])), "centroid": centroid,
            "quotes": to_json_value(list(theme.get("quotes") or [])),
            "avg_sentiment": clean_float(theme.get("avg_sentiment")),
            "avg_effort": clean_float(theme.get("avg_effort")), "status": theme.get("status") or "active",
            "first_run_id": run_id, "last_run_id": run_id}

    # -- embedding cache -------------------------------------------------------------------------------

    def cached_embeddings(self, text_hashes: Sequence[str], model_hash: str) -> dict[str, np.ndarray]:
        """The cached float32 vectors of those text hashes under ``model_hash``; misses are absent."""
        stmt = select(t.embedding_cache.c.text_hash, t.embedding_cache.c.vector).where(
            t.embedding_cache.c.model_hash == model_hash)
        with self._engine.connect() as conn:
            rows = select_in(conn, stmt, t.embedding_cache.c.text_hash, sorted(set(text_hashes)))
        return {row.text_hash: np.frombuffer(row.vector, dtype="<f4").astype(np.float32) for row in rows}

    def cache_embeddings(self, items: Mapping[str, Any], model_hash: str) -> None:
        """Cache vectors (1-D, stored as float32) by text hash; existing entries are kept as they are."""
        rows = []
        for text_hash, vector in items.items():
            blob = _vector_bytes(vector, f"embedding {text_hash!r}")
            rows.append({"text_hash": text_hash, "model_hash": model_hash, "vector": blob, "dim": len(blob) // 4})
        with self._write() as conn:
            upsert(conn, t.embedding_cache, rows, ["text_hash", "model_hash"], do_nothing=True)

    # -- traits ----------------------------------------------------------------------------------------

    def refresh_traits(self, provenance: Provenance, customer_ids: Sequence[str] | None = None,
                       as_of: datetime | str | None = None) -> int:
        """Recompute the computed ``cx.*`` traits of those customers (default all) from stored feedback and units.

        Only changed values are written, each change appending a ``trait_history`` row with the previous
        value; a customer left with no feedback loses those traits (history ``change="removed"``).

        Args:
            provenance: Stamped on every written value.
            customer_ids: Customers to recompute; None for every customer.
            as_of: Where windows end (a datetime or ISO date, a bare date meaning its end); default the
                latest feedback in the store, so the same data always gives the same traits.

        Returns:
            How many trait values were added, changed or removed: 0 when re-run on the same data.
        """
        end = parse_instant(as_of) or self.latest_feedback_at()
        feedback_cols = [t.feedback.c[name] for name in ("feedback_key", "customer_id", "channel", "created_at",
                                                         "nps")] + [t.feedback_enrichments.c.actionability]
        feedback_join = t.feedback.join(t.feedback_enrichments, t.feedback.c.feedback_key
                                        == t.feedback_enrichments.c.feedback_key, isouter=True)
        with self._write() as conn:
            if customer_ids is None:
                known = conn.execute(select(t.feedback.c.customer_id).where(t.feedback.c.customer_id.is_not(None))
                                     .union(select(t.traits.c.customer_id))).scalars()
                scope = sorted(set(known))
            else:
                scope = sorted(set(customer_ids))
            fb_rows = select_in(conn, select(*feedback_cols).select_from(feedback_join), t.feedback.c.customer_id,
                                scope)
            fb = pd.DataFrame([tuple(row) for row in fb_rows], columns=[c.name for c in feedback_cols])
            units = t.units.join(t.feedback, t.units.c.feedback_key == t.feedback.c.feedback_key)
            unit_cols = [t.units.c[name] for name in ("unit_id", "feedback_key", "idx", "speaker", "sentiment_score",
                                                      "effort_score", "pain_points", "theme_id")]
            unit_rows = select_in(conn, select(*unit_cols).select_from(units), t.feedback.c.customer_id, scope)
            us = pd.DataFrame([tuple(row) for row in unit_rows], columns=[c.name for c in unit_cols])
            values = compute_traits(fb, us, as_of=end)
            computed = [name for name, spec in TRAITS.items() if spec.compute is not None]
            changed = write_trait_values(conn, t.traits, t.trait_history, "customer_id", values, provenance,
                                         remove={cid: computed for cid in scope}, as_of=end)
        self.set_state("traits_as_of", None if end is None else end.isoformat())
        return changed

    def write_traits(self, values: TraitValues, provenance: Provenance) -> int:
        """Write trait values computed elsewhere (``{customer_id: {name: (value, n_units)}}``).

        Returns:
            How many values were added or changed.

        Raises:
            StoreError: A name is not a declared trait.
        """
        with self._write() as conn:
            return write_trait_values(conn, t.traits, t.trait_history, "customer_id", values, provenance,
                                      remove={})

    def forget_customer(self, customer_id: str) -> dict[str, int]:
        """Erase a customer's text and everything derived from it (see :mod:`enrich.store.erasure`).

        Returns:
            Rows deleted per table (``themes``: rewritten without the customer's quotes and units);
            all zeros for an unknown id.
        """
        with self._write() as conn:
            return forget_customer(conn, customer_id)

    # -- reading ---------------------------------------------------------------------------------------

    def runs_frame(self) -> pd.DataFrame:
        """Every run, oldest first: pipeline, models, start and end, and its summary (``status`` among it)."""
        return self._frame(t.runs, [t.runs.c.started_at, t.runs.c.run_id])

    def feedback_frame(self) -> pd.DataFrame:
        """All feedback, by key; ``created_at`` in UTC."""
        return self._frame(t.feedback, [t.feedback.c.feedback_key])

    def feedback_enrichments_frame(self) -> pd.DataFrame:
        """Feedback-level enrichments (rolled up from units), by key."""
        return self._frame(t.feedback_enrichments, [t.feedback_enrichments.c.feedback_key])

    def units_frame(self) -> pd.DataFrame:
        """All units, by feedback key then index."""
        return self._frame(t.units, [t.units.c.feedback_key, t.units.c.idx])

    def themes_frame(self) -> pd.DataFrame:
        """All themes, retired ones included, by id; ``centroid`` holds float32 bytes."""
        return self._frame(t.themes, [t.themes.c.theme_id])

    def theme_events_frame(self) -> pd.DataFrame:
        """Theme lineage events (``ThemeRegistry``), oldest first."""
        return self._frame(t.theme_events, [t.theme_events.c.id])

    def theme_groups_frame(self) -> pd.DataFrame:
        """The top level of the theme hierarchy from the last theme fit, by id."""
        return self._frame(t.theme_groups, [t.theme_groups.c.group_id])

    def record_theme_lineage(self, events: Sequence[Mapping[str, Any]], groups: Sequence[Mapping[str, Any]],
                             run_id: str) -> None:
        """Append theme lineage ``events`` and make ``groups`` the top-level themes, in one transaction.

        Re-running a run id replaces that run's events rather than duplicating them.
        """
        now = datetime.now(timezone.utc)
        event_rows = [{"run_id": run_id, "related": to_json_value(list(e.get("related") or [])),
                       "emerging": int(bool(e.get("emerging"))), "computed_at": now,
                       **{k: e.get(k) for k in ("event", "theme_id", "similarity", "size", "previous_size")}}
                      for e in events]
        group_rows = [{"group_id": int(g["group_id"]), "label": str(g["label"]), "size": int(g["size"]),
                       "key_phrases": to_json_value(list(g.get("key_phrases") or [])),
                       "children": to_json_value([int(c) for c in g.get("children") or []]),
                       "quotes": to_json_value(list(g.get("quotes") or [])), "run_id": run_id} for g in groups]
        with self._write() as conn:
            conn.execute(delete(t.theme_events).where(t.theme_events.c.run_id == run_id))
            if event_rows:
                conn.execute(t.theme_events.insert(), event_rows)
            conn.execute(delete(t.theme_groups))
            if group_rows:
                conn.execute(t.theme_groups.insert(), group_rows)

    def rejects_frame(self) -> pd.DataFrame:
        """All rejects, by file, line and reason."""
        return self._frame(t.rejects, [t.rejects.c.file, t.rejects.c.line, t.rejects.c.reason])

    def traits_frame(self) -> pd.DataFrame:
        """The traits table in long form (one row per customer and trait)."""
        return self._frame(t.traits, [t.traits.c.customer_id, t.traits.c.name])

    def trait_history_frame(self) -> pd.DataFrame:
        """Every trait change in the order it was written."""
        return self._frame(t.trait_history, [t.trait_history.c.id])

    def profiles_frame(self, nested_as_json: bool = True) -> pd.DataFrame:
        """One row per customer with a ``cx.*`` column per declared trait (see :func:`build_profiles_frame`)."""
        with self._engine.connect() as conn:
            customers = [row._asdict() for row in conn.execute(select(t.customers))]
            traits = [row._asdict() for row in conn.execute(select(t.traits))]
        return build_profiles_frame(customers, traits, nested_as_json=nested_as_json)

    def counts(self) -> dict[str, int]:
        """Rows per table, by table name."""
        with self._engine.connect() as conn:
            return {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                    for name, table in sorted(t.metadata.tables.items())}
