"""Which input changes make the cloud replace a resource (delete and create) instead of updating it.

`replace_on_change.json` beside this file maps each resource type the stacks create to the camelCase
input paths (dotted for nested values, e.g. `metadata.name`) whose change forces a replacement, as
the real providers decide it (Terraform's ForceNew for AWS, immutable fields for Kubernetes,
RequiresReplace for random). The fake cloud's Diff uses it; a type missing from the table is a type
the fake cloud does not know, which is an error, never a silent update.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the recorder's fake cloud may use this module: no import cycle at runtime
    from planner.recorder import RecordedResource

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


def forcing_inputs(recorded: Iterable[RecordedResource]) -> dict[str, dict[str, Any]]:
    """The replacement-forcing inputs of every recorded custom resource: URN -> {path: value}.
    Two programs whose maps are equal replace nothing (their URNs being equal too)."""
    found: dict[str, dict[str, Any]] = {}
    for r in recorded:
        if not r.custom or r.type.startswith("pulumi:providers:"):
            continue
        values = {p: v for p in replace_paths(r.type) if (v := _at(r.inputs, p)) is not _MISSING}
        if values:
            found[r.urn] = values
    return found


def golden_lines(recorded: Iterable[RecordedResource]) -> list[str]:
    """`forcing_inputs` as sorted `URN path=<json>` lines (the golden `*.replace` files)."""
    return sorted(
        f"{urn} {path}={json.dumps(value, sort_keys=True)}"
        for urn, values in forcing_inputs(recorded).items()
        for path, value in values.items()
    )


def replaced(
    before: Iterable[RecordedResource], after: Iterable[RecordedResource]
) -> dict[str, list[str]]:
    """What a change from `before` to `after` (two recordings) would replace: URN -> the forcing
    paths that differ. A URN present on one side only is a delete or create, not counted here."""
    old, new = forcing_inputs(before), forcing_inputs(after)
    changes: dict[str, list[str]] = {}
    for urn in old.keys() & new.keys():
        paths = sorted(p for p in old[urn].keys() | new[urn].keys()
                       if old[urn].get(p, _MISSING) != new[urn].get(p, _MISSING))  # fmt: skip
        if paths:
            changes[urn] = paths
    return changes
