"""The token -> Terraform type table (tf_types.json) and the property-name rules it drives."""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("tf_types.json")


@dataclass(frozen=True)
class TypeMapping:
    token: str
    tf_type: str
    provider: str
    """The Pulumi package (aws, alicloud, random): selects the Terraform provider source."""
    renames: dict[str, str] = field(default_factory=dict)
    maps: frozenset[str] = frozenset()

    def tf_name(self, prop: str) -> str:
        return self.renames.get(prop) or snake(prop)

    def is_map(self, prop: str) -> bool:
        return prop in self.maps


@dataclass(frozen=True)
class Table:
    providers: dict[str, str]
    """Pulumi package -> Terraform provider source address."""
    types: dict[str, TypeMapping]
    unmappable: dict[str, str]
    """Token pattern -> why it has no Terraform resource type."""

    def lookup(self, token: str) -> TypeMapping | None:
        return self.types.get(token)

    def unmappable_reason(self, token: str) -> str | None:
        return next(
            (why for pat, why in self.unmappable.items() if fnmatch.fnmatch(token, pat)), None
        )


def snake(name: str) -> str:
    """camelCase -> snake_case, as the Pulumi bridge derives names (`ipv6CidrBlocks` -> `ipv6_cidr_blocks`)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@cache
def load_table(path: Path = TABLE) -> Table:
    data: dict[str, Any] = json.loads(path.read_text())
    common = frozenset(data["maps"])
    types = {
        token: TypeMapping(
            token=token,
            tf_type=entry["type"],
            provider=token.split(":", 1)[0],
            renames=dict(entry.get("renames", {})),
            maps=common | frozenset(entry.get("maps", [])),
        )
        for token, entry in data["types"].items()
    }
    return Table(dict(data["providers"]), types, dict(data["unmappable"]))
