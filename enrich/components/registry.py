"""Component registry: every step is registered by a versioned name and declares what it reads and writes.

A pipeline asking for a step whose requirements no earlier step assigns fails at load, naming both.

Example:
    >>> sorted(available())[:2]                              # doctest: +SKIP
    ['effort.v1', 'encode.v1']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from enrich.errors import ConfigError


@dataclass(frozen=True)
class ComponentSpec:
    name: str
    factory: Callable[..., Any]
    assigns: tuple[str, ...]
    requires: tuple[str, ...]


_REGISTRY: dict[str, ComponentSpec] = {}


def register(name: str, *, assigns: tuple[str, ...], requires: tuple[str, ...] = ()) -> Callable:
    """Class decorator: register a component factory under ``name`` (e.g. ``"sentiment.v1"``)."""

    def decorate(factory: Callable) -> Callable:
        _REGISTRY[name] = ComponentSpec(name, factory, assigns, requires)
        return factory

    return decorate


def _ensure_loaded() -> None:
    # Registration happens when the component modules are imported; importing them is cheap (no models load).
    from enrich.components import actionability, effort, encode, language, pain_points, segment, sentiment  # noqa: F401


def available() -> list[str]:
    _ensure_loaded()
    return sorted(_REGISTRY)


def get(name: str) -> ComponentSpec:
    _ensure_loaded()
    if name not in _REGISTRY:
        raise ConfigError(f"unknown component {name!r}; available: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def check_order(names: list[str]) -> None:
    """Raise ConfigError if a step requires something no earlier step assigns."""
    assigned: dict[str, str] = {}
    for name in names:
        spec = get(name)
        for requirement in spec.requires:
            if requirement not in assigned:
                providers = [s.name for s in _REGISTRY.values() if requirement in s.assigns]
                raise ConfigError(
                    f"component {name!r} requires {requirement!r}, which no earlier step assigns; "
                    f"add one of {providers} before it"
                )
        for attribute in spec.assigns:
            assigned[attribute] = name
