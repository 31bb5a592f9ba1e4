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
        "storage": {
            "forceDestroy": True,
            "assets": {"lifecycle": {"noncurrentVersionExpirationDays": 7}},
            "uploads": {"lifecycle": {"noncurrentVersionExpirationDays": 7}},
            "backups": {"lifecycle": {"noncurrentVersionExpirationDays": 7, "transitions": []}},
            "logs": {"retentionDays": 30, "noncurrentVersionExpirationDays": 7},
        },
        "cdn": {
            "priceClass": "PriceClass_100",
            "allowDefaultCertificate": True,
            "waf": {"rateLimit": 1000, "logRetentionDays": 14},
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
        "storage": {
            "forceDestroy": False,
            "logs": {"retentionDays": 90},
        },
        "cdn": {
            "priceClass": "PriceClass_100",
            "allowDefaultCertificate": True,
            "waf": {"logRetentionDays": 90},
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
        "storage": {
            "forceDestroy": False,
            "assets": {"lifecycle": {"noncurrentVersionExpirationDays": 30}},
            "uploads": {
                "lifecycle": {
                    "noncurrentVersionExpirationDays": 90,
                    "transitions": [{"days": 90, "storageClass": "INTELLIGENT_TIERING"}],
                }
            },
            "backups": {
                "lifecycle": {
                    "noncurrentVersionExpirationDays": 365,
                    "transitions": [
                        {"days": 30, "storageClass": "STANDARD_IA"},
                        {"days": 90, "storageClass": "GLACIER_IR"},
                        {"days": 365, "storageClass": "DEEP_ARCHIVE"},
                    ],
                }
            },
            "logs": {"retentionDays": 365, "noncurrentVersionExpirationDays": 30},
        },
        "cdn": {
            "priceClass": "PriceClass_All",
            "allowDefaultCertificate": False,
            "minimumTlsVersion": "TLSv1.2_2021",
            "waf": {"rateLimit": 2000, "logRetentionDays": 365},
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
