"""How long `name` may be: the longest cloud name each capability generates after the stack's
prefix, as data, so config refuses a `name` that makes a name too long before the program runs.

The exact check (`infra/cloud_names.name_problems`) needs the registered resources: it runs in the
offline plan after the whole program (seconds). This budget is what config can know in
milliseconds: per (resource type, name property, capability), the number of characters the
components append to `<name>-<environment>`, measured from every shipped stack and kept in
`name_budget.json` (a test regenerates it from the program and fails when it drifts:
`GROUNDWORK_UPDATE_GOLDEN=1` rewrites it). Parts of a name a user chooses elsewhere (an app's
or a node group's name) vary per stack; longer ones than the shipped stacks use are still caught
by the exact check.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from infra.cloud_names import RULES, PhysicalName

BUDGET_PATH = Path(__file__).with_name("name_budget.json")
CAPABILITY_SECTIONS = {
    "network": "network", "kubernetes": "cluster", "postgres": "postgres", "redis": "redis",
    "backup": "backup", "storage": "storage", "cdn": "cdn", "budget": "budget",
    "monitoring": "alerting", "dr": "dr", "api": "api", "registry": "registry",
}  # fmt: skip
"""A component's capability (its type token's module) -> the config section that turns it on."""
CLOUDS = ("aws", "alicloud")
"""Providers that belong to one cloud (Kubernetes and random resources are built on every one)."""


@dataclass(frozen=True)
class Budget:
    type: str
    prop: str
    section: str
    """The config section whose components generate the name."""
    suffix: int
    """Characters after the prefix (the provider's 8 generated ones included)."""
    example: str
    """The longest such name, with `{prefix}` in place of the prefix."""


@cache
def budgets() -> tuple[Budget, ...]:
    return tuple(Budget(**entry) for entry in json.loads(BUDGET_PATH.read_text()))


def section_of(urn: str) -> str | None:
    """The config section of the top-level groundwork component a resource belongs to."""
    parts = urn.split("::")
    qualified = parts[2] if len(parts) > 3 else ""
    top = qualified.split("$")[0]
    if not top.startswith("groundwork:"):
        return None
    module = top.split(":")[1]
    return CAPABILITY_SECTIONS.get(module.rsplit("/", 1)[-1])


def measure(prefix: str, names: Iterable[tuple[str, PhysicalName]]) -> list[dict[str, Any]]:
    """The budget entries of one stack: (urn, name) pairs whose name contains the prefix."""
    longest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for urn, found in names:
        section = section_of(urn)
        if section is None or prefix not in found.name:
            continue
        entry = {"type": found.type, "prop": found.prop, "section": section,
                 "suffix": len(found.name) - len(prefix),
                 "example": found.name.replace(prefix, "{prefix}", 1)}  # fmt: skip
        key = (found.type, found.prop, section)
        if key not in longest or _rank(entry) > _rank(longest[key]):
            longest[key] = entry
    return [longest[k] for k in sorted(longest)]


def _rank(entry: dict[str, Any]) -> tuple[int, str]:
    """Longest first; ties by the example's text, so the file does not depend on the order
    resources happened to register in."""
    return entry["suffix"], entry["example"]


def merge(*stacks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The longest suffix per key over several stacks."""
    best: dict[tuple[str, str, str], dict[str, Any]] = {}
    for entries in stacks:
        for entry in entries:
            key = (entry["type"], entry["prop"], entry["section"])
            if key not in best or _rank(entry) > _rank(best[key]):
                best[key] = entry
    return [best[k] for k in sorted(best)]


def budget_problems(name: str, prefix: str, cloud: str, enabled: Iterable[str]) -> Iterator[str]:
    """One line per cloud name the stack's prefix would make too long (sections turned off
    generate nothing and are skipped; another cloud's types are never built here)."""
    on = set(enabled)
    worst: dict[tuple[str, str], Budget] = {}
    for budget in budgets():
        key = (budget.type, budget.prop)
        provider = budget.type.split(":")[0]
        if provider in CLOUDS and provider != cloud:
            continue
        if budget.section in on and (key not in worst or budget.suffix > worst[key].suffix):
            worst[key] = budget
    for key, budget in sorted(worst.items()):
        rule = RULES[key]
        total = len(prefix) + budget.suffix
        if total > rule.max_length:
            room = len(name) - (total - rule.max_length)
            yield (
                f"'{name}' makes the {rule.service} "
                f"'{budget.example.replace('{prefix}', prefix)}' {total} characters; at most "
                f"{rule.max_length} (a name of at most {max(room, 0)} characters fits)"
            )
