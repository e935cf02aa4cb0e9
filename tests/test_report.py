"""Tests for the self-contained HTML theme report (enrich.report)."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

import pytest

from enrich.report import Quote, ReportContext, ThemeSummary, render_theme_report, write_theme_report


def _context(**overrides: object) -> ReportContext:
    values: dict[str, object] = {
        "title": "Brightcart feedback themes",
        "run_id": "run-42",
        "generated_at": "2026-01-05T09:00:00Z",
        "pipeline": "default",
        "counts": {"read": 750, "enriched": 730, "rejected": 15, "units": 2300, "unthemed_units": 200},
        "model_notes": {"sentiment": "logreg head on MiniLM, held-out macro-F1 0.73 (airline tweets)"},
    }
    values.update(overrides)
    return ReportContext(**values)  # type: ignore[arg-type]


def _theme(theme_id: int = 1, label: str = "Late deliveries", size: int = 400, **overrides: object) -> ThemeSummary:
    values: dict[str, object] = {
        "theme_id": theme_id,
        "label": label,
        "key_phrases": ["late delivery", "tracking number"],
        "size": size,
        "share": size / 2300,
        "avg_sentiment": -0.62,
        "avg_effort": -2.4,
        "n_effort": min(130, size),
        "channels": {"review": 250, "chat": 150},
        "quotes": [
            Quote("Still waiting a week later.", "review", -0.81, "review:r1"),
            Quote("Forty minutes on chat and no answer.", "chat", -0.74, "chat:c7"),
            Quote("Courier left it in the rain.", "survey", -0.55, "survey:s3"),
        ],
        "top_pain_points": [("delivery delay", 96), ("tracking", 41)],
    }
    values.update(overrides)
    return ThemeSummary(**values)  # type: ignore[arg-type]


def _section(html: str, theme_id: int) -> str:
    match = re.search(rf'<section class="theme" id="theme-{theme_id}">(.*?)</section>', html, re.S)
    assert match, f"no section for theme {theme_id}"
    return match.group(1)


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_report_renders_theme_label_size_and_quotes() -> None:
    html = render_theme_report([_theme()], _context())
    section = _section(html, 1)
    assert "Late deliveries" in section
    assert "400" in section and "17.4%" in section
    assert section.count("<blockquote") == 3
    assert "Forty minutes on chat and no answer." in section
    assert "delivery delay" in section and "late delivery" in section
    assert "Brightcart feedback themes" in html and "run-42" in html


def test_report_orders_theme_sections_by_size_desc_then_id() -> None:
    themes = [_theme(1, "small", 10), _theme(2, "big", 900), _theme(3, "tie-b", 50), _theme(0, "tie-a", 50)]
    html = render_theme_report(themes, _context())
    order = [int(m) for m in re.findall(r'<section class="theme" id="theme-(\d+)">', html)]
    assert order == [2, 0, 3, 1]


def test_report_shows_at_most_three_quotes() -> None:
    quotes = [Quote(f"quote number {i}", "review", 0.1, f"review:r{i}") for i in range(5)]
    section = _section(render_theme_report([_theme(quotes=quotes)], _context()), 1)
    assert section.count("<blockquote") == 3
    assert "quote number 3" not in section


def test_report_escapes_script_in_customer_quote() -> None:
    evil = Quote('I paid <script>alert("pwned")</script> & "got" nothing', "chat", -0.9, "chat:<b>x</b>")
    html = render_theme_report([_theme(label="<img src=x onerror=alert(1)>", quotes=[evil])], _context())
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &quot;got&quot; nothing" in html
    assert "<img" not in html and "<b>x</b>" not in html
    tags = _TagCollector()
    tags.feed(html)
    assert {tag for tag, _ in tags.tags}.isdisjoint({"script", "img", "b"})


def test_report_escapes_context_fields_and_model_notes() -> None:
    context = _context(title="<h1>x</h1>", run_id="r<1>", model_notes={"<m>": "<i>note</i>"})
    html = render_theme_report([_theme()], context)
    for raw in ("<h1>x</h1>", "r<1>", "<m>", "<i>note</i>"):
        assert raw not in html


def test_report_is_self_contained() -> None:
    html = render_theme_report([_theme(1), _theme(2, "Refunds", 300, avg_sentiment=None)], _context())
    assert "http://" not in html and "https://" not in html
    assert "<link" not in html.lower() and "<script" not in html.lower()
    assert "@import" not in html and "url(http" not in html
    tags = _TagCollector()
    tags.feed(html)
    for tag, attrs in tags.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith("#"), f"<{tag} {name}={value!r}> points outside the page"
    assert any(tag == "svg" for tag, _ in tags.tags), "overview chart should be inline SVG"


def test_report_customer_url_in_quote_stays_text() -> None:
    quote = Quote("see https://evil.example/x.js for proof", "review", -0.2, "review:r9")
    html = render_theme_report([_theme(quotes=[quote])], _context())
    tags = _TagCollector()
    tags.feed(html)
    assert all("evil.example" not in (value or "") for _, attrs in tags.tags for value in attrs.values())
    assert "see https://evil.example/x.js for proof" in html


@pytest.mark.parametrize("missing", [None, math.nan])
def test_report_missing_averages_render_as_na(missing: float | None) -> None:
    theme = _theme(avg_sentiment=missing, avg_effort=missing, n_effort=0)
    section = _section(render_theme_report([theme], _context()), 1)
    stats = re.search(r'<dl class="stats">(.*?)</dl>', section, re.S)
    assert stats is not None
    assert stats.group(1).count("n/a") == 2
    assert "n=0" in stats.group(1)
    assert not re.search(r"\bnan\b", section, re.I)


def test_report_effort_shows_sign_and_count() -> None:
    section = _section(render_theme_report([_theme(avg_effort=-2.44, n_effort=130)], _context()), 1)
    assert "-2.4" in section and "n=130" in section


def test_report_is_deterministic() -> None:
    themes = [_theme(1), _theme(2, "Refunds", 300, channels={"survey": 1, "chat": 2, "review": 3, "app": 4})]
    first = render_theme_report(themes, _context())
    again = render_theme_report(list(reversed(themes)), _context())
    reordered_counts = _context(counts=dict(reversed(list(_context().counts.items()))))
    assert first == render_theme_report(themes, _context())
    assert first == again
    assert first == render_theme_report(themes, reordered_counts)


def test_report_zero_themes_renders_helpful_page() -> None:
    html = render_theme_report([], _context())
    assert "No themes found" in html
    assert "2,300" in html  # tells the analyst how many units the run had
    assert '<section class="theme"' not in html
    assert "<svg" not in html
    assert html.rstrip().endswith("</html>")


def test_report_unthemed_note_gives_count_and_share() -> None:
    html = render_theme_report([_theme()], _context())
    note = re.search(r'<aside class="note" id="unthemed">(.*?)</aside>', html, re.S)
    assert note is not None
    assert "200 of 2,300 units (8.7%)" in note.group(1)


def test_report_footer_explains_scales_and_model_notes() -> None:
    html = render_theme_report([_theme()], _context())
    footer = html[html.index('<footer class="site-footer">') :]
    assert "[-1, 1]" in footer and "-5..+5" in footer and "null" in footer
    assert "held-out macro-F1 0.73" in footer


def test_report_rejects_out_of_range_values() -> None:
    with pytest.raises(ValueError, match=r"share must be in \[0, 1\].*1.5"):
        _theme(share=1.5)
    with pytest.raises(ValueError, match="avg_effort"):
        _theme(avg_effort=-7.0)
    with pytest.raises(ValueError, match="n_effort"):
        _theme(size=10, n_effort=11)
    with pytest.raises(ValueError, match="sentiment_score"):
        Quote("x", "review", 2.0, "review:r1")


def test_report_rejects_duplicate_theme_ids() -> None:
    with pytest.raises(ValueError, match=r"duplicated: \[1\]"):
        render_theme_report([_theme(1), _theme(1, "other")], _context())


def test_report_write_creates_parent_folders(tmp_path) -> None:
    target = tmp_path / "out" / "themes.html"
    written = write_theme_report([_theme()], _context(), target)
    assert written == target
    assert target.read_text(encoding="utf-8") == render_theme_report([_theme()], _context())
    assert [p.name for p in target.parent.iterdir()] == ["themes.html"]  # no temp file left behind


def test_report_top_level_table_aggregates_each_group_and_links_its_themes() -> None:
    themes = [
        _theme(1, "Late deliveries", 300, group="delivery", avg_sentiment=-0.6, avg_effort=-2.0, n_effort=100),
        _theme(2, "Lost parcels", 100, group="delivery", avg_sentiment=-0.2, avg_effort=None, n_effort=0),
        _theme(3, "Friendly staff", 200, group="service", avg_sentiment=0.8, avg_effort=2.0, n_effort=50),
    ]
    html = render_theme_report(themes, _context())
    table = re.search(r'<table class="top-level">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr><td>(.*?)</tr>", table, re.S)
    assert [row.split("<")[0] for row in rows] == ["delivery", "service"]  # by units, largest first
    delivery = rows[0]
    assert ">400<" in delivery and "17.4%" in delivery  # 300 + 100 units; share (300 + 100) / 2300
    assert "-0.50" in delivery  # sentiment weighted by units: (-0.6 * 300 - 0.2 * 100) / 400
    assert "-2.0 <small>n=100</small>" in delivery  # effort weighted by n; the theme without effort drops out
    assert re.findall(r'href="#theme-(\d+)"', delivery) == ["1", "2"]
    assert html.index('id="top-level"') < html.index('<figure class="chart">')  # the coarse level comes first


def test_report_without_groups_has_no_top_level_table() -> None:
    assert 'class="top-level"' not in render_theme_report([_theme()], _context())
