"""Analyst-facing reports: self-contained HTML pages built from plain data (no network, no JavaScript needed)."""

from enrich.report.themes_html import (
    Quote,
    ReportContext,
    ThemeSummary,
    render_theme_report,
    write_theme_report,
)

__all__ = ["Quote", "ReportContext", "ThemeSummary", "render_theme_report", "write_theme_report"]
