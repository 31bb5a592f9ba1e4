"""Turn one resource's recorded inputs into Terraform's shape: snake_case names, nested objects as
blocks (lists of one object), maps kept as maps, and every id/ARN taken from another resource as a
reference to it.

The result is an intermediate tree whose leaves may be `Ref` (a value another resource provides,
unknown at plan time, exactly as Terraform shows it), `UNKNOWN_LEAF` (unknown in a preview) or
`Secret` (masked). planner.export.terraform renders it into values, masks and expressions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from planner.export.mapping import TypeMapping
from planner.recorder import SIGNATURE_KEY, UNKNOWN, RecordedResource

PREFERRED_ATTRIBUTES = ("id", "arn")
"""When a value equals several outputs of the resource it came from, the conventional one wins
(`bucket = aws_s3_bucket.x.id`, not `.bucket`)."""
MIN_EMBEDDED = 8
"""Shortest id that counts when found inside a longer string (a policy document naming an ARN)."""


@dataclass(frozen=True)
class Ref:
    address: str
    attribute: str

    @property
    def references(self) -> list[str]:
        return [f"{self.address}.{self.attribute}", self.address]


@dataclass(frozen=True)
class Secret:
    pass


@dataclass(frozen=True)
class Unknown:
    pass


UNKNOWN_LEAF = Unknown()
SECRET_LEAF = Secret()


@dataclass(frozen=True)
class Target:
    """A resource other resources can reference: its address and the outputs they can take."""

    address: str
    outputs: dict[str, Any]
    """Output name (Terraform snake_case) -> value; `id` first."""


@dataclass
class Converted:
    attributes: dict[str, Any]
    """Terraform attribute -> converted value (may hold Ref / Secret / Unknown leaves)."""
    embedded: dict[str, list[str]]
    """Terraform attribute -> references found inside its strings (the value itself stays)."""


def target_of(resource: RecordedResource, address: str, mapping: TypeMapping) -> Target:
    outputs: dict[str, Any] = {"id": resource.id} if resource.id else {}
    for key, value in sorted(resource.outputs.items()):
        if isinstance(value, str | int) and not isinstance(value, bool):
            outputs.setdefault(mapping.tf_name(key), value)
    return Target(address, outputs)


def _exact(value: str, targets: list[Target]) -> Ref | None:
    for target in targets:
        names = [*PREFERRED_ATTRIBUTES, *sorted(target.outputs)]
        for name in names:
            if target.outputs.get(name) == value:
                return Ref(target.address, name)
    return None


def _embedded(value: str, targets: list[Target]) -> list[str]:
    found: list[str] = []
    for target in targets:
        # The longest match names what the text holds: an ARN contains the bare id.
        hits = [(len(out), name) for name in PREFERRED_ATTRIBUTES
                if isinstance(out := target.outputs.get(name), str)
                and len(out) >= MIN_EMBEDDED and out in value]  # fmt: skip
        if hits:
            found += Ref(target.address, max(hits)[1]).references
    return found


def archive_file(value: dict[str, Any]) -> str:
    """A Pulumi asset or archive (a Lambda's code) as the file Terraform would name: the archive
    of its files (`rotation_handler.py.zip`)."""
    files = sorted(value.get("assets") or {})
    return f"{'+'.join(files) or 'asset'}.zip"


def convert(
    resource: RecordedResource, mapping: TypeMapping, targets: Mapping[str, Target]
) -> Converted:
    """`targets`: URN -> Target of every exported resource (what a dependency can resolve to)."""
    secrets = set(resource.secret_paths)
    embedded: dict[str, list[str]] = {}

    def leaf(value: Any, path: str, deps: list[Target], attr: str) -> Any:
        if path in secrets:
            return SECRET_LEAF
        if value == UNKNOWN:
            return UNKNOWN_LEAF
        if isinstance(value, str) and deps:
            ref = _exact(value, deps)
            if ref:
                return ref
            refs = _embedded(value, deps)
            if refs:
                embedded.setdefault(attr, []).extend(refs)  # duplicates dropped on output
        return value

    def walk(value: Any, prop: str, path: str, deps: list[Target], attr: str) -> Any:
        if path in secrets:
            return SECRET_LEAF
        if isinstance(value, dict) and SIGNATURE_KEY in value:
            return archive_file(value)
        if isinstance(value, dict):
            if mapping.is_map(prop):
                return {k: walk(v, k, f"{path}.{k}", deps, attr) for k, v in value.items()}
            return [_block(value, path, deps, attr)]
        if isinstance(value, list):
            items = [walk(v, prop, f"{path}[{i}]", deps, attr) for i, v in enumerate(value)]
            # A list of blocks is already a list: do not nest each block in a list of its own.
            return [i[0] if isinstance(v, dict) and not mapping.is_map(prop) else i
                    for i, v in zip(items, value, strict=True)]  # fmt: skip
        return leaf(value, path, deps, attr)

    def _block(obj: dict[str, Any], path: str, deps: list[Target], attr: str) -> dict[str, Any]:
        return {mapping.tf_name(k): walk(v, k, f"{path}.{k}", deps, attr) for k, v in obj.items()}

    attributes: dict[str, Any] = {}
    for prop, value in resource.inputs.items():
        attr = mapping.tf_name(prop)
        deps = [targets[u] for u in resource.property_dependencies.get(prop, []) if u in targets]
        attributes[attr] = walk(value, prop, prop, deps, attr)
    return Converted(attributes, embedded)
