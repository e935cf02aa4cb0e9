"""Model cards: ``models/<task>/card.md`` written from the head's metadata and its held-out metrics."""

from __future__ import annotations

import json
from typing import Any

from enrich.training.common import MODELS_DIR


def metrics_table(results: dict[str, dict[str, Any]]) -> str:
    """A markdown table: one row per (dataset, method), every metric a column."""
    metric_names: list[str] = []
    for by_method in results.values():
        for method, metrics in by_method.items():
            if isinstance(metrics, dict):
                metric_names += [name for name in metrics if name not in metric_names]
    lines = [
        "| data (held-out split) | n | method | " + " | ".join(metric_names) + " |",
        "|---|---|---|" + "---|" * len(metric_names),
    ]
    for dataset, by_method in results.items():
        suffix = " (trained on its train split)" if by_method.get("trained_on") else ""
        for method, metrics in by_method.items():
            if not isinstance(metrics, dict):
                continue
            cells = [f"{metrics[name]:.3f}" if name in metrics else "" for name in metric_names]
            lines.append(f"| {dataset}{suffix} | {by_method.get('n_test', '')} | {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_card(task: str, meta: dict[str, Any], results: dict[str, Any], notes: str) -> None:
    """Rewrite ``models/<task>/card.md`` and ``models/<task>/metrics.json``."""
    directory = MODELS_DIR / task
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "metrics.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    provenance = "\n".join(f"- {key}: `{value}`" for key, value in sorted(meta.items()))
    card = (
        f"# {task} head\n\n{notes}\n## Held-out metrics\n\n{metrics_table(results)}\n\n"
        f"## Provenance\n\n{provenance}\n"
    )
    (directory / "card.md").write_text(card)
