"""The theme report in a real browser: Debian's Chromium driven by Playwright, at a desktop and a phone width.

The browser comes from Debian (``chromium``; as root the fixture apt-get installs it when missing, as CI does),
Playwright from PyPI (the ``dev`` extra); nothing is downloaded from a browser CDN.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from apt_packages import apt_install
from test_report import _context, _theme

from enrich.report import Quote, write_theme_report

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
LONG_QUOTE = ("I have now called support four times about the same missing refund and every agent promised a call "
              "back that never came; the order number is BRT-2026-0000123456789 and nobody can find it.")


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        apt_install(["chromium"], "no Chromium found (chromium, chromium-browser)")
        found = shutil.which("chromium")
    if found is None:
        pytest.fail("apt-get installed 'chromium' but no chromium executable is on PATH", pytrace=False)
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: pip install -e '.[dev]'", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    groups = ["deliveries and couriers", "refunds and billing", "the app"]
    themes = [
        _theme(i, f"theme number {i} about {groups[i % 3]} and more", 400 - 25 * i, group=groups[i % 3],
               share=(400 - 25 * i) / 2300, avg_sentiment=-0.9 + 0.15 * i,
               quotes=[Quote(LONG_QUOTE, "chat", -0.8, f"chat:c{i}")])
        for i in range(1, 13)
    ]
    return write_theme_report(themes, _context(), tmp_path_factory.mktemp("report") / "themes.html")


@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_report_browser_renders_without_errors_or_sideways_scrolling(browser, report: Path, device: str,
                                                                     tmp_path: Path) -> None:
    width, height = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report.as_uri())
    assert errors == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # wide tables scroll in their own box
    chart = page.locator("#overview figure.chart svg").bounding_box()
    assert chart is not None and chart["width"] > 0.8 * min(width, 1080) - 60 and chart["height"] > 100
    assert page.locator("table.top-level tbody tr").count() == 3
    assert page.locator("section.theme").count() == 12
    page.screenshot(path=str(tmp_path / f"report-{device}.png"), full_page=True)  # kept for a failing run
    page.close()


def test_report_browser_links_jump_to_their_theme(browser, report: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(report.as_uri())
    link = page.locator("table.top-level a").first
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("location.hash") == target
    top = page.locator(f"section{target}").bounding_box()
    assert top is not None and -1 <= top["y"] < 900  # the theme's section is on screen (sub-pixel rounding)
    page.locator('#overview figure.chart svg a[href="#theme-7"]').click()  # a bar in the chart
    assert page.evaluate("location.hash") == "#theme-7"
    page.close()
