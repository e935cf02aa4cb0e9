"""Inline stylesheet for the HTML reports: system fonts, no external resources, print-friendly."""

from __future__ import annotations

REPORT_CSS = """
:root {
  --ink: #1f2328; --muted: #59636e; --faint: #8c959f; --line: #d8dee4; --panel: #f6f8fa;
  --accent: #2f5d8a; --neg: #c0392b; --pos: #1e8449;
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.page { max-width: 1080px; margin: 0 auto; padding: 32px 28px 48px; }
h1 { font-size: 28px; line-height: 1.2; margin: 0 0 6px; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 18px 0 8px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.meta { color: var(--muted); font-size: 13.5px; margin: 0 0 18px; }
.meta span + span::before { content: "\\00b7"; margin: 0 8px; color: var(--faint); }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; margin: 0; }
.kpi { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; margin: 0; }
.kpi dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.kpi dd { margin: 2px 0 0; font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.chart { margin: 8px 0 4px; }
.chart svg { width: 100%; height: auto; display: block; }
.chart text { font-family: inherit; }
.caption { color: var(--muted); font-size: 13px; margin: 4px 0 0; }
table { width: 100%; border-collapse: collapse; font-size: 14px; margin-top: 14px; }
.table-wrap { overflow-x: auto; }  /* a wide table scrolls inside its box, never the whole page */
td.children a { white-space: nowrap; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.theme { border: 1px solid var(--line); border-radius: 10px; padding: 18px 22px 14px; margin: 18px 0;
  break-inside: avoid-page; page-break-inside: avoid; }
.theme-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; }
.theme-head h2 { margin: 0; padding: 0; border: 0; flex: 1 1 auto; }
.theme-id { color: var(--faint); font-size: 13px; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px 18px;
  margin: 12px 0 4px; }
.stat { margin: 0; }
.stat dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.stat dd { margin: 0; font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
.stat dd small { font-size: 12px; font-weight: 400; color: var(--muted); margin-left: 4px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px;
  vertical-align: baseline; border: 1px solid rgba(0,0,0,.15); }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 0; padding: 0; list-style: none; }
.chip { background: #eef3f8; border: 1px solid #d5e0eb; color: #24415f; border-radius: 999px;
  padding: 2px 10px; font-size: 13px; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 0 28px; }
@media (max-width: 760px) { .cols { grid-template-columns: 1fr; } }
.mix svg { width: 100%; max-width: 420px; height: 14px; display: block; border-radius: 3px; }
.legend { list-style: none; margin: 6px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px;
  font-size: 13px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
.pains { margin: 0; padding: 0; list-style: none; font-size: 14px; }
.pains li { display: flex; justify-content: space-between; gap: 12px; padding: 3px 0;
  border-bottom: 1px dashed var(--line); }
.pains .count { color: var(--muted); font-variant-numeric: tabular-nums; }
.empty { color: var(--faint); font-size: 14px; font-style: italic; margin: 0; }
blockquote { margin: 10px 0; padding: 10px 14px; background: var(--panel); border-left: 4px solid var(--line);
  border-radius: 0 6px 6px 0; break-inside: avoid; page-break-inside: avoid; }
blockquote p { margin: 0 0 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
blockquote footer { font-size: 12.5px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 6px 10px;
  align-items: center; }
.badge { display: inline-block; border-radius: 4px; padding: 0 7px; font-size: 12px; line-height: 20px;
  background: #fff; border: 1px solid var(--line); color: var(--ink); white-space: nowrap; }
.note { background: #fff8e6; border: 1px solid #f0dfae; border-radius: 8px; padding: 12px 16px; margin: 24px 0; }
.note.empty-report { background: var(--panel); border-color: var(--line); padding: 20px 24px; }
.note h2 { margin-top: 0; border: 0; padding: 0; }
.site-footer { margin-top: 40px; padding-top: 14px; border-top: 1px solid var(--line); color: var(--muted);
  font-size: 13.5px; }
.site-footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
.site-footer dt { font-weight: 600; color: var(--ink); }
.site-footer dd { margin: 0; }
@media print {
  body { font-size: 11pt; }
  .page { max-width: none; padding: 0; }
  a { color: inherit; }
  h2 { break-after: avoid-page; page-break-after: avoid; }
  .theme { border-color: #bbb; }
}
"""
