"""Readers: records from valid rows, a reject with the right reason and line for every bad row."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from enrich.errors import ConfigError, InputError
from enrich.readers import (
    READERS,
    read_chats,
    read_customers,
    read_reviews,
    read_source,
    read_surveys,
    rejects_to_frame,
)
from enrich.readers.base import read_records
from enrich.readers.rows import iter_rows
from enrich.schema import MAX_TEXT_CHARS, Customer, Feedback, Turn

UTC = timezone.utc
REVIEW_HEADER = b"review_id,customer_id,product,stars,created_at,text\n"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _reasons(result) -> dict[int, str]:
    return {reject.line: reject.reason for reject in result.rejects}


@pytest.fixture
def reviews_csv(tmp_path: Path) -> Path:
    long_text = "x" * (MAX_TEXT_CHARS + 1)
    rows = [
        b"r1,C1,App,5,2026-01-05,Great app.",  # 1 valid
        b"r2,,App,4,2026-01-05,No customer",  # 2 missing customer id
        b",C3,App,4,2026-01-05,No review id",  # 3 missing record id
        b"r4,C4,App,3,14/31/2026,Bad date",  # 4 bad date
        b"r5,C5,App,6,2026-01-06,Six stars",  # 5 stars out of range
        b'r6,C6,App,2,2026-01-06,"   "',  # 6 whitespace text
        b"r7,C7,App,2,2026-01-06," + long_text.encode(),  # 7 too long
        b"r1,C8,App,1,2026-01-07,Second r1",  # 8 duplicate of line 1
        b"r9,C9,App,1,2026-01-07,caf\xe9 au lait",  # 9 invalid UTF-8
        b"r10,C10,App,1,2026-01-07,too,many",  # 10 extra field
        b'r11,C11,,,2026-01-08T09:30:00Z,"  Fine, thanks.  "',  # 11 valid, no product or stars
    ]
    return _write(tmp_path / "reviews.csv", REVIEW_HEADER + b"\n".join(rows) + b"\n")


def test_readers_reviews_every_reason_on_its_line(reviews_csv: Path) -> None:
    result = read_reviews(reviews_csv)
    assert result.rows_read == 11
    assert _reasons(result) == {
        2: "missing_id",
        3: "missing_id",
        4: "bad_date",
        5: "bad_value",
        6: "empty_text",
        7: "text_too_long",
        8: "duplicate_id",
        9: "bad_encoding",
        10: "malformed_row",
    }
    by_line = {reject.line: reject for reject in result.rejects}
    assert by_line[4].detail == "created_at '14/31/2026' is not an ISO date or datetime"
    assert by_line[4].record_id == "r4"
    assert "stars 6" in by_line[5].detail and "1-5" in by_line[5].detail
    assert "line 1" in by_line[8].detail and by_line[8].record_id == "r1"
    assert "'text'" in by_line[9].detail and "\\xe9" in by_line[9].detail
    assert f"{MAX_TEXT_CHARS + 1:,}" in by_line[7].detail
    assert all(r.source == "reviews" and r.file == "reviews.csv" for r in result.rejects)
    assert [r.feedback_id for r in result.records] == ["r1", "r11"]


def test_readers_reviews_valid_rows_become_feedback(reviews_csv: Path) -> None:
    first, last = read_reviews(reviews_csv).records
    assert first == Feedback(
        feedback_id="r1",
        channel="review",
        customer_id="C1",
        created_at=datetime(2026, 1, 5, tzinfo=UTC),
        text="Great app.",
        rating=5.0,
        product="App",
        source_file="reviews.csv",
    )
    assert last.created_at == datetime(2026, 1, 8, 9, 30, tzinfo=UTC)
    assert last.created_at.tzinfo is not None
    assert last.text == "Fine, thanks."
    assert last.rating is None and last.product is None


def test_readers_bad_encoding_row_keeps_neighbours(tmp_path: Path) -> None:
    data = REVIEW_HEADER + (
        b"r1,C1,App,5,2026-01-05,Before the bad row \xe2\x9c\x93\n"
        b"r2,C2,App,4,2026-01-05,Bad \xff\xfe bytes\n"
        b'r3,C3,App,3,2026-01-05,"After the bad row, caf\xc3\xa9"\n'
    )
    result = read_reviews(_write(tmp_path / "reviews.csv", data))
    assert [r.feedback_id for r in result.records] == ["r1", "r3"]
    assert result.records[0].text == "Before the bad row \u2713"
    assert result.records[1].text == "After the bad row, caf\u00e9"
    assert [(r.line, r.reason, r.record_id) for r in result.rejects] == [(2, "bad_encoding", "r2")]


def test_readers_csv_field_over_default_csv_limit_is_text_too_long(tmp_path: Path) -> None:
    huge = "y" * 200_000  # the csv module refuses fields over 128 KiB unless told otherwise
    data = REVIEW_HEADER + f"r1,C1,App,5,2026-01-05,{huge}\nr2,C2,App,5,2026-01-05,ok\n".encode()
    result = read_reviews(_write(tmp_path / "reviews.csv", data))
    assert [(r.line, r.reason) for r in result.rejects] == [(1, "text_too_long")]
    assert [r.feedback_id for r in result.records] == ["r2"]
    assert csv.field_size_limit() == 131072  # the process-wide limit is restored


def _chat(cid: str | None, turns: list[dict], started_at: str | None = "2026-02-01T10:00:00Z") -> bytes:
    row = {"customer_id": "C1", "started_at": started_at, "topic": "billing", "turns": turns}
    if cid is not None:
        row["conversation_id"] = cid
    return json.dumps(row).encode()


CUSTOMER_TURN = {"speaker": "customer", "text": "I was charged twice.", "at": "2026-02-01T10:00:05Z"}
AGENT_TURN = {"speaker": "agent", "text": "Let me check.", "at": "2026-02-01T10:00:30Z"}
TRANSFER = {"speaker": "system", "text": "Chat transferred to Billing team", "at": "2026-02-01T10:01:00Z"}


@pytest.fixture
def chats_jsonl(tmp_path: Path) -> Path:
    lines = [
        _chat("c1", [CUSTOMER_TURN, AGENT_TURN, TRANSFER, {"speaker": "customer", "text": "Still waiting."}]),
        b'{"conversation_id": "c2", oops',  # 2 not JSON
        _chat("c3", [AGENT_TURN, TRANSFER]),  # 3 no customer turn
        _chat(None, [CUSTOMER_TURN]),  # 4 no conversation id
        b"",  # 5 blank line, skipped but counted
        _chat("c6", [CUSTOMER_TURN], started_at=None),  # 6 valid, created_at from first turn
        _chat("c7", [{"speaker": "bot", "text": "hi"}, CUSTOMER_TURN]),  # 7 unknown speaker
        _chat("c8", [{"speaker": "customer", "text": "hi", "at": "yesterday"}]),  # 8 bad turn time
        b'{"conversation_id": "c9", "text": "caf\xe9"}',  # 9 invalid UTF-8
        _chat("c1", [CUSTOMER_TURN]),  # 10 duplicate
        b"[1, 2]",  # 11 JSON but not an object
    ]
    return _write(tmp_path / "chats.jsonl", b"\n".join(lines) + b"\n")


def test_readers_chats_every_reason_on_its_line(chats_jsonl: Path) -> None:
    result = read_chats(chats_jsonl)
    assert result.rows_read == 10  # the blank line is not a row
    assert _reasons(result) == {
        2: "malformed_row",
        3: "empty_text",
        4: "missing_id",
        7: "bad_value",
        8: "bad_date",
        9: "bad_encoding",
        10: "duplicate_id",
        11: "malformed_row",
    }
    by_line = {reject.line: reject for reject in result.rejects}
    assert by_line[3].detail == "no customer turn has text (1 agent, 1 system)"
    assert by_line[4].detail == "conversation_id is missing"
    assert "'bot'" in by_line[7].detail
    assert by_line[8].detail == "turns[0].at 'yesterday' is not an ISO date or datetime"
    assert [r.feedback_id for r in result.records] == ["c1", "c6"]


def test_readers_chats_keep_all_turns_and_join_customer_text(chats_jsonl: Path) -> None:
    first, second = read_chats(chats_jsonl).records
    assert first.channel == "chat" and first.source_file == "chats.jsonl"
    assert first.text == "I was charged twice.\nStill waiting."
    assert [t.speaker for t in first.turns] == ["customer", "agent", "system", "customer"]
    assert first.turns[2] == Turn(
        speaker="system", text="Chat transferred to Billing team", at=datetime(2026, 2, 1, 10, 1, tzinfo=UTC)
    )
    assert first.turns[3].at is None
    assert first.created_at == datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    assert second.created_at == datetime(2026, 2, 1, 10, 0, 5, tzinfo=UTC)  # no started_at: first turn time


def test_readers_chat_without_any_customer_text_is_empty_text(tmp_path: Path) -> None:
    blank = {"speaker": "customer", "text": "   ", "at": "2026-02-01T10:00:05Z"}
    path = _write(tmp_path / "chats.jsonl", _chat("c1", [blank, AGENT_TURN]) + b"\n")
    assert [r.reason for r in read_chats(path).rejects] == ["empty_text"]


@pytest.fixture
def surveys_csv(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "surveys.csv",
        b"response_id,customer_id,submitted_at,nps,comment\n"
        b"s1,C1,2026-03-01,9,\n"  # 1 valid, no comment
        b"s2,C2,2026-03-01,11,Too high\n"  # 2 out of range
        b"s3,C3,2026-03-01,ten,Not a number\n"  # 3 not an integer
        b"s4,C4,yesterday,7,Bad date\n"  # 4 bad date
        b"s5,C5,2026-03-02T08:00:00Z,3,Checkout keeps failing.\n"  # 5 valid
        b"s6,C6,2026-03-02,,\n"  # 6 nothing at all
        b"s7,C7,2026-03-02,,Only a comment\n",  # 7 valid, no score
    )


def test_readers_surveys_nps_validation_and_blank_comment(surveys_csv: Path) -> None:
    result = read_surveys(surveys_csv)
    assert _reasons(result) == {2: "bad_value", 3: "bad_value", 4: "bad_date", 6: "empty_text"}
    by_line = {reject.line: reject for reject in result.rejects}
    assert by_line[2].detail == "nps 11 is out of range 0-10"
    assert by_line[3].detail == "nps 'ten' is not an integer 0-10"
    assert by_line[4].detail == "submitted_at 'yesterday' is not an ISO date or datetime"
    blank, scored, comment_only = result.records
    assert (blank.feedback_id, blank.nps, blank.text, blank.channel) == ("s1", 9, "", "survey")
    assert type(scored.nps) is int and scored.text == "Checkout keeps failing."
    assert comment_only.nps is None and comment_only.text == "Only a comment"


def test_readers_customers_records_and_rejects(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "customers.csv",
        b"customer_id,name,value_tier,country,signup_date,account_id\n"
        b"C1,Ada Lovelace,High,UK,2024-03-01,A1\n"
        b",No Id,low,US,2024-03-01,A2\n"
        b"C3,Bad Date,low,US,03/01/2024,A3\n"
        b"C4,Bad Tier,gold,US,2024-03-01,A4\n"
        b"C1,Again,low,US,2024-03-01,A1\n"
        b"C6,,,,,\n",
    )
    result = read_customers(path)
    assert _reasons(result) == {2: "missing_id", 3: "bad_date", 4: "bad_value", 5: "duplicate_id"}
    assert {r.source for r in result.rejects} == {"customers"}
    assert result.records == [
        Customer(customer_id="C1", name="Ada Lovelace", value_tier="high", country="UK",
                 signup_date=date(2024, 3, 1), account_id="A1"),
        Customer(customer_id="C6"),
    ]


def test_readers_column_mapping_renames_text_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "reviews.csv", b"id,who,when,body\nr1,C1,2026-01-05,Nice.\n")
    result = read_reviews(path, columns={"feedback_id": "id", "customer_id": "who", "created_at": "when",
                                         "text": "body"})
    assert [(r.feedback_id, r.customer_id, r.text) for r in result.records] == [("r1", "C1", "Nice.")]
    assert result.records[0].rating is None  # optional stars column absent: no rating, no error


def test_readers_unknown_mapping_field_names_valid_fields(tmp_path: Path) -> None:
    path = _write(tmp_path / "reviews.csv", REVIEW_HEADER)
    with pytest.raises(ConfigError, match="'body'.*valid fields: feedback_id, customer_id, product, rating"):
        read_reviews(path, columns={"body": "text"})
    with pytest.raises(ConfigError, match="default column of field 'rating'"):
        read_reviews(path, columns={"stars": "score"})


def test_readers_missing_required_column_raises_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "reviews.csv", b"review_id,customer_id,created_at,body\nr1,C1,2026-01-05,x\n")
    with pytest.raises(InputError, match=r"lacks required column\(s\) 'text'.*'body'") as info:
        read_reviews(path)
    assert "reviews.csv" in str(info.value)
    jsonl = _write(tmp_path / "chats.jsonl", b'{"conversation_id": "c1", "turns": []}\n')
    with pytest.raises(InputError, match="'customer_id'"):
        read_chats(jsonl)
    with pytest.raises(InputError, match="does not exist"):
        read_reviews(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="'product_name'"):  # a mapped optional column must exist
        read_reviews(_write(tmp_path / "r2.csv", REVIEW_HEADER), columns={"product": "product_name"})


VALID_REVIEWS = [
    {"review_id": "r1", "customer_id": "C1", "product": "App", "stars": 5, "created_at": "2026-01-05",
     "text": "Great app."},
    {"review_id": "r2", "customer_id": "C2", "product": "Web", "stars": 2, "created_at": "2026-01-06T12:00:00Z",
     "text": "Checkout, then \"error\".\nTwice."},
    {"review_id": "r3", "customer_id": "C3", "product": None, "stars": None, "created_at": "2026-01-07",
     "text": "No stars."},
]


def _write_all_formats(tmp_path: Path, rows: list[dict], stem: str) -> dict[str, Path]:
    paths = {fmt: tmp_path / f"{stem}.{fmt}" for fmt in ("csv", "jsonl", "parquet")}
    with paths["csv"].open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: json.dumps(v) if isinstance(v, list) else v for k, v in row.items()})
    paths["jsonl"].write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    pd.DataFrame(rows).to_parquet(paths["parquet"], index=False)
    return paths


def test_readers_csv_jsonl_parquet_give_same_records(tmp_path: Path) -> None:
    paths = _write_all_formats(tmp_path, VALID_REVIEWS, "reviews")
    results = {fmt: read_reviews(path) for fmt, path in paths.items()}
    assert all(not r.rejects for r in results.values())
    strip = [r.model_copy(update={"source_file": ""}) for r in results["csv"].records]
    for fmt in ("jsonl", "parquet"):
        assert [r.model_copy(update={"source_file": ""}) for r in results[fmt].records] == strip
    assert len(strip) == 3 and strip[0].rating == 5.0


def test_readers_chats_from_csv_jsonl_parquet_agree(tmp_path: Path) -> None:
    rows = [{"conversation_id": "c1", "customer_id": "C1", "started_at": "2026-02-01T10:00:00Z",
             "turns": [CUSTOMER_TURN, AGENT_TURN, TRANSFER]}]
    paths = _write_all_formats(tmp_path, rows, "chats")
    records = [read_chats(path).records[0].model_copy(update={"source_file": ""}) for path in paths.values()]
    assert records[0] == records[1] == records[2]
    assert len(records[0].turns) == 3


def test_readers_parquet_native_types(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "response_id": ["s1", "s2"],
        "customer_id": ["C1", "C2"],
        "submitted_at": pd.to_datetime(["2026-03-01 10:00", "2026-03-02 11:00"], utc=True),
        "nps": pd.array([9, 12], dtype="Int64"),
        "comment": ["Good", None],
    })
    path = tmp_path / "surveys.parquet"
    frame.to_parquet(path, index=False)
    result = read_surveys(path)
    assert [(r.feedback_id, r.nps, r.created_at) for r in result.records] == [
        ("s1", 9, datetime(2026, 3, 1, 10, tzinfo=UTC))
    ]
    assert [(r.line, r.reason, r.detail) for r in result.rejects] == [(2, "bad_value", "nps 12 is out of range 0-10")]


def test_readers_explicit_format_overrides_suffix(tmp_path: Path) -> None:
    path = _write(tmp_path / "reviews.txt", json.dumps(VALID_REVIEWS[0]).encode() + b"\n")
    with pytest.raises(InputError, match="suffix '.txt'"):
        read_reviews(path)
    assert [r.feedback_id for r in read_reviews(path, fmt="jsonl").records] == ["r1"]


def test_readers_validation_error_becomes_bad_value(tmp_path: Path) -> None:
    path = _write(tmp_path / "customers.csv", b"customer_id,value_tier\nC1,gold\nC2,low\n")

    def build_without_checks(row, columns, source_file):
        return Customer(customer_id=row["customer_id"], value_tier=row["value_tier"])

    result = read_records("customers", path, build_without_checks, id_field="customer_id")
    assert [r.customer_id for r in result.records] == ["C2"]
    (reject,) = result.rejects
    assert (reject.line, reject.reason, reject.record_id) == (1, "bad_value", "C1")
    assert reject.detail.startswith("value_tier: Input should be 'low', 'medium' or 'high'")


def test_readers_read_source_dispatches_and_names_valid_kinds(reviews_csv: Path) -> None:
    assert set(READERS) == {"reviews", "chats", "surveys"}
    assert len(read_source("reviews", reviews_csv).records) == 2
    with pytest.raises(ConfigError, match="'tweets'; valid kinds: reviews, chats, surveys"):
        read_source("tweets", reviews_csv)


def test_readers_rejects_to_frame_columns(reviews_csv: Path) -> None:
    frame = rejects_to_frame(read_reviews(reviews_csv).rejects)
    assert list(frame.columns) == ["source", "file", "line", "record_id", "reason", "detail"]
    assert frame.loc[frame["reason"] == "bad_date", "line"].tolist() == [4]
    assert list(rejects_to_frame([]).columns) == list(frame.columns)


def test_readers_iter_rows_numbers_lines_per_format(tmp_path: Path) -> None:
    csv_path = _write(tmp_path / "a.csv", b"id,text\n1,\"multi\nline\"\n\n2,b\n")
    assert [(line, row) for line, row, _ in iter_rows(csv_path)] == [
        (1, {"id": "1", "text": "multi\nline"}), (2, {"id": "2", "text": "b"})
    ]
    stray_quote = _write(tmp_path / "b.csv", b'id,text\n1,a\n2,"ab"c"\n3,c\n')
    assert [(line, row is None, (problem or "")[:13]) for line, row, problem in iter_rows(stray_quote)] == [
        (1, False, ""), (2, True, "malformed_row"), (3, False, "")
    ]
    jsonl_path = _write(tmp_path / "a.jsonl", b'{"id": 1}\n\n{"id": 2}\n')
    assert [line for line, _, _ in iter_rows(jsonl_path)] == [1, 3]
