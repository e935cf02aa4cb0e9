"""Theme report: one self-contained HTML page (inline CSS and SVG, no JavaScript, no network) for analysts.

The report takes plain data (:class:`ThemeSummary` per theme plus a :class:`ReportContext` for the run) and
returns a string; it never reads the clock, the store or the environment, so the same inputs always give
byte-identical output. All text is HTML-escaped: quotes are verbatim customer text and may contain markup.

Example:
    >>> ctx = ReportContext(title="Demo themes", run_id="run-1", generated_at="2026-01-05T09:00:00Z",
    ...                     pipeline="reviews", counts={"units": 10, "unthemed_units": 2}, model_notes={})
    >>> theme = ThemeSummary(theme_id=0, label="late delivery", key_phrases=["late delivery"], size=8,
    ...                      share=0.8, avg_sentiment=-0.6, avg_effort=None, n_effort=0,
    ...                      channels={"review": 8}, quotes=[], top_pain_points=[])
    >>> "late delivery" in render_theme_report([theme], ctx)
    True
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from enrich import __version__
from enrich.report._charts import (
    channel_color,
    channel_mix_svg,
    is_missing,
    ordered_channels,
    overview_chart_svg,
    sentiment_color,
)
from enrich.report._style import REPORT_CSS

if TYPE_CHECKING:
    from enrich.schema import Channel

MAX_QUOTES = 3
"""Quotes shown per theme; extra quotes in :attr:`ThemeSummary.quotes` are ignored."""
MAX_KEY_PHRASES = 12
MAX_PAIN_POINTS = 8
_COUNT_ORDER = ("read", "enriched", "rejected", "units", "unthemed_units", "customers")


def _check_range(owner: str, name: str, value: float | None, low: float, high: float) -> None:
    if is_missing(value):
        return
    if not low - 1e-9 <= float(value) <= high + 1e-9:  # type: ignore[arg-type]
        raise ValueError(f"{owner}.{name} must be in [{low:g}, {high:g}] or None; got {value!r}")


@dataclass(frozen=True)
class Quote:
    """One verbatim customer quote shown under a theme.

    Attributes:
        text: The unit's text exactly as the customer wrote it (escaped on render).
        channel: ``"review"``, ``"chat"`` or ``"survey"``.
        sentiment_score: float in [-1, 1], or None when the unit was not scored.
        feedback_key: Store-wide key of the source feedback, e.g. ``"review:r1"``.

    Example:
        >>> Quote(text="Took 3 calls to get a refund.", channel="chat", sentiment_score=-0.7,
        ...       feedback_key="chat:c42").channel
        'chat'
    """

    text: str
    channel: Channel
    sentiment_score: float | None
    feedback_key: str

    def __post_init__(self) -> None:
        _check_range(f"Quote({self.feedback_key!r})", "sentiment_score", self.sentiment_score, -1.0, 1.0)


@dataclass(frozen=True)
class ThemeSummary:
    """Everything the report shows about one theme. Plain data; built by the themes step.

    Attributes:
        theme_id: Stable id from the ThemeRegistry.
        label: Short readable name.
        key_phrases: Key phrases, most characteristic first (at most 12 are shown).
        size: Number of units in the theme (>= 0).
        share: ``size / all units`` (unthemed units included), float in [0, 1].
        avg_sentiment: Mean unit sentiment score in [-1, 1], or None/NaN when no unit was scored.
        avg_effort: Mean effort score in [-5, 5] over units with an effort score, or None/NaN.
        n_effort: Units with an effort score (0 <= n_effort <= size).
        channels: Units per channel, e.g. ``{"review": 120, "chat": 30}``.
        quotes: Representative quotes, best first (at most 3 are shown).
        top_pain_points: ``(pain point, count)`` pairs, most frequent first (at most 8 are shown).

    Raises:
        ValueError: If a number is outside its documented range.

    Example:
        >>> ThemeSummary(theme_id=3, label="refund delays", key_phrases=["refund"], size=40, share=0.1,
        ...              avg_sentiment=-0.5, avg_effort=-2.0, n_effort=12, channels={"chat": 40},
        ...              quotes=[], top_pain_points=[("refund", 9)]).share
        0.1
    """

    theme_id: int
    label: str
    key_phrases: list[str]
    size: int
    share: float
    avg_sentiment: float | None
    avg_effort: float | None
    n_effort: int
    channels: dict[str, int]
    quotes: list[Quote]
    top_pain_points: list[tuple[str, int]]
    group: str | None = None  # label of the top-level theme this one belongs to
    emerging: bool = False  # new on a refit over known themes

    def __post_init__(self) -> None:
        owner = f"ThemeSummary(theme_id={self.theme_id})"
        if self.size < 0:
            raise ValueError(f"{owner}.size must be >= 0; got {self.size}")
        if not 0 <= self.n_effort <= self.size:
            raise ValueError(f"{owner}.n_effort must be in [0, size={self.size}]; got {self.n_effort}")
        _check_range(owner, "share", self.share, 0.0, 1.0)
        _check_range(owner, "avg_sentiment", self.avg_sentiment, -1.0, 1.0)
        _check_range(owner, "avg_effort", self.avg_effort, -5.0, 5.0)


@dataclass(frozen=True)
class ReportContext:
    """Run-level facts printed in the report header and footer.

    Attributes:
        title: Page title, e.g. ``"Brightcart feedback themes"``.
        run_id: Id of the enrichment run the themes come from.
        generated_at: ISO timestamp, passed in (the report never reads the clock, so output is reproducible).
        pipeline: Pipeline name.
        counts: Run counts, e.g. ``{"read": 750, "enriched": 730, "rejected": 15, "units": 2300,
            "unthemed_units": 200, "customers": 160}``. Known keys are shown in that order, others after
            them alphabetically.
        model_notes: One line per model, e.g. ``{"sentiment": "logreg head on MiniLM, macro-F1 0.73"}``.

    Example:
        >>> ReportContext(title="Themes", run_id="r1", generated_at="2026-01-05T09:00:00Z",
        ...               pipeline="default", counts={"units": 0}, model_notes={}).run_id
        'r1'
    """

    title: str
    run_id: str
    generated_at: str
    pipeline: str
    counts: dict[str, int]
    model_notes: dict[str, str]


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _signed(value: float | None, digits: int) -> str:
    return "n/a" if is_missing(value) else f"{float(value):+.{digits}f}"  # type: ignore[arg-type]


def _count(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _e(value)
    return f"{value:,}" if isinstance(value, int) or float(value).is_integer() else f"{value:,.2f}"


def _ordered_counts(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    known = [(key, counts[key]) for key in _COUNT_ORDER if key in counts]
    return known + sorted((key, value) for key, value in counts.items() if key not in _COUNT_ORDER)


def _humanize(key: str) -> str:
    return key.replace("_", " ").strip().capitalize() or key


def _swatch(color: str) -> str:
    return f'<span class="swatch" style="background:{color}" aria-hidden="true"></span>'


def _sort_themes(themes: Sequence[ThemeSummary]) -> list[ThemeSummary]:
    """Largest first; ties broken by theme id so the order never depends on input order."""
    return sorted(themes, key=lambda theme: (-theme.size, theme.theme_id))


def _label(theme: ThemeSummary) -> str:
    return theme.label.strip() or f"Theme {theme.theme_id}"


def _header(context: ReportContext) -> str:
    kpis = "".join(
        f'<div class="kpi"><dt>{_e(_humanize(key))}</dt><dd>{_count(value)}</dd></div>'
        for key, value in _ordered_counts(context.counts)
    )
    return (
        f"<header><h1>{_e(context.title)}</h1>"
        f'<p class="meta"><span>Run <code>{_e(context.run_id)}</code></span>'
        f"<span>Pipeline <code>{_e(context.pipeline)}</code></span>"
        f"<span>Generated {_e(context.generated_at)}</span></p>"
        + (f'<dl class="kpis">{kpis}</dl>' if kpis else "")
        + "</header>"
    )


def _overview(themes: list[ThemeSummary]) -> str:
    rows = []
    for rank, theme in enumerate(themes, start=1):
        phrases = ", ".join(theme.key_phrases[:3])
        rows.append(
            f'<tr><td class="num">{rank}</td>'
            f'<td><a href="#theme-{theme.theme_id}">{_e(_label(theme))}</a></td>'
            f'<td class="num">{theme.size:,}</td><td class="num">{theme.share:.1%}</td>'
            f'<td class="num">{_swatch(sentiment_color(theme.avg_sentiment))}{_signed(theme.avg_sentiment, 2)}</td>'
            f'<td class="num">{_signed(theme.avg_effort, 1)} <small>n={theme.n_effort:,}</small></td>'
            f"<td>{_e(phrases)}</td></tr>"
        )
    return (
        f'<section id="overview"><h2>Overview</h2>{_top_level(themes)}'
        f'<figure class="chart">{overview_chart_svg(themes)}'
        '<figcaption class="caption">Bar length: units in the theme. Bar colour: average sentiment. '
        "Right column: average effort (-5 = very hard, +5 = very easy). Click a bar to jump to its theme."
        "</figcaption></figure>"
        '<div class="table-wrap"><table><thead><tr><th class="num">#</th><th>Theme</th><th class="num">Units</th>'
        '<th class="num">Share</th><th class="num">Sentiment</th><th class="num">Effort</th>'
        f"<th>Key phrases</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _top_level(themes: list[ThemeSummary]) -> str:
    """The coarse level first: one row per top-level theme, its fine themes as links; empty without groups."""
    groups: dict[str, list[ThemeSummary]] = {}
    for theme in themes:  # already largest first, so each group lists its themes largest first
        if theme.group:
            groups.setdefault(theme.group, []).append(theme)
    if not groups:
        return ""
    rows = []
    ranked = sorted(groups.items(), key=lambda item: (-sum(t.size for t in item[1]), item[0]))
    for label, members in ranked:
        size = sum(t.size for t in members)
        sentiment = _weighted([(t.avg_sentiment, t.size) for t in members])
        effort = _weighted([(t.avg_effort, t.n_effort) for t in members])
        links = ", ".join(f'<a href="#theme-{t.theme_id}">{_e(_label(t))}</a>' for t in members)
        rows.append(
            f"<tr><td>{_e(label)}</td><td class=\"num\">{size:,}</td>"
            f'<td class="num">{sum(t.share for t in members):.1%}</td>'
            f'<td class="num">{_swatch(sentiment_color(sentiment))}{_signed(sentiment, 2)}</td>'
            f'<td class="num">{_signed(effort, 1)} <small>n={sum(t.n_effort for t in members):,}</small></td>'
            f'<td class="children">{links}</td></tr>'
        )
    return (
        '<h3 id="top-level">Top-level themes</h3><div class="table-wrap"><table class="top-level"><thead><tr>'
        '<th>Top-level theme</th><th class="num">Units</th><th class="num">Share</th><th class="num">Sentiment</th>'
        f'<th class="num">Effort</th><th>Its themes</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
        '<p class="caption">Sentiment: the themes\' averages weighted by their units; effort: weighted by the '
        "units that had an effort score (n).</p><h3>All themes</h3>"
    )


def _weighted(pairs: list[tuple[float | None, int]]) -> float | None:
    """Mean of the values weighted by their counts, skipping missing values; None when nothing remains."""
    kept = [(value, weight) for value, weight in pairs if not is_missing(value) and weight > 0]
    total = sum(weight for _, weight in kept)
    return sum(float(value) * weight for value, weight in kept) / total if total else None


def _stat(name: str, value: str, detail: str = "") -> str:
    small = f"<small>{detail}</small>" if detail else ""
    return f'<div class="stat"><dt>{name}</dt><dd>{value}{small}</dd></div>'


def _quote(quote: Quote) -> str:
    sentiment = _signed(quote.sentiment_score, 2)
    return (
        f'<blockquote style="border-left-color:{sentiment_color(quote.sentiment_score)}">'
        f"<p>{_e(quote.text)}</p><footer>"
        f'<span class="badge">{_swatch(channel_color(quote.channel))}{_e(quote.channel)}</span>'
        f'<span class="badge">{_swatch(sentiment_color(quote.sentiment_score))}sentiment {sentiment}</span>'
        f'<span class="mono">{_e(quote.feedback_key)}</span></footer></blockquote>'
    )


def _theme_section(theme: ThemeSummary, rank: int) -> str:
    sentiment_detail = "" if is_missing(theme.avg_sentiment) else f"n={theme.size:,}"
    sentiment = _swatch(sentiment_color(theme.avg_sentiment)) + _signed(theme.avg_sentiment, 2)
    stats = (
        _stat("Units", f"{theme.size:,}")
        + _stat("Share of units", f"{theme.share:.1%}")
        + _stat("Avg sentiment", sentiment, sentiment_detail)
        + _stat("Avg effort", _signed(theme.avg_effort, 1), f"n={theme.n_effort:,}")
    )
    phrases = theme.key_phrases[:MAX_KEY_PHRASES]
    chips = (
        '<ul class="chips">' + "".join(f'<li class="chip">{_e(p)}</li>' for p in phrases) + "</ul>"
        if phrases
        else '<p class="empty">No key phrases.</p>'
    )
    channels = ordered_channels(theme.channels)
    legend = "".join(
        f'<li><i style="background:{channel_color(name)}"></i>{_e(name)} {count:,}</li>' for name, count in channels
    )
    mix = (
        f'<div class="mix">{channel_mix_svg(theme.channels)}<ul class="legend">{legend}</ul></div>'
        if channels
        else '<p class="empty">No channel counts.</p>'
    )
    pains = theme.top_pain_points[:MAX_PAIN_POINTS]
    pain_list = (
        '<ul class="pains">'
        + "".join(f'<li><span>{_e(p)}</span><span class="count">{c:,}</span></li>' for p, c in pains)
        + "</ul>"
        if pains
        else '<p class="empty">No pain points extracted for this theme.</p>'
    )
    quotes = "".join(_quote(q) for q in theme.quotes[:MAX_QUOTES]) or '<p class="empty">No quotes.</p>'
    return (
        f'<section class="theme" id="theme-{theme.theme_id}">'
        f'<div class="theme-head"><h2>{_e(_label(theme))}</h2>'
        f'<span class="theme-id">theme {theme.theme_id} &middot; #{rank} by size'
        f'{" &middot; in " + _e(theme.group) if theme.group else ""}'
        f'{" &middot; <strong>emerging</strong>" if theme.emerging else ""}</span></div>'
        f'<dl class="stats">{stats}</dl>'
        f"<h3>Key phrases</h3>{chips}"
        f'<div class="cols"><div><h3>Channel mix</h3>{mix}</div>'
        f"<div><h3>Top pain points</h3>{pain_list}</div></div>"
        f"<h3>Representative quotes</h3>{quotes}</section>"
    )


def _unthemed_note(counts: Mapping[str, int]) -> str:
    unthemed, units = counts.get("unthemed_units"), counts.get("units")
    if unthemed is None:
        body = "This run did not report how many units were left without a theme."
    elif units:
        body = (
            f"{_count(unthemed)} of {_count(units)} units ({unthemed / units:.1%}) did not fit any theme closely "
            "enough and are not counted in any theme above. Theme shares are of all units, so they add up to "
            "less than 100%."
        )
    else:
        body = f"{_count(unthemed)} units did not fit any theme."
    return f'<aside class="note" id="unthemed"><strong>Unthemed.</strong> {body}</aside>'


def _empty_report(counts: Mapping[str, int]) -> str:
    units = counts.get("units")
    seen = f" from its {_count(units)} units" if units is not None else ""
    return (
        '<section class="note empty-report" id="no-themes"><h2>No themes found</h2>'
        f"<p>This run produced no themes{seen}. Themes need enough similar feedback to form a cluster, so a "
        "small input, or one where every unit was left unthemed as an outlier, gives an empty report.</p>"
        "<p>What to try: run on more feedback (a few hundred units or more), check the counts above for "
        "rejected rows, or lower the minimum theme size in the pipeline's theme settings.</p></section>"
    )


def _footer(context: ReportContext) -> str:
    notes = "".join(
        f"<dt>{_e(name)}</dt><dd>{_e(note)}</dd>" for name, note in sorted(context.model_notes.items())
    )
    models = f"<h3>Models</h3><dl>{notes}</dl>" if notes else ""
    return (
        '<footer class="site-footer"><h3>How to read the numbers</h3><dl>'
        "<dt>Units</dt><dd>Feedback is split into units: sentences of reviews and survey answers, customer "
        "turns of chats. Themes group units, so one piece of feedback can touch several themes. "
        "Share = theme units / all units.</dd>"
        "<dt>Sentiment</dt><dd>Mean unit sentiment score in [-1, 1]: -1 very negative, 0 neutral, "
        "+1 very positive.</dd>"
        "<dt>Effort</dt><dd>Mean customer effort score on the -5..+5 scale: negative = high effort (hard "
        "for the customer), positive = low effort (easy). Units without an effort signal (null) are "
        "excluded; n= is the number of units that had one.</dd>"
        "<dt>n/a</dt><dd>No unit in the theme had a score.</dd>"
        "<dt>Quotes</dt><dd>Verbatim customer text, shown exactly as written; picked by the themes step "
        "as typical of the theme.</dd>"
        f"</dl>{models}"
        f"<p>Generated by enrich {_e(__version__)} &middot; run <code>{_e(context.run_id)}</code> &middot; "
        f"{_e(context.generated_at)}</p></footer>"
    )


def render_theme_report(themes: Sequence[ThemeSummary], context: ReportContext) -> str:
    """Render the theme report as one self-contained HTML document.

    Args:
        themes: Theme summaries in any order; they are shown largest first (ties by theme id).
            An empty list renders a "No themes found" page that explains the likely causes.
        context: Run-level facts for the header and footer.

    Returns:
        The HTML document as a string: inline CSS and SVG only, no scripts, no external resources.
        Identical inputs give an identical string.

    Raises:
        ValueError: If two themes share a theme id (their sections would share an anchor).
    """
    ids = [theme.theme_id for theme in themes]
    duplicates = sorted({theme_id for theme_id in ids if ids.count(theme_id) > 1})
    if duplicates:
        raise ValueError(f"theme ids must be unique in one report; duplicated: {duplicates}")
    ordered = _sort_themes(themes)
    if ordered:
        body = (
            _overview(ordered)
            + _unthemed_note(context.counts)
            + '<section id="themes"><h2>Themes</h2>'
            + "".join(_theme_section(theme, rank) for rank, theme in enumerate(ordered, start=1))
            + "</section>"
        )
    else:
        body = _empty_report(context.counts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(context.title)}</title>\n<style>{REPORT_CSS}</style>\n</head>\n"
        f'<body>\n<main class="page">\n{_header(context)}\n{body}\n{_footer(context)}\n</main>\n</body>\n</html>\n'
    )


def write_theme_report(
    themes: Sequence[ThemeSummary], context: ReportContext, path: str | os.PathLike[str]
) -> Path:
    """Render the report and write it as UTF-8, creating parent folders.

    The file is written to a temporary sibling and renamed into place, so a reader never sees half a page.

    Args:
        themes: Theme summaries (see :func:`render_theme_report`).
        context: Run-level facts.
        path: Destination file, e.g. ``"out/themes.html"``.

    Returns:
        The path written.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    document = render_theme_report(themes, context)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temp.write_text(document, encoding="utf-8", newline="\n")
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target
