"""Trainable tasks: name -> module with ``train()`` and ``evaluate() -> dict`` (held-out metrics by dataset).

``enrich train TASK`` and ``enrich eval [TASK]`` look tasks up here; modules import lazily.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from enrich.errors import ConfigError

TASKS: dict[str, str] = {
    "sentiment": "enrich.training.sentiment",
    "effort": "enrich.training.effort",
    "actionability": "enrich.training.actionability",
    "pain_points": "enrich.training.pain_points",
}


def task_module(name: str) -> ModuleType:
    if name not in TASKS:
        raise ConfigError(f"unknown task {name!r}; tasks: {', '.join(TASKS)}")
    return importlib.import_module(TASKS[name])
