"""``enrich forget CUSTOMER_ID``: erase one customer's text and everything derived from it (privacy law).

Removed: the customer row; their feedback (text and chat turns), units, feedback enrichments, the run
checkpoints naming their feedback (an incomplete run's); the embedding
cache entries of their unit texts that no other customer's unit shares; their traits and trait history;
their alerts (which quote them). Kept consistent: each theme loses the customer's units from its size and
every quote taken from their feedback. Rejected rows of theirs carry no customer id and are matched by the
feedback ids of the customer's rows; corpus aggregates that name no one (runs, theme labels) stay.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Connection, delete, select, update

from enrich.store import profile_tables as pt
from enrich.store import tables as t
from enrich.store._sql import chunks, select_in, to_json_value

__all__ = ["forget_customer"]


def forget_customer(conn: Connection, customer_id: str) -> dict[str, int]:
    """Erase ``customer_id`` inside the caller's write transaction.

    Returns:
        Rows deleted (or, for ``themes``, rewritten) per table; all zeros for an unknown id.
    """
    from enrich.encoder import text_hash

    fb_rows = list(conn.execute(select(t.feedback.c.feedback_key, t.feedback.c.feedback_id)
                                .where(t.feedback.c.customer_id == customer_id)))
    keys = sorted(row.feedback_key for row in fb_rows)
    ids = sorted({row.feedback_id for row in fb_rows})
    units = select_in(conn, select(t.units.c.unit_id, t.units.c.text, t.units.c.theme_id, t.units.c.speaker),
                      t.units.c.feedback_key, keys)
    removed: dict[str, int] = {}

    # Embedding cache: the hashes of this customer's unit texts, minus those another unit still uses.
    hashes = {text_hash(row.text) for row in units}
    other_units = t.units.join(t.feedback, t.units.c.feedback_key == t.feedback.c.feedback_key, isouter=True)
    shared: set[str] = set()
    for row in conn.execute(select(t.units.c.text).select_from(other_units).where(
            (t.feedback.c.customer_id != customer_id) | t.feedback.c.customer_id.is_(None))):
        digest = text_hash(row.text)
        if digest in hashes:
            shared.add(digest)
    removed["embedding_cache"] = 0
    for chunk in chunks(sorted(hashes - shared)):
        removed["embedding_cache"] += conn.execute(
            delete(t.embedding_cache).where(t.embedding_cache.c.text_hash.in_(chunk))).rowcount

    removed["themes"] = _scrub_themes(conn, set(keys), units)
    for name, table in (("units", t.units), ("feedback_enrichments", t.feedback_enrichments),
                        ("run_checkpoints", t.run_checkpoints)):
        removed[name] = sum(conn.execute(delete(table).where(table.c.feedback_key.in_(chunk))).rowcount
                            for chunk in chunks(keys))
    removed["alerts"] = conn.execute(delete(pt.alerts).where(
        (pt.alerts.c.customer_id == customer_id) | pt.alerts.c.feedback_key.in_(keys))).rowcount
    removed["rejects"] = sum(conn.execute(delete(t.rejects).where(t.rejects.c.record_id.in_(chunk))).rowcount
                             for chunk in chunks(ids))
    for name, table in (("feedback", t.feedback), ("traits", t.traits), ("trait_history", t.trait_history),
                        ("customers", t.customers)):
        removed[name] = conn.execute(delete(table).where(table.c.customer_id == customer_id)).rowcount
    return removed


def _scrub_themes(conn: Connection, keys: set[str], units: list[Any]) -> int:
    """Drop the customer's quotes from every theme and their units from its size; returns themes rewritten."""
    if not keys:
        return 0
    unit_ids = {row.unit_id for row in units}
    texts = {row.text for row in units}
    per_theme = Counter(row.theme_id for row in units if row.theme_id is not None and row.speaker == "customer")
    rewritten = 0
    for theme in list(conn.execute(select(t.themes.c.theme_id, t.themes.c.quotes, t.themes.c.size))):
        quotes = [quote for quote in (theme.quotes or []) if not _is_theirs(quote, keys, unit_ids, texts)]
        size = max(0, int(theme.size) - per_theme.get(theme.theme_id, 0))
        if len(quotes) != len(theme.quotes or []) or size != theme.size:
            conn.execute(update(t.themes).where(t.themes.c.theme_id == theme.theme_id)
                         .values(quotes=to_json_value(quotes), size=size))
            rewritten += 1
    return rewritten


def _is_theirs(quote: Any, keys: set[str], unit_ids: set[str], texts: set[str]) -> bool:
    if isinstance(quote, dict):
        return (quote.get("feedback_key") in keys or quote.get("unit_id") in unit_ids
                or quote.get("text") in texts)
    return str(quote) in texts  # plain-string quotes: matched by text
