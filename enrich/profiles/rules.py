"""Segment and alert rules: small boolean expressions over named fields, validated when the config loads.

Grammar (a safe subset of Python expressions, parsed with :mod:`ast`, never evaluated by ``eval``)::

    rule     := clause (("and" | "or") clause)* | "not" rule | "(" rule ")"
    clause   := FIELD OP LITERAL | LITERAL "in" FIELD | FIELD "in" [LITERAL, ...]
    OP       := == != < <= > >=
    FIELD    := a name such as value_tier, or a trait such as cx.at_risk
    LITERAL  := a string, number, true/false (Python spelling True/False also works) or null/None

A comparison with a missing (null) field value is false, so a rule never fires on absent data.

Example:
    >>> rule = Rule.parse('value_tier == "high" and cx.feedback_count >= 3', {"value_tier", "cx.feedback_count"})
    >>> rule.matches({"value_tier": "high", "cx.feedback_count": 4})
    True
    >>> rule.matches({"value_tier": "high", "cx.feedback_count": None})
    False
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from enrich.errors import ConfigError

__all__ = ["Rule"]

_OPS: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}
_WORDS = {"true": "True", "false": "False", "null": "None"}


@dataclass(frozen=True)
class Rule:
    """A parsed rule; ``fields`` are the field names it reads."""

    text: str
    tree: ast.expr
    fields: frozenset[str]

    @classmethod
    def parse(cls, text: str, allowed: Collection[str]) -> Rule:
        """Parse and validate ``text`` against the ``allowed`` field names.

        Raises:
            ConfigError: A syntax error, an unsupported construct or an unknown field (the valid ones listed).
        """
        source = " ".join(_WORDS.get(word, word) for word in text.split(" "))
        try:
            tree = ast.parse(source, mode="eval").body
        except SyntaxError as exc:
            raise ConfigError(f"rule {text!r} is not a valid expression: {exc.msg}") from None
        fields: set[str] = set()
        _check(tree, text, fields)
        unknown = sorted(fields - set(allowed))
        if unknown:
            raise ConfigError(f"rule {text!r} names unknown field(s) {unknown}; valid fields: {', '.join(sorted(allowed))}")
        return cls(text, tree, frozenset(fields))

    def matches(self, values: Mapping[str, Any]) -> bool:
        """Whether the rule holds for ``values`` (field name -> value)."""
        return bool(_eval(self.tree, values))


def _field_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):  # cx.at_risk
        return f"{node.value.id}.{node.attr}"
    return None


def _literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return True
    return isinstance(node, ast.List | ast.Tuple) and all(_literal(item) for item in node.elts)


def _check(node: ast.expr, text: str, fields: set[str]) -> None:
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, text, fields)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check(node.operand, text, fields)
        return
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _OPS:
        left, right = node.left, node.comparators[0]
        for side, other in ((left, right), (right, left)):
            name = _field_name(side)
            if name is not None and _literal(other):
                fields.add(name)
                return
    raise ConfigError(f"rule {text!r}: unsupported expression {ast.unparse(node)!r}; write comparisons like "
                      "field == \"value\", field >= 2, \"name\" in field, joined with and / or / not")


def _eval(node: ast.expr, values: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.BoolOp):
        results = (_eval(value, values) for value in node.values)
        return all(results) if isinstance(node.op, ast.And) else any(results)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _eval(node.operand, values)
    if isinstance(node, ast.Compare):
        left, right = _value(node.left, values), _value(node.comparators[0], values)
        if left is None or right is None:
            return False
        try:
            return _OPS[type(node.ops[0])](left, right)
        except TypeError:  # e.g. "high" < 3: a type mismatch never matches
            return False
    raise AssertionError("unreachable: rules are checked when parsed")


def _value(node: ast.expr, values: Mapping[str, Any]) -> Any:
    name = _field_name(node)
    if name is not None:
        value = values.get(name)
        return None if value is not None and value != value else value  # NaN counts as missing
    return ast.literal_eval(node)
