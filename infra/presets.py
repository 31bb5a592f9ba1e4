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
            # One NAT instance (~$8/month) instead of a NAT gateway (~$39): dev egress may pause
            # while EC2 recovers the instance.
            "nat": "instance",
            "flowLogs": {"retentionDays": 14},
            # Interface endpoints cost ~$8/month per zone each; dev's traffic never pays them back.
            "interfaceEndpoints": [],
        },
        # Smallest sensible data tier: a Serverless v2 writer that pauses when idle, one cache
        # node, short retention.
        "postgres": {
            "serverless": {"minAcu": 0, "maxAcu": 4, "secondsUntilAutoPause": 1800},
            "readers": 0,
            "backupRetentionDays": 1,
            "monitoringIntervalSeconds": 0,
            "logRetentionDays": 14,
        },
        "redis": {
            "nodeType": "cache.t4g.micro",
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
                # Graviton spot: two sizes for spot diversification, one architecture (arm64).
                "general": {
                    "instanceTypes": ["t4g.large", "m7g.large"],
                    "capacityType": "SPOT",
                    "minSize": 1,
                    "desiredSize": 1,
                    "maxSize": 3,
                    "diskSizeGib": 20,
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
            # No edge WAF in dev unless a stack asks for it (~$11/month).
            "waf": {"enabled": False, "rateLimit": 1000, "logRetentionDays": 14},
        },
    },
    "staging": {
        "protectStatefulResources": True,
        "network": {
            "zones": ["a", "b", "c"],
            "nat": "single",
            "flowLogs": {"retentionDays": 30},
            "interfaceEndpoints": [],
        },
        # Prod's shape (writer + reader, primary + replica), smaller floors.
        "postgres": {
            "serverless": {"minAcu": 0.5, "maxAcu": 8},
            "readers": 1,
            "backupRetentionDays": 7,
            "logRetentionDays": 30,
        },
        "redis": {
            "nodeType": "cache.t4g.small",
            "replicas": 1,
            "multiAz": True,
            "snapshotRetentionDays": 7,
            "slowLogRetentionDays": 30,
        },
        "backup": {"retentionDays": 14, "vaultLock": {"enabled": False}},
        "cluster": {
            "nodeGroups": {
                "general": {
                    "instanceTypes": ["m7g.large", "m7g.xlarge"],
                    "capacityType": "ON_DEMAND",
                    "minSize": 2,
                    "desiredSize": 2,
                    "maxSize": 6,
                    "diskSizeGib": 30,
                }
            },
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
            # Image pulls go through the (free) S3 gateway endpoint for their layers; the ECR and
            # STS APIs carry little traffic, so their endpoints (~$24/month each over 3 zones)
            # would cost more than the NAT processing they save. Add them per stack when the
            # NAT data bill shows otherwise (docs/cost.md has the break-even).
            "interfaceEndpoints": [],
        },
        # Writer + 1 reader in distinct zones (automatic failover, shared storage across 3 zones:
        # RPO 0 in-region), Serverless v2 from 1 ACU; primary + 1 replica, Multi-AZ; locked vault.
        "postgres": {
            "serverless": {"minAcu": 1, "maxAcu": 16},
            "readers": 1,
            "backupRetentionDays": 14,
            "monitoringIntervalSeconds": 60,
            "logRetentionDays": 365,
        },
        "redis": {
            "nodeType": "cache.t4g.medium",
            "replicas": 1,
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
                    "instanceTypes": ["m7g.large", "m7g.xlarge"],
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
