"""The Terraform JSON plan (format 1.2) of a recorded program: every mapped resource as a `create`,
with a configuration whose expressions carry the references between resources.

Layout follows `terraform show -json`: planned_values.root_module.resources, resource_changes,
configuration.{provider_config, root_module.resources}. Values another resource provides are
null in planned values and `true` in after_unknown, as Terraform shows a value known only after
apply; the configuration names the resource and attribute they come from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from planner.export.mapping import Table, TypeMapping
from planner.export.values import Converted, Ref, Secret, Unknown, convert, target_of
from planner.recorder import RecordedResource
from planner.report import MASK

FORMAT_VERSION = "1.2"
TERRAFORM_VERSION = "1.9.8"
"""The plan format this export follows (what readers check before parsing), not a Terraform run."""


@dataclass(frozen=True)
class Exported:
    resource: RecordedResource
    mapping: TypeMapping
    name: str

    @property
    def address(self) -> str:
        return f"{self.mapping.tf_type}.{self.name}"


def _identifier(name: str) -> str:
    ident = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return ident if re.match(r"[A-Za-z_]", ident) else f"_{ident}"


def select(resources: Iterable[RecordedResource], table: Table) -> list[Exported]:
    """Mapped custom resources with unique Terraform names (sorted by URN: stable output)."""
    out: list[Exported] = []
    taken: set[str] = set()
    for r in sorted(resources, key=lambda r: r.urn):
        mapping = table.lookup(r.type) if r.custom else None
        if mapping is None:
            continue
        name, n = _identifier(r.name), 2
        while f"{mapping.tf_type}.{name}" in taken:
            name, n = f"{_identifier(r.name)}_{n}", n + 1
        taken.add(f"{mapping.tf_type}.{name}")
        out.append(Exported(r, mapping, name))
    return out


def _values(v: Any) -> Any:
    if isinstance(v, Ref | Unknown):
        return None
    if isinstance(v, Secret):
        return MASK
    if isinstance(v, dict):
        return {k: _values(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_values(x) for x in v]
    return v


def _mask(v: Any, hit: type | tuple[type, ...]) -> Any:
    """Terraform's shape of after_unknown / sensitive masks: true where `hit`, nested objects and
    lists mirrored, plain known values omitted from objects (false in lists)."""
    if isinstance(v, hit):
        return True
    if isinstance(v, dict):
        inner = {k: _mask(x, hit) for k, x in v.items()}
        return {k: m for k, m in inner.items() if m not in (False, {}, [])}
    if isinstance(v, list):
        items = [_mask(x, hit) for x in v]
        return items if any(m not in (False, {}) for m in items) else []
    return False


def _refs(v: Any) -> list[str]:
    if isinstance(v, Ref):
        return v.references
    if isinstance(v, dict):
        return [r for x in v.values() for r in _refs(x)]
    if isinstance(v, list):
        return [r for x in v for r in _refs(x)]
    return []


def _expression(v: Any, embedded: list[str]) -> Any:
    if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):  # blocks
        return [{k: _expression(x, []) for k, x in block.items()} for block in v]
    refs = list(dict.fromkeys(_refs(v) + embedded))
    if refs:
        return {"references": refs}
    if isinstance(v, Secret | Unknown) or _has(v, (Secret, Unknown)):
        return {}
    return {"constant_value": v}


def _has(v: Any, kinds: tuple[type, ...]) -> bool:
    if isinstance(v, kinds):
        return True
    if isinstance(v, dict):
        return any(_has(x, kinds) for x in v.values())
    if isinstance(v, list):
        return any(_has(x, kinds) for x in v)
    return False


def provider_keys(resources: Iterable[RecordedResource], table: Table) -> dict[str, str]:
    """Pulumi provider URN -> provider config key (`aws.<provider name>`)."""
    keys: dict[str, str] = {}
    for r in resources:
        if r.type.startswith("pulumi:providers:"):
            package = r.type.rsplit(":", 1)[1]
            if package in table.providers:
                keys[r.urn] = f"{package}.{_identifier(r.name)}"
    return keys


def _provider_config(
    resources: Iterable[RecordedResource], keys: dict[str, str], table: Table
) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for r in sorted(resources, key=lambda r: r.urn):
        if r.urn in keys:
            package, alias = keys[r.urn].split(".", 1)
            expressions = {k: {"constant_value": v} for k, v in sorted(r.inputs.items())
                           if k in ("region", "profile") and isinstance(v, str)}  # fmt: skip
            config[keys[r.urn]] = {"name": package, "full_name": table.providers[package], "alias": alias,
                                   "expressions": expressions}  # fmt: skip
    return config


def plan_document(resources: list[RecordedResource], table: Table) -> dict[str, Any]:
    exported = select(resources, table)
    targets = {e.resource.urn: target_of(e.resource, e.address, e.mapping) for e in exported}
    keys = provider_keys(resources, table)
    planned: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    configured: list[dict[str, Any]] = []
    for e in exported:
        converted: Converted = convert(e.resource, e.mapping, targets)
        attrs = converted.attributes
        values = _values(attrs)
        sensitive = _mask(attrs, Secret)
        unknown = _mask(attrs, (Ref, Unknown))
        # Outputs only the cloud computes (id, arn, endpoints) are unknown until apply.
        unknown |= {k: True for k in targets[e.resource.urn].outputs if k not in attrs}
        base = {"address": e.address, "mode": "managed", "type": e.mapping.tf_type,
                "name": e.name, "provider_name": table.providers[e.mapping.provider]}  # fmt: skip
        planned.append(base | {"schema_version": 0, "values": values,
                               "sensitive_values": sensitive})  # fmt: skip
        changes.append(
            base
            | {
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": values,
                    "after_unknown": unknown,
                    "before_sensitive": False,
                    "after_sensitive": sensitive,
                }
            }
        )
        expressions = {k: _expression(v, converted.embedded.get(k, [])) for k, v in attrs.items()}
        configured.append(
            {
                "address": e.address,
                "mode": "managed",
                "type": e.mapping.tf_type,
                "name": e.name,
                "provider_config_key": keys.get(e.resource.provider or "", e.mapping.provider),
                "expressions": expressions,
                "schema_version": 0,
            }
        )
    return {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": _provider_config(resources, keys, table),
            "root_module": {"resources": configured},
        },
        "errored": False,
    }
