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
        "cluster": {
            "logRetentionDays": 30,
            "logTypes": ["api", "audit", "authenticator"],
            "nodeGroups": {
                "general": {
                    "instanceTypes": ["t3.large", "t3a.large"],
                    "capacityType": "SPOT",
                    "minSize": 1,
                    "desiredSize": 2,
                    "maxSize": 3,
                    "diskSizeGib": 30,
                }
            },
        },
        "platform": {
            "acmeServer": "staging",
            "storageReclaimPolicy": "Delete",
            "namespaces": [
                {
                    "name": "apps",
                    "quota": {
                        "requestsCpu": "2",
                        "requestsMemory": "4Gi",
                        "limitsCpu": "4",
                        "limitsMemory": "8Gi",
                        "pods": 30,
                    },
                }
            ],
        },
        "apps": {
            "example": {"requireDigest": False, "minReplicas": 1, "maxReplicas": 3},
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
        "cluster": {
            "logRetentionDays": 365,
            "nodeGroups": {
                "general": {
                    "instanceTypes": ["m7i.large", "m6i.large"],
                    "capacityType": "ON_DEMAND",
                    "minSize": 3,
                    "desiredSize": 3,
                    "maxSize": 9,
                    "diskSizeGib": 50,
                }
            },
        },
        "platform": {"acmeServer": "production", "storageReclaimPolicy": "Retain"},
        "apps": {"example": {"requireDigest": True, "minReplicas": 3, "maxReplicas": 9}},
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
