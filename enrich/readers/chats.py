"""Support chats: one conversation per row, ``conversation_id,customer_id,started_at,turns`` by default.

``turns`` is a list of ``{"speaker": "customer" | "agent" | "system", "text": str, "at": ISO datetime}``; in a CSV
file it is a JSON string. Every turn is kept (agent and system turns are context, e.g. a transfer is a system turn);
``Feedback.text`` is the customer turns' texts joined by newlines.

Example:
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "chats.jsonl"
    >>> _ = path.write_text(json.dumps({"conversation_id": "c1", "customer_id": "C1",
    ...     "started_at": "2026-01-05T10:00:00Z", "turns": [
    ...         {"speaker": "customer", "text": "My card was charged twice.", "at": "2026-01-05T10:00:00Z"},
    ...         {"speaker": "agent", "text": "Sorry, refunding now.", "at": "2026-01-05T10:01:00Z"}]}) + "\\n")
    >>> record = read_chats(path).records[0]
    >>> record.text, len(record.turns)
    ('My card was charged twice.', 2)
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, get_args

from enrich.readers.base import Row, read_records
from enrich.readers.fields import RowRejected, check_text_length, is_blank, parse_datetime, require_id
from enrich.readers.rows import RowFormat
from enrich.schema import Feedback, ReadResult, Speaker, Turn

SPEAKERS: tuple[str, ...] = get_args(Speaker)


def _load_turns(value: Any, column: str) -> list[Mapping[str, Any]]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise RowRejected("bad_value", f"{column} is not a JSON list of turns ({exc.msg})") from None
    if is_blank(value):
        return []
    if not isinstance(value, list):
        raise RowRejected("bad_value", f"{column} is a {type(value).__name__}, expected a list of turns")
    for index, turn in enumerate(value):
        if not isinstance(turn, Mapping):
            raise RowRejected("bad_value", f"{column}[{index}] is a {type(turn).__name__}, expected an object")
    return value


def _turn_times(turns: list[Mapping[str, Any]], column: str) -> list[datetime | None]:
    return [
        None if is_blank(turn.get("at")) else parse_datetime(turn.get("at"), f"{column}[{index}].at")
        for index, turn in enumerate(turns)
    ]


def _make_turn(turn: Mapping[str, Any], at: datetime | None, where: str) -> Turn:
    speaker = turn.get("speaker")
    speaker = speaker.strip().lower() if isinstance(speaker, str) else speaker
    if speaker not in SPEAKERS:
        raise RowRejected("bad_value", f"{where}.speaker {speaker!r} is not one of {', '.join(SPEAKERS)}")
    text = turn.get("text")
    if is_blank(text):
        text = ""
    if not isinstance(text, str):
        raise RowRejected("bad_value", f"{where}.text is a {type(text).__name__}, expected a string")
    return Turn(speaker=speaker, text=text, at=at)


def _build_chat(row: Row, columns: Mapping[str, str], source_file: str) -> Feedback:
    feedback_id = require_id(row.get(columns["feedback_id"]), columns["feedback_id"])
    customer_id = require_id(row.get(columns["customer_id"]), columns["customer_id"])
    started = row.get(columns["created_at"])
    started_at = None if is_blank(started) else parse_datetime(started, columns["created_at"])
    raw_turns = _load_turns(row.get(columns["turns"]), columns["turns"])
    times = _turn_times(raw_turns, columns["turns"])
    created_at = started_at or next((at for at in times if at is not None), None)
    if created_at is None:
        raise RowRejected("bad_date", f"{columns['created_at']} is missing and no turn has an 'at' time")
    turns = tuple(
        _make_turn(turn, at, f"{columns['turns']}[{index}]")
        for index, (turn, at) in enumerate(zip(raw_turns, times))
    )
    customer_texts = [t.text.strip() for t in turns if t.speaker == "customer" and t.text.strip()]
    if not customer_texts:
        speakers = Counter(t.speaker for t in turns)
        seen = ", ".join(f"{n} {s}" for s, n in speakers.items()) or "no turns at all"
        raise RowRejected("empty_text", f"no customer turn has text ({seen})")
    text = check_text_length("\n".join(customer_texts), "customer text")
    return Feedback(
        feedback_id=feedback_id,
        channel="chat",
        customer_id=customer_id,
        created_at=created_at,
        text=text,
        turns=turns,
        source_file=source_file,
    )


def read_chats(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    fmt: RowFormat | None = None,
    source: str = "chats",
) -> ReadResult:
    """Read a chats file into ``Feedback`` records with channel ``"chat"``.

    Args:
        path: JSONL (usual), CSV (``turns`` as a JSON string) or Parquet (``turns`` a list of structs).
        columns: Record field -> input column (fields: feedback_id, customer_id, created_at, turns).
            Turn keys (speaker, text, at) are fixed.
        fmt: ``"csv"``, ``"jsonl"`` or ``"parquet"``; ``None`` picks it from the suffix.
        source: Name carried by the rejects.

    Returns:
        Records whose ``turns`` hold every turn and whose ``text`` joins the non-blank customer turns with
        ``"\\n"``; ``created_at`` is ``started_at``, else the first turn time. Rejects; rows read.

    Raises:
        ConfigError: ``columns`` names an unknown field.
        InputError: The file is missing or lacks a required column.
    """
    return read_records("chats", path, _build_chat, id_field="feedback_id", columns=columns, fmt=fmt, source=source)
