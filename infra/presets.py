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
        # Smallest sensible data tier: one burstable writer, one cache node, short retention.
        "postgres": {
            "instanceClass": "db.t4g.medium",
            "readers": 0,
            "backupRetentionDays": 1,
            "monitoringIntervalSeconds": 0,
            "logRetentionDays": 14,
        },
        "redis": {
            "nodeType": "cache.t4g.small",
            "replicas": 0,
            "multiAz": False,
            "snapshotRetentionDays": 1,
            "slowLogRetentionDays": 14,
        },
        "backup": {"retentionDays": 7, "vaultLock": {"enabled": False}},
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
        "appDefaults": {"requireDigest": False, "replicas": {"min": 1, "max": 3}},
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
        "postgres": {
            "instanceClass": "db.r7g.large",
            "readers": 1,
            "backupRetentionDays": 7,
            "logRetentionDays": 30,
        },
        "redis": {
            "nodeType": "cache.t4g.medium",
            "replicas": 1,
            "multiAz": True,
            "snapshotRetentionDays": 7,
            "slowLogRetentionDays": 30,
        },
        "backup": {"retentionDays": 14, "vaultLock": {"enabled": False}},
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
        # Writer + 2 readers over 3 zones; primary + 2 replicas, Multi-AZ; locked backup vault.
        "postgres": {
            "instanceClass": "db.r7g.large",
            "readers": 2,
            "backupRetentionDays": 14,
            "monitoringIntervalSeconds": 60,
            "logRetentionDays": 365,
        },
        "redis": {
            "nodeType": "cache.r7g.large",
            "replicas": 2,
            "multiAz": True,
            "snapshotRetentionDays": 7,
            "slowLogRetentionDays": 365,
        },
        "backup": {
            "retentionDays": 35,
            # Governance mode: only principals allowed to delete the lock can lift it. Setting
            # changeableForDays switches to compliance mode (irreversible after those days).
            "vaultLock": {"enabled": True, "minRetentionDays": 7, "maxRetentionDays": 365},
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
        "appDefaults": {"requireDigest": True, "replicas": {"min": 3, "max": 9}},
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
