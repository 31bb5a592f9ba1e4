"""Environment presets: the defaults a stack file starts from, as data.

Model defaults are production-grade and secure. A preset relaxes or sizes them per environment, and
the stack file overrides the preset. Merge order: model defaults < PRESETS[environment] < stack file.
Keys are the camelCase keys of the stack files, without the project namespace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        "protectStatefulResources": False,
        "network": {
            "zones": ["a", "b"],
            "nat": "single",
            "flowLogs": {"retentionDays": 14},
            "interfaceEndpoints": [],
        },
    },
    "staging": {
        "protectStatefulResources": True,
        "network": {
            "zones": ["a", "b", "c"],
            "nat": "single",
            "flowLogs": {"retentionDays": 30},
            "interfaceEndpoints": ["ecr.api", "ecr.dkr", "sts"],
        },
    },
    "prod": {
        "protectStatefulResources": True,
        "network": {
            "zones": ["a", "b", "c"],
            "nat": "per_az",
            "flowLogs": {"retentionDays": 365},
            "interfaceEndpoints": ["ecr.api", "ecr.dkr", "sts", "logs"],
        },
    },
}


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge `override` onto `base`; nested mappings merge, everything else (lists too) replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
