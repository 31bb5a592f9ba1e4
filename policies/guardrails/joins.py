"""Joins between side-by-side resources (bucket <-> access block, VPC <-> flow log) for stack rules.

Preferred link: the property's dependency URNs (`PolicyResource.property_dependencies`), which work
even when ids are unknown at preview. Fallback: the property's value equals the target's id, ARN,
name or bucket name.
"""

from __future__ import annotations

from typing import Any

from .core import Subject, get, is_unknown


def linked(side: Subject, prop: str, target: Subject) -> bool:
    if target.urn in side.property_dependencies.get(prop, ()):
        return True
    value = get(side.props, prop)
    if value is None or is_unknown(value):
        return False
    ids = _identities(target)
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and v in ids for v in values)


def _identities(target: Subject) -> set[str]:
    keys = ("id", "arn", "bucket", "name", "clusterIdentifier", "replicationGroupId")
    found: set[str] = {target.urn}
    for key in keys:
        value: Any = get(target.props, key)
        if isinstance(value, str) and value and not is_unknown(value):
            found.add(value)
    return found


def linked_to_any(side: Subject, props: tuple[str, ...], target: Subject) -> bool:
    return any(linked(side, p, target) for p in props)
