"""Inline SVG charts for the HTML reports. Pure string building: no plotting library, no network.

Every piece of text that reaches the SVG goes through :func:`html.escape`; numbers are formatted with
fixed precision so the same input always yields the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from enrich.report.themes_html import ThemeSummary

_NEGATIVE_RGB = (192, 57, 43)
_NEUTRAL_RGB = (167, 173, 179)
_POSITIVE_RGB = (30, 132, 73)
MISSING_COLOR = "#e3e7eb"
"""Fill for a theme with no sentiment score (drawn with a dashed outline so it is not read as neutral)."""

CHANNEL_COLORS: dict[str, str] = {"review": "#3b6ea5", "chat": "#8e5ea2", "survey": "#d0902f"}
_OTHER_CHANNEL_COLOR = "#9aa3ad"
CHANNEL_ORDER = ("review", "chat", "survey")


def is_missing(value: float | None) -> bool:
    """True for ``None`` and NaN (pandas means of empty groups come back as NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def sentiment_color(score: float | None) -> str:
    """Map a sentiment score onto a red-grey-green diverging scale.

    Args:
        score: float in [-1, 1], or None/NaN for "no score". Values outside the range are clipped.

    Returns:
        A ``#rrggbb`` colour: red at -1, grey at 0, green at +1; :data:`MISSING_COLOR` when missing.
    """
    if is_missing(score):
        return MISSING_COLOR
    t = max(-1.0, min(1.0, float(score)))  # type: ignore[arg-type]
    end = _POSITIVE_RGB if t >= 0 else _NEGATIVE_RGB
    # A gamma below 1 lifts mid-range scores off the grey: theme means rarely pass +-0.7, and a linear ramp
    # leaves -0.3 and -0.5 hard to tell apart. The legend is drawn with this same function.
    weight = abs(t) ** 0.6
    rgb = (round(n + (e - n) * weight) for n, e in zip(_NEUTRAL_RGB, end))
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def channel_color(channel: str) -> str:
    """Fixed colour per channel so every theme's mix bar reads the same way."""
    return CHANNEL_COLORS.get(channel, _OTHER_CHANNEL_COLOR)


def ordered_channels(channels: Mapping[str, int]) -> list[tuple[str, int]]:
    """Known channels first in a fixed order, then any others alphabetically (deterministic)."""
    known = [(name, channels[name]) for name in CHANNEL_ORDER if name in channels]
    others = sorted((name, count) for name, count in channels.items() if name not in CHANNEL_ORDER)
    return known + others


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _fmt_signed(value: float | None, digits: int) -> str:
    return "n/a" if is_missing(value) else f"{float(value):+.{digits}f}"  # type: ignore[arg-type]


def overview_chart_svg(themes: Sequence[ThemeSummary]) -> str:
    """Horizontal bar chart: one bar per theme, length = size, colour = average sentiment.

    Args:
        themes: Themes in the order to draw them (the report passes them sorted by size, descending).

    Returns:
        An ``<svg>`` element as a string, scaled to its container through ``viewBox``. Each row links to
        the theme's section (``#theme-<id>``) and carries a ``<title>`` tooltip with the exact figures.
    """
    width, label_w, bar_x, bar_w = 1000, 290, 300, 500
    top, row_h, bar_h = 30, 28, 18
    legend_h = 54
    height = top + row_h * len(themes) + legend_h
    largest = max((theme.size for theme in themes), default=0) or 1
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="overview-chart-title">',
        '<title id="overview-chart-title">Themes by size, coloured by average sentiment</title>',
        f'<text x="{label_w}" y="16" font-size="12" fill="#59636e" text-anchor="end">THEME</text>',
        f'<text x="{bar_x}" y="16" font-size="12" fill="#59636e">UNITS (SHARE)</text>',
        f'<text x="{width}" y="16" font-size="12" fill="#59636e" text-anchor="end">'
        "AVG EFFORT (-5 HARD, +5 EASY)</text>",
    ]
    for index, theme in enumerate(themes):
        y = top + index * row_h
        length = max(2.0, bar_w * theme.size / largest) if theme.size > 0 else 0.0
        fill = sentiment_color(theme.avg_sentiment)
        stroke = ' stroke="#8c959f" stroke-dasharray="3 2"' if is_missing(theme.avg_sentiment) else ""
        tooltip = (
            f"{theme.label} (theme {theme.theme_id}): {theme.size:,} units, {theme.share:.1%}; "
            f"sentiment {_fmt_signed(theme.avg_sentiment, 2)}; effort {_fmt_signed(theme.avg_effort, 1)} "
            f"(n={theme.n_effort:,})"
        )
        effort_fill = "#1f2328" if not is_missing(theme.avg_effort) else "#8c959f"
        parts += [
            f'<a href="#theme-{theme.theme_id}"><g>',
            f"<title>{escape(tooltip)}</title>",
            f'<rect x="0" y="{y}" width="{width}" height="{row_h}" fill="{"#f6f8fa" if index % 2 else "#fff"}"/>',
            f'<text x="{label_w}" y="{y + 18}" font-size="14" fill="#1f2328" text-anchor="end">'
            f"{escape(_truncate(theme.label, 36))}</text>",
            f'<rect x="{bar_x}" y="{y + (row_h - bar_h) / 2:.1f}" width="{length:.1f}" height="{bar_h}" '
            f'rx="2" fill="{fill}"{stroke}/>',
            f'<text x="{bar_x + length + 8:.1f}" y="{y + 18}" font-size="13" fill="#1f2328">'
            f"{theme.size:,} ({theme.share:.1%})</text>",
            f'<text x="{width - 4}" y="{y + 18}" font-size="13" fill="{effort_fill}" text-anchor="end" '
            f'font-weight="600">{_fmt_signed(theme.avg_effort, 1)}</text>',
            "</g></a>",
        ]
    parts.append(_sentiment_legend(x=bar_x, y=top + row_h * len(themes) + 18, width=260))
    parts.append("</svg>")
    return "\n".join(parts)


def _sentiment_legend(x: float, y: float, width: float) -> str:
    """Gradient strip from -1 to +1 plus a swatch for "no sentiment score"."""
    stops = "".join(
        f'<stop offset="{offset}%" stop-color="{sentiment_color(score)}"/>'
        for offset, score in ((0, -1.0), (25, -0.5), (50, 0.0), (75, 0.5), (100, 1.0))
    )
    return "\n".join(
        [
            f'<defs><linearGradient id="sentiment-scale">{stops}</linearGradient></defs>',
            f'<text x="{x - 10}" y="{y + 11}" font-size="12" fill="#59636e" text-anchor="end">'
            "avg sentiment</text>",
            f'<rect x="{x}" y="{y}" width="{width}" height="12" rx="2" fill="url(#sentiment-scale)"/>',
            f'<text x="{x}" y="{y + 28}" font-size="11" fill="#59636e">-1 negative</text>',
            f'<text x="{x + width / 2}" y="{y + 28}" font-size="11" fill="#59636e" text-anchor="middle">0</text>',
            f'<text x="{x + width}" y="{y + 28}" font-size="11" fill="#59636e" text-anchor="end">+1 positive</text>',
            f'<rect x="{x + width + 24}" y="{y}" width="22" height="12" rx="2" fill="{MISSING_COLOR}" '
            'stroke="#8c959f" stroke-dasharray="3 2"/>',
            f'<text x="{x + width + 52}" y="{y + 11}" font-size="12" fill="#59636e">no sentiment score</text>',
        ]
    )


def channel_mix_svg(channels: Mapping[str, int]) -> str:
    """A single stacked bar of units per channel, proportional to counts.

    Args:
        channels: Units per channel; zero and negative counts are skipped.

    Returns:
        An ``<svg>`` string (empty string when there is nothing to draw).
    """
    items = [(name, count) for name, count in ordered_channels(channels) if count > 0]
    total = sum(count for _, count in items)
    if total == 0:
        return ""
    parts = [
        '<svg viewBox="0 0 100 4" preserveAspectRatio="none" '
        'role="img" aria-label="channel mix">'
    ]
    x = 0.0
    for name, count in items:
        width = 100.0 * count / total
        parts.append(
            f'<rect x="{x:.3f}" y="0" width="{width:.3f}" height="4" fill="{channel_color(name)}">'
            f"<title>{escape(name)}: {count:,}</title></rect>"
        )
        x += width
    parts.append("</svg>")
    return "".join(parts)
