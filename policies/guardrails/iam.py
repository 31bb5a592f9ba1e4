"""Evaluate an IAM policy for one request: does it allow `action` by `principal` in `context`?

Enough of IAM's evaluation logic to answer questions about trust policies by *evaluating* their
conditions instead of string-matching them: an explicit Deny wins, then any Allow; a statement
applies when its Principal, Action and every Condition match. Conditions follow the IAM rules:
condition keys are case-insensitive, the operators of one statement are ANDed, the keys of one
operator are ANDed, the values of one key are ORed (negated operators: none may match), a key
missing from the context fails the test except with `...IfExists` and `Null`, and multivalued
keys take the `ForAnyValue:` / `ForAllValues:` set operators.

Standard library only: the CrossGuard pack imports this module too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

Context = Mapping[str, str | Sequence[str]]


@cache
def _glob(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """IAM wildcards: `*` any run of characters (slashes too), `?` one character, nothing else."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{body}$", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _number(value: str) -> float:
    return float(value)


Compare = Callable[[str, str], bool]
"""(request value, policy value) -> match."""

_BASE: dict[str, Compare] = {
    "StringEquals": lambda v, p: v == p,
    "StringEqualsIgnoreCase": lambda v, p: v.lower() == p.lower(),
    "StringLike": lambda v, p: bool(_glob(p).match(v)),
    "ArnEquals": lambda v, p: v == p,
    "ArnLike": lambda v, p: bool(_glob(p).match(v)),
    "Bool": lambda v, p: v.lower() == p.lower(),
    "NumericEquals": lambda v, p: _number(v) == _number(p),
    "NumericLessThan": lambda v, p: _number(v) < _number(p),
    "NumericLessThanEquals": lambda v, p: _number(v) <= _number(p),
    "NumericGreaterThan": lambda v, p: _number(v) > _number(p),
    "NumericGreaterThanEquals": lambda v, p: _number(v) >= _number(p),
}
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NumericNotEquals": "NumericEquals",
}


class UnsupportedConditionError(ValueError):
    """An operator this evaluator does not implement: never guess a verdict."""


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [_text(v) for v in value]
    return [_text(value)]


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _lookup(context: Context, key: str) -> list[str] | None:
    for name, value in context.items():
        if name.lower() == key.lower():
            return _as_list(value)
    return None


def _parse(operator: str) -> tuple[str, Compare, bool, bool]:
    """(set operator, comparison, negated, if-exists) of e.g. `ForAnyValue:StringNotLikeIfExists`."""
    set_operator, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    compare = _BASE.get(_NEGATED.get(base, base))
    if compare is None or set_operator not in ("", "ForAnyValue", "ForAllValues"):
        raise UnsupportedConditionError(operator)
    return set_operator, compare, base in _NEGATED, if_exists


def condition_matches(operator: str, key: str, expected: Any, context: Context) -> bool:
    """One `"<operator>": {"<key>": <values>}` entry against the request context."""
    policy_values = _as_list(expected)
    actual = _lookup(context, key)
    if operator == "Null":
        (wanted,) = policy_values
        return (actual is None) == (wanted.lower() == "true")
    set_operator, compare, negated, if_exists = _parse(operator)
    if not actual:
        # IfExists and ForAllValues pass on a missing (or empty) key; everything else fails.
        return if_exists or set_operator == "ForAllValues"

    def one(value: str) -> bool:
        hit = any(compare(value, p) for p in policy_values)
        return not hit if negated else hit

    if set_operator == "ForAllValues":
        return all(one(v) for v in actual)
    if set_operator == "ForAnyValue":
        return any(one(v) for v in actual)
    return one(actual[0])  # a single-valued key


def conditions_match(conditions: Mapping[str, Mapping[str, Any]] | None, context: Context) -> bool:
    return all(
        condition_matches(operator, key, expected, context)
        for operator, keys in (conditions or {}).items()
        for key, expected in keys.items()
    )


def _principal_matches(statement: Mapping[str, Any], principal: Mapping[str, str]) -> bool:
    """`principal` is `{"Federated": arn}`, `{"AWS": arn}` or `{"Service": name}`."""
    listed = statement.get("Principal")
    if listed is None:  # an identity policy: it applies to whoever it is attached to
        return True
    if not principal:
        return False
    if listed == "*":
        return True
    return any(
        value == "*" or value in _as_list(listed.get(kind)) for kind, value in principal.items()
    )


def _action_matches(statement: Mapping[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(
            _glob(a, ignore_case=True).match(action) for a in _as_list(statement["NotAction"])
        )
    return any(_glob(a, ignore_case=True).match(action) for a in _as_list(statement.get("Action")))


def statements(policy: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = policy.get("Statement", [])
    return [found] if isinstance(found, Mapping) else list(found)


def _resource_matches(statement: Mapping[str, Any], resource: str | None) -> bool:
    """Trust policies name no resource (`resource` None); identity policies must match it."""
    if resource is None:
        return True
    if "NotResource" in statement:
        return not any(_glob(r).match(resource) for r in _as_list(statement["NotResource"]))
    return any(_glob(r).match(resource) for r in _as_list(statement.get("Resource")))


def statement_applies(
    statement: Mapping[str, Any],
    action: str,
    principal: Mapping[str, str],
    context: Context,
    resource: str | None = None,
) -> bool:
    return (
        _principal_matches(statement, principal)
        and _action_matches(statement, action)
        and _resource_matches(statement, resource)
        and conditions_match(statement.get("Condition"), context)
    )


def allows(
    policy: Mapping[str, Any],
    action: str,
    principal: Mapping[str, str] | None = None,
    context: Context | None = None,
    resource: str | None = None,
) -> bool:
    """True when the policy allows the request: some Allow applies and no Deny does. A trust
    policy is asked with a `principal`; an identity policy with a `resource`."""
    applying = [s for s in statements(policy)
                if statement_applies(s, action, principal or {}, context or {}, resource)]  # fmt: skip
    if any(s.get("Effect") == "Deny" for s in applying):
        return False
    return any(s.get("Effect") == "Allow" for s in applying)
