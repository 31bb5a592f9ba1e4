"""Environment presets: what a stack file starts from, as data.

Model defaults (the components' own, secure and production-grade) are stated once, in the
components and config models. A preset only overrides them per environment, and the stack file
overrides the preset. Merge order:

    model defaults < PRESETS[environment] < CLOUD_PRESETS[cloud][environment] < stack file

`PRESETS` holds cloud-neutral intent (zones, replicas, retention, protection); `CLOUD_PRESETS`
sizes each cloud (instance classes, node types, price classes) with that cloud's own values. Keys
are the camelCase keys of the stack files, without the project namespace. A test keeps every
preset value different from the default it overrides.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PRESETS: dict[str, dict[str, Any]] = {
    "dev": {
        "protectStatefulResources": False,
        # Only the alarms that mean data at risk: each alarm is a monthly line on the bill.
        "alerting": {"alarmSeverities": ["P0"]},
        "network": {"zones": ["a", "b"], "nat": "single"},
        # Smallest sensible data tier: one writer, one cache node, short retention.
        "postgres": {"readers": 0, "backupRetentionDays": 1},
        "redis": {"replicas": 0, "multiAz": False, "snapshotRetentionDays": 1},
        "backup": {"retentionDays": 7},
        "cluster": {
            "nodeGroups": {
                "general": {"minSize": 1, "desiredSize": 1, "maxSize": 3, "diskSizeGib": 20}
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
        # One Prometheus keeping 2 days on a 2 GiB volume (~$0.18/month), one Alertmanager
        # without a volume (silences are lost when its pod restarts): no HA in dev.
        "metrics": {
            "prometheus": {
                "replicas": 1,
                "retentionDays": 2,
                "volumeGib": 2,
                "requestsCpu": "100m",
                "requestsMemory": "512Mi",
                "limitsMemory": "1Gi",
            },
            "alertmanager": {"replicas": 1, "volumeGib": 0},
        },
        "storage": {
            "forceDestroy": True,
            "assets": {"lifecycle": {"noncurrentVersionExpirationDays": 7}},
            "uploads": {"lifecycle": {"noncurrentVersionExpirationDays": 7}},
            "backups": {"lifecycle": {"noncurrentVersionExpirationDays": 7}},
            "logs": {"retentionDays": 30, "noncurrentVersionExpirationDays": 7},
        },
        # No edge WAF in dev unless a stack asks for it (~$11/month).
        "cdn": {"waf": {"enabled": False, "rateLimit": 1000}},
        # Every log's days from its class (infra/sections/logs.py), on either cloud: dev keeps
        # little.
        "logs": {"retention": {"application": 7, "audit": 14, "flow": 14}},
    },
    # QA: dev's footprint (derived below), but it runs the release candidate exactly as it will
    # ship (dev's digest exemption is dropped) and keeps logs long enough to investigate a failed
    # test cycle.
    "test": {
        "storage": {"logs": {"retentionDays": 60}},
        # QA keeps audit and flow logs long enough to investigate a failed test cycle.
        "logs": {"retention": {"audit": 30, "flow": 30}},
    },
    "staging": {
        "network": {"nat": "single"},
        "postgres": {"readers": 1, "backupRetentionDays": 7},
        "redis": {"replicas": 1},
        "backup": {"retentionDays": 14},
        "storage": {"logs": {"retentionDays": 90}},
        "logs": {"retention": {"audit": 90, "flow": 30}},
    },
    "prod": {
        # Writer + 1 reader in distinct zones (automatic failover; Aurora storage spans 3 zones:
        # RPO 0 in-region); primary + 1 replica across zones. The plans' budget, same SLOs.
        "postgres": {"readers": 1},
        "redis": {"replicas": 1},
        "appDefaults": {"replicas": {"min": 3, "max": 9}},
        "storage": {
            "assets": {"lifecycle": {"noncurrentVersionExpirationDays": 30}},
            "backups": {"lifecycle": {"noncurrentVersionExpirationDays": 365}},
        },
    },
}

CLOUD_PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    "aws": {
        "dev": {
            # One NAT instance (~$8/month) instead of a NAT gateway (~$39): dev egress may pause
            # while EC2 recovers the instance.
            "network": {"nat": "instance"},
            # Restore drills restore a whole cluster each week: prod-grade verification, not dev's.
            "backup": {"restoreTesting": {"enabled": False}},
            # A Serverless v2 writer that pauses when idle.
            "postgres": {
                "serverless": {"minAcu": 0, "maxAcu": 4, "secondsUntilAutoPause": 1800},
                "monitoringIntervalSeconds": 0,
            },
            "redis": {"nodeType": "cache.t4g.micro"},
            "cluster": {
                "logTypes": ["api", "audit", "authenticator"],
                # Graviton spot: two sizes for spot diversification, one architecture (arm64).
                "nodeGroups": {
                    "general": {"instanceTypes": ["t4g.large", "m7g.large"], "capacityType": "SPOT"}
                },
            },
            "storage": {"backups": {"lifecycle": {"transitions": []}}},
            "cdn": {"priceClass": "PriceClass_100"},
            # ECR's AWS-managed key instead of a $1/month CMK: still KMS at rest.
            "registry": {"customerManagedKey": False},
            # Dev's bill is small: an anomaly of $20 is already worth a look.
            "budget": {"anomalyThresholdUsd": 20},
            # Fewer traces (X-Ray bills per trace recorded) and one collector replica.
            "tracing": {"samplingRatio": 0.05, "replicas": 1},
            # No health checks (~$2.75 each with HTTPS, plus their alarms and us-east-1 topics).
            "healthChecks": {"enabled": False},
        },
        "staging": {
            "postgres": {"serverless": {"minAcu": 0.5, "maxAcu": 8}},
            "redis": {"nodeType": "cache.t4g.small"},
            "cluster": {
                "nodeGroups": {
                    "general": {
                        "instanceTypes": ["m7g.large", "m7g.xlarge"],
                        "minSize": 2,
                        "desiredSize": 2,
                        "maxSize": 6,
                        "diskSizeGib": 30,
                    }
                }
            },
            "cdn": {"priceClass": "PriceClass_100"},
        },
        "prod": {
            # No interface endpoints: image layers come through the free S3 gateway endpoint and
            # the ECR/STS APIs carry too little traffic for ~$24/month per endpoint to pay back
            # (break-even in docs/cost.md); add them per stack when the NAT bill says so.
            "postgres": {"serverless": {"minAcu": 1, "maxAcu": 16}},
            "redis": {"nodeType": "cache.t4g.medium"},
            "cluster": {"nodeGroups": {"general": {"instanceTypes": ["m7g.large", "m7g.xlarge"]}}},
            # Governance mode: only principals allowed to delete the lock can lift it. Setting
            # changeableForDays switches to compliance mode (irreversible after those days).
            "backup": {"vaultLock": {"enabled": True}},
            # The DR region's vault holds the off-site copies: locked like the primary's.
            "dr": {"vaultLock": {"enabled": True}},
            "storage": {
                "uploads": {
                    "lifecycle": {
                        "transitions": [{"days": 90, "storageClass": "INTELLIGENT_TIERING"}]
                    }
                },
                "backups": {
                    "lifecycle": {
                        "transitions": [
                            {"days": 30, "storageClass": "STANDARD_IA"},
                            {"days": 90, "storageClass": "GLACIER_IR"},
                            {"days": 365, "storageClass": "DEEP_ARCHIVE"},
                        ]
                    }
                },
            },
        },
    },
    "alicloud": {
        "dev": {
            # Spot g-family nodes, two types for spot diversification; ACK nodes need a 40 GiB disk.
            # The older g6 first: the same 2 vCPU / 8 GiB for less per vCPU (the catalogue's
            # figures), which a cost-optimized spot pool launches first; g7 when g6 runs out.
            "cluster": {
                "nodeGroups": {
                    "general": {
                        "instanceTypes": ["ecs.g6.large", "ecs.g7.large"],
                        "spot": True,
                        "diskSizeGib": 40,
                    }
                },
            },
            # One Basic-category database node (no standby, no log backups), a single-node cache.
            "postgres": {
                "multiAz": False,
                "instanceClass": "pg.n2.small.1",
                "storageGib": 20,
                "backupRetentionDays": 7,
                "logRetentionDays": 14,
            },
            "redis": {"nodeType": "redis.basic.small.default", "slowLogRetentionDays": 14},
            "cdn": {"waf": {"logRetentionDays": 14}},
            # The smallest ESSD PL1 disk is 20 GiB. Dev's volumes (Prometheus' 2 days of metrics)
            # are ESSD PL0: up to 10,000 IOPS (PL1: 50,000) at half the price per GB.
            "metrics": {"prometheus": {"volumeGib": 20}},
            "platform": {"volumePerformanceLevel": "PL0"},
        },
        "test": {"cdn": {"waf": {"logRetentionDays": 30}}},
        "staging": {
            "redis": {"slowLogRetentionDays": 30},
            "cdn": {"waf": {"logRetentionDays": 90}},
            "cluster": {
                "nodeGroups": {
                    "general": {"minSize": 2, "desiredSize": 2, "maxSize": 6, "diskSizeGib": 60}
                }
            },
            "postgres": {"instanceClass": "pg.n2.small.2c", "logRetentionDays": 30},
        },
        # Alertmanager volumes on ESSD: the smallest is 20 GiB.
        "prod": {"metrics": {"alertmanager": {"volumeGib": 20}}},
    },
}


ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "postgres.polardb": ("instanceClass", "readerClass", "storageGib", "maxStorageGib", "multiAz"),
    "redis.serverless": (
        "nodeType", "replicas", "clusterMode", "shards", "multiAz", "parameters",
        "maintenanceWindow", "authTokenUpdateStrategy", "slowLogRetentionDays",
    ),
}  # fmt: skip
"""A key that switches a section to another kind of resource, and the sibling keys that only
the other kind has. When the stack file sets it, the presets' values of those siblings are
dropped (they size what is no longer built); the stack file's own values stay, so config can
name them as not applying."""


def preset(environment: object, cloud: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The stack-file values `raw` merged over the presets of its environment and cloud. Unknown
    environments or clouds get no preset (validation then names the bad key)."""
    env = environment if isinstance(environment, str) else ""
    merged = deep_merge(PRESETS.get(env, {}), CLOUD_PRESETS.get(cloud, {}).get(env, {}))
    for switch, siblings in ALTERNATIVES.items():
        section, _, key = switch.partition(".")
        chosen = raw.get(section)
        if isinstance(chosen, Mapping) and chosen.get(key) is not None:
            for sibling in siblings:
                merged = _without(merged, f"{section}.{sibling}")
    return deep_merge(merged, raw)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge `override` onto `base`; nested mappings merge, everything else (lists too) replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _without(preset: Mapping[str, Any], dotted: str) -> dict[str, Any]:
    """`preset` without the key at a dotted path (so the model default applies again)."""
    head, _, rest = dotted.partition(".")
    copy = dict(preset)
    if rest and isinstance(copy.get(head), Mapping):
        copy[head] = _without(copy[head], rest)
    elif not rest:
        copy.pop(head, None)
    return copy


# `test` starts from dev and changes only what its comment says; each cloud sizes it like dev.
PRESETS["test"] = _without(deep_merge(PRESETS["dev"], PRESETS["test"]), "appDefaults.requireDigest")
for _per_env in CLOUD_PRESETS.values():
    _per_env["test"] = deep_merge(_per_env["dev"], _per_env.get("test", {}))
