"""Which input changes make the cloud replace a resource (delete and create) instead of updating it.

`replace_on_change.json` beside this file maps each resource type the stacks create to the camelCase
input paths (dotted for nested values, e.g. `metadata.name`) whose change forces a replacement, as
the real providers decide it (Terraform's ForceNew for AWS, immutable fields for Kubernetes,
RequiresReplace for random). The fake cloud's Diff uses it; a type missing from the table is a type
the fake cloud does not know, which is an error, never a silent update.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("replace_on_change.json")

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""How the engine sends a value not known until apply (in a preview)."""

_MISSING = object()


class UnknownTypeError(LookupError):
    """A resource type the table (and so the fake cloud) does not know."""


@cache
def table() -> Mapping[str, tuple[str, ...]]:
    raw: dict[str, list[str]] = json.loads(TABLE.read_text())
    return {typ: tuple(paths) for typ, paths in raw.items()}


def replace_paths(typ: str) -> tuple[str, ...]:
    try:
        return table()[typ]
    except KeyError:
        raise UnknownTypeError(
            f"resource type '{typ}' is not in planner/replace_on_change.json; add it with the "
            "inputs whose change forces replacement ([] if none)"
        ) from None


def _at(value: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return _MISSING
        value = value[key]
    return value


def replacing_changes(typ: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The replacement-forcing paths whose value differs between old and new inputs (a value
    unknown in `new` may differ, so it counts)."""
    changed = []
    for path in replace_paths(typ):
        before, after = _at(old, path), _at(new, path)
        if after == UNKNOWN or before != after:
            changed.append(path)
    return changed
