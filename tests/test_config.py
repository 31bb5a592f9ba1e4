"""The stack config model: every real stack file validates; bad input fails naming the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra import ConfigError, parse_config
from infra.presets import CLOUD_PRESETS, PRESETS
from infra.schema import stack_file_schema
from tests.conftest import PROJECT_DIR, STACKS, raw_stack_config, stack_config


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_file_validates(stack: str) -> None:
    cfg = stack_config(stack)
    assert cfg.environment == raw_stack_config(stack)["environment"]


def test_presets_apply_under_the_stack_file() -> None:
    dev, prod = stack_config("dev"), stack_config("prod")
    assert dev.network.nat == CLOUD_PRESETS["aws"]["dev"]["network"]["nat"] == "instance"
    assert prod.network.nat == "per_az"
    assert len(dev.zone_names) == 2
    assert prod.zone_names == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert dev.protect_stateful_resources is False
    assert prod.protect_stateful_resources is True


def test_stack_file_value_wins_over_preset() -> None:
    cfg = stack_config("dev", network={"cidr": "10.10.0.0/16", "nat": "per_az"})
    assert cfg.network.nat == "per_az"
    assert cfg.network.flow_logs.retention_days == 14  # the rest of the preset still applies


def test_config_is_frozen() -> None:
    cfg = stack_config("dev")
    with pytest.raises(Exception, match="frozen"):
        cfg.region = "us-east-1"  # type: ignore[misc]


def test_base_tags_cover_required_keys() -> None:
    tags = stack_config(
        "prod", tags={"owner": "a", "costCenter": "b", "extra": {"owner": "x"}}
    ).base_tags
    assert {"environment", "owner", "cost-center", "service", "managed-by"} <= set(tags)
    assert tags["owner"] == "a"  # required tags win over extras


def _net(**kw: Any) -> dict[str, Any]:
    return {"cidr": "10.10.0.0/16", **kw}


# (overrides of the dev stack file, field the error must name, a fragment of the explanation)
BAD_INPUTS: list[tuple[str, dict[str, Any], str, str]] = [
    ("bad-cidr-prefix", {"network": _net(cidr="10.0.0.0/33")}, "groundwork:network.cidr", "not a valid IPv4 network"),
    ("cidr-host-bits", {"network": _net(cidr="10.0.0.1/16")}, "groundwork:network.cidr", "host bits"),
    ("public-cidr", {"network": _net(cidr="8.8.0.0/16")}, "groundwork:network.cidr", "private"),
    ("vpc-too-small", {"network": _net(cidr="10.0.0.0/18")}, "groundwork:network.cidr", "too small"),
    ("environment", {"environment": "production"}, "groundwork:environment", "'dev', 'test', 'staging' or 'prod'"),
    ("cloud", {"cloud": "gcp"}, "groundwork:cloud", "'aws' or 'alicloud'"),
    ("region", {"region": "eu-west-9"}, "groundwork:region", "allowed: af-south-1"),
    ("region-other-cloud", {"region": "cn-hangzhou"}, "groundwork:region", "not an AWS region"),
    ("missing-region", {"region": None}, "groundwork:region", "required"),
    ("unknown-key", {"netwrok": {}}, "groundwork:netwrok", "unknown key"),
    ("unknown-nested-key", {"network": _net(cidrr="x")}, "groundwork:network.cidrr", "unknown key"),
    ("nat", {"network": _net(nat="two")}, "groundwork:network.nat", "'none', 'single', 'per_az', 'regional' or 'instance'"),
    ("prefix-range", {"network": _net(privateSubnetPrefix=30)}, "groundwork:network.privateSubnetPrefix", "28"),
    ("retention", {"network": _net(flowLogs={"retentionDays": 10})}, "groundwork:network.flowLogs.retentionDays", "14"),
    ("traffic-type", {"network": _net(flowLogs={"trafficType": "SOME"})}, "groundwork:network.flowLogs.trafficType", "'ALL'"),
    ("zones-duplicate", {"network": _net(zones=["a", "a"])}, "groundwork:network.zones", "unique"),
    ("zones-empty", {"network": _net(zones=[])}, "groundwork:network.zones", "at least 2"),
    ("one-zone", {"network": _net(zones=["a"])}, "groundwork:network.zones", "at least 2"),
    ("zone-twice-after-expansion", {"network": _net(zones=["a", "eu-west-1a"])}, "groundwork:network.zones", "listed twice"),
    ("zone-bad-format", {"network": _net(zones=["a", "eu-west-1-b"])}, "groundwork:network.zones", "not a zone of eu-west-1"),
    ("cidr-too-large", {"network": _net(cidr="10.0.0.0/8")}, "groundwork:network.cidr", "/16 to /28"),
    ("cidr-loopback", {"network": _net(cidr="127.0.0.0/16")}, "groundwork:network.cidr", "not inside a private range"),
    ("cidr-not-a-string", {"network": _net(cidr=5)}, "groundwork:network.cidr", "CIDR string"),
    ("endpoints-duplicate", {"network": _net(interfaceEndpoints=["sts", "sts"])}, "groundwork:network.interfaceEndpoints", "unique"),
    ("too-many-tags", {"tags": {"owner": "a", "costCenter": "b", "extra": {f"k{i}": "v" for i in range(11)}}}, "groundwork:tags.extra", "at most 10"),
    ("zone-other-region", {"network": _net(zones=["a", "us-east-1a"])}, "groundwork:network.zones", "not a zone of eu-west-1"),
    ("zone-letter-not-in-region", {"network": _net(zones=["a", "k"])}, "groundwork:network.zones", "its zones: a, b, c"),
    ("zone-d-in-eu-west-1", {"network": _net(zones=["a", "b", "d"])}, "groundwork:network.zones", "'d' is not a zone of eu-west-1"),
    ("slot-range", {"network": _net(zoneSlots={"a": 9})}, "groundwork:network.zoneSlots", "between 0 and 5"),
    ("slot-unknown-zone", {"network": _net(zoneSlots={"d": 3})}, "groundwork:network.zoneSlots", "not in network.zones"),
    ("endpoint", {"network": _net(interfaceEndpoints=["s4"])}, "groundwork:network.interfaceEndpoints.0", "'ecr.api'"),
    ("name-uppercase", {"name": "Acme"}, "groundwork:name", "pattern"),
    ("name-too-short", {"name": "ab"}, "groundwork:name", "pattern"),
    ("tags-missing-owner", {"tags": {"costCenter": "x"}}, "groundwork:tags.owner", "required"),
    ("tag-reserved", {"tags": {"owner": "a", "costCenter": "b", "extra": {"aws:x": "1"}}}, "groundwork:tags.extra", "reserved prefix"),
    ("tag-value-chars", {"tags": {"owner": "a<b>", "costCenter": "b"}}, "groundwork:tags.owner", "may only contain"),
    ("tag-too-long", {"tags": {"owner": "a", "costCenter": "b", "extra": {"k": "v" * 129}}}, "groundwork:tags.extra", "128"),
    ("dr-without-region", {"dr": {"enabled": True}}, "groundwork:dr.region", "required"),
    ("dr-same-region", {"dr": {"enabled": True, "region": "eu-west-1"}}, "groundwork:dr.region", "must differ"),
    ("dr-bad-region", {"dr": {"enabled": True, "region": "mars-1"}}, "groundwork:dr.region", "not an AWS region"),
    ("account-id", {"accountId": "12345"}, "groundwork:accountId", "12-digit account id"),
    ("protect-type", {"protectStatefulResources": "maybe"}, "groundwork:protectStatefulResources", "boolean"),
    ("pg-engine", {"postgres": {"engine": "mysql"}}, "groundwork:postgres.engine", "'aurora-postgresql' or 'postgres'"),
    ("pg-readers", {"postgres": {"readers": 16}}, "groundwork:postgres.readers", "less than or equal to 15"),
    ("pg-readers-negative", {"postgres": {"readers": -1}}, "groundwork:postgres.readers", "greater than or equal to 0"),
    ("pg-retention", {"postgres": {"backupRetentionDays": 36}}, "groundwork:postgres.backupRetentionDays", "less than or equal to 35"),
    ("pg-retention-zero", {"postgres": {"backupRetentionDays": 0}}, "groundwork:postgres.backupRetentionDays", "greater than or equal to 1"),
    ("pg-class", {"postgres": {"instanceClass": "r7g.large"}}, "groundwork:postgres.instanceClass", "pattern"),
    ("pg-backup-window", {"postgres": {"backupWindow": "2:00-3:00"}}, "groundwork:postgres.backupWindow", "hh24:mi-hh24:mi"),
    ("pg-maintenance-window", {"postgres": {"maintenanceWindow": "sunday 4am"}}, "groundwork:postgres.maintenanceWindow", "ddd:hh24:mi-ddd:hh24:mi"),
    ("pg-windows-overlap", {"postgres": {"backupWindow": "04:30-05:30"}}, "groundwork:postgres.backupWindow", "overlaps the maintenance window"),
    ("pg-staggered-overlap", {"postgres": {"readers": 2, "maintenanceWindow": "sun:01:00-sun:02:00", "backupWindow": "03:00-04:00"}}, "groundwork:postgres.backupWindow", "staggered for an instance"),
    ("pg-force-ssl", {"postgres": {"parameters": {"rds.force_ssl": "0"}}}, "groundwork:postgres.parameters", "cannot be turned off"),
    ("pg-pi-days", {"postgres": {"performanceInsightsRetentionDays": 30}}, "groundwork:postgres.performanceInsightsRetentionDays", "multiple of 31"),
    ("pg-monitoring", {"postgres": {"monitoringIntervalSeconds": 7}}, "groundwork:postgres.monitoringIntervalSeconds", "60"),
    ("pg-autoscaling", {"postgres": {"readers": 2, "readerAutoscaling": {"enabled": True, "maxReaders": 2}}}, "groundwork:postgres.readerAutoscaling.maxReaders", "above readers"),
    ("pg-autoscaling-engine", {"postgres": {"engine": "postgres", "serverless": None, "readerAutoscaling": {"enabled": True}}}, "groundwork:postgres.readerAutoscaling", "aurora-postgresql"),
    ("pg-serverless-zero-old-version", {"postgres": {"engineVersion": "16.2"}}, "groundwork:postgres.serverless", "min_acu 0 (pause when idle) needs Aurora PostgreSQL"),
    ("pg-serverless-range", {"postgres": {"serverless": {"minAcu": 8, "maxAcu": 4}}}, "groundwork:postgres.serverless", "need 0 <= min <= max"),
    ("pg-serverless-half-steps", {"postgres": {"serverless": {"minAcu": 0.3, "maxAcu": 4}}}, "groundwork:postgres.serverless", "steps of 0.5"),
    ("pg-serverless-engine", {"postgres": {"engine": "postgres"}}, "groundwork:postgres.serverless", "needs the aurora-postgresql engine"),
    ("pg-serverless-and-class", {"postgres": {"instanceClass": "db.r7g.large"}}, "groundwork:postgres.instanceClass", "instanceClass: not used with serverless"),
    ("pg-serverless-pause-without-zero", {"postgres": {"serverless": {"minAcu": 1, "maxAcu": 4, "secondsUntilAutoPause": 600}}}, "groundwork:postgres.serverless", "seconds_until_auto_pause needs min_acu 0"),
    ("nat-instance-type", {"network": _net(nat="instance", natInstanceType="t3.nano")}, "groundwork:network.natInstanceType", "pattern"),
    ("node-group-mixed-arch", {"cluster": {"adminRoleArns": ["arn:aws:iam::123456789012:role/a"], "nodeGroups": {"general": {"instanceTypes": ["m7g.large", "m7i.large"], "capacityType": "SPOT"}}}}, "groundwork:cluster.nodeGroups.general.instanceTypes", "mixes architectures"),
    ("budget-negative", {"budget": {"monthlyLimit": -5}}, "groundwork:budget.monthlyLimit", "greater than 0"),
    ("pg-password-key", {"postgres": {"masterPassword": "hunter2"}}, "groundwork:postgres.masterPassword", "unknown key"),
    ("pg-template-database", {"postgres": {"databaseName": "template1"}}, "groundwork:postgres.databaseName", "exists in every PostgreSQL cluster"),
    ("redis-engine", {"redis": {"engine": "memcached"}}, "groundwork:redis.engine", "'valkey' or 'redis'"),
    ("redis-node-type", {"redis": {"nodeType": "db.t4g.small"}}, "groundwork:redis.nodeType", "pattern"),
    ("redis-replicas", {"redis": {"replicas": 6}}, "groundwork:redis.replicas", "less than or equal to 5"),
    ("redis-retention", {"redis": {"snapshotRetentionDays": 0}}, "groundwork:redis.snapshotRetentionDays", "greater than or equal to 1"),
    ("redis-snapshot-window", {"redis": {"snapshotWindow": "03:00-03:30"}}, "groundwork:redis.snapshotWindow", "at least 60 minutes"),
    ("redis-windows-overlap", {"redis": {"snapshotWindow": "05:00-06:00"}}, "groundwork:redis.snapshotWindow", "overlaps the maintenance window"),
    ("redis-multi-az-single-node", {"redis": {"multiAz": True}}, "groundwork:redis.multiAz", "at least 1 replica"),
    ("redis-shards", {"redis": {"shards": 3}}, "groundwork:redis.shards", "clusterMode"),
    ("redis-token-key", {"redis": {"authToken": "s3cret"}}, "groundwork:redis.authToken", "unknown key"),
    ("redis-strategy", {"redis": {"authTokenUpdateStrategy": "DELETE"}}, "groundwork:redis.authTokenUpdateStrategy", "'ROTATE' or 'SET'"),
    ("backup-retention", {"backup": {"retentionDays": 40}}, "groundwork:backup.retentionDays", "at most 35 with continuousBackup"),
    ("backup-schedule", {"backup": {"schedule": "daily"}}, "groundwork:backup.schedule", "pattern"),
    # a YAML boolean where a number is expected is refused, never read as 1
    ("bool-for-count", {"redis": {"replicas": True}}, "groundwork:redis.replicas", "not the boolean true"),
    ("bool-for-money", {"budget": {"monthlyLimit": True}}, "groundwork:budget.monthlyLimit", "not the boolean true"),
    ("bool-for-listed-days", {"network": _net(flowLogs={"retentionDays": True})}, "groundwork:network.flowLogs.retentionDays", "not the boolean true"),
    ("backup-schedule-year", {"backup": {"schedule": "cron(0 3 * * ? 1999)"}}, "groundwork:backup.schedule", "then never again"),
    ("restore-drill-year", {"backup": {"restoreTesting": {"enabled": True, "schedule": "cron(0 5 ? * SUN 2027)"}}}, "groundwork:backup.restoreTesting.schedule", "then never again"),
    ("backup-lock-range", {"backup": {"retentionDays": 5, "vaultLock": {"enabled": True}}}, "groundwork:backup.vaultLock", "must lie within"),
    ("backup-lock-compliance", {"backup": {"vaultLock": {"changeableForDays": 1}}}, "groundwork:backup.vaultLock.changeableForDays", "greater than or equal to 3"),
    ("backup-copy-arn", {"backup": {"copyToVaultArns": ["arn:aws:s3:::b"]}}, "groundwork:backup.copyToVaultArns.0", "pattern"),
    ("k8s-version", {"cluster": {"version": "1.35.2"}}, "groundwork:cluster.version", "pattern"),
    ("support-type", {"cluster": {"supportType": "LTS"}}, "groundwork:cluster.supportType", "'STANDARD' or 'EXTENDED'"),
    ("public-no-cidrs", {"cluster": {"endpoint": {"public": True}}}, "groundwork:cluster.endpoint.publicCidrs", "required"),
    ("public-anywhere", {"cluster": {"endpoint": {"public": True, "publicCidrs": ["0.0.0.0/0"]}}}, "groundwork:cluster.endpoint.publicCidrs", "whole internet"),
    ("public-half-internet", {"cluster": {"endpoint": {"public": True, "publicCidrs": ["0.0.0.0/1", "128.0.0.0/1"]}}}, "groundwork:cluster.endpoint.publicCidrs", "/16 or narrower"),
    ("public-bad-cidr", {"cluster": {"endpoint": {"public": True, "publicCidrs": ["10.0.0.1/8"]}}}, "groundwork:cluster.endpoint.publicCidrs", "not a valid IPv4 CIDR"),
    ("no-admin", {"cluster": {"adminRoleArns": []}}, "groundwork:cluster.adminRoleArns", "nobody"),
    ("kubeconfig-role-no-entry", {"cluster": {"adminRoleArns": ["arn:aws:iam::123456789012:role/a"], "kubeconfigRoleArn": "arn:aws:iam::123456789012:role/b"}}, "groundwork:cluster.kubeconfigRoleArn", "no access entry"),
    ("admin-arn", {"cluster": {"adminRoleArns": ["arn:aws:iam::123:user/x"]}}, "groundwork:cluster.adminRoleArns", "not an IAM role ARN"),
    ("logs-missing-audit", {"cluster": {"logTypes": ["api"]}}, "groundwork:cluster.logTypes", "must include"),
    ("node-bounds", {"cluster": {"nodeGroups": {"general": {"minSize": 5, "desiredSize": 2, "maxSize": 6}}}}, "groundwork:cluster.nodeGroups.general", "minSize <= desiredSize"),
    ("spot-one-type", {"cluster": {"nodeGroups": {"general": {"capacityType": "SPOT", "instanceTypes": ["t3.large"], "minSize": 1, "desiredSize": 1, "maxSize": 2}}}}, "groundwork:cluster.nodeGroups.general.instanceTypes", "at least two"),
    ("chart-range", {"platform": {"charts": {"certManager": {"chart": "cert-manager", "version": "^1.19", "repository": "https://charts.jetstack.io"}}}}, "groundwork:platform.charts.certManager.version", "pattern"),
    ("chart-http", {"platform": {"charts": {"certManager": {"chart": "cert-manager", "version": "1.19.2", "repository": "http://charts.jetstack.io"}}}}, "groundwork:platform.charts.certManager.repository", "pattern"),
    ("acme-server", {"platform": {"acmeServer": "zerossl"}}, "groundwork:platform.acmeServer", "'staging' or 'production'"),
    ("system-namespace", {"platform": {"namespaces": [{"name": "kube-system"}]}}, "groundwork:platform.namespaces", "system namespaces"),
    ("cdn-price-class", {"cdn": {"priceClass": "PriceClass_1"}}, "groundwork:cdn.priceClass", "'PriceClass_100'"),
    ("cdn-min-tls", {"cdn": {"minimumTlsVersion": "TLSv1.2_2019"}}, "groundwork:cdn.minimumTlsVersion", "'TLSv1.2_2021'"),
    ("cdn-min-tls-v1", {"cdn": {"minimumTlsVersion": "TLSv1"}}, "groundwork:cdn.minimumTlsVersion", "'TLSv1.2_2021'"),
    ("cdn-allow-all", {"cdn": {"viewerProtocolPolicy": "allow-all"}}, "groundwork:cdn.viewerProtocolPolicy", "'redirect-to-https'"),
    ("cdn-domain-name", {"cdn": {"domain": {"name": "Not A Host"}}}, "groundwork:cdn.domain.name", "lowercase hostname"),
    ("cdn-domain-alias", {"cdn": {"domain": {"name": "a.example.com", "aliases": ["b_c"]}}}, "groundwork:cdn.domain.aliases", "hostnames"),
    ("cdn-zone-id", {"cdn": {"domain": {"name": "a.example.com", "hostedZoneId": "abc"}}}, "groundwork:cdn.domain.hostedZoneId", "hosted zone id"),
    ("cdn-no-domain", {"cdn": {"allowDefaultCertificate": False}}, "groundwork:cdn.domain", "required in dev"),
    ("cdn-csp-empty", {"cdn": {"contentSecurityPolicy": ""}}, "groundwork:cdn.contentSecurityPolicy", "at least 1"),
    ("cdn-without-assets", {"storage": {"assets": {"enabled": False}}}, "groundwork:cdn.enabled", "enable storage.assets"),
    ("waf-rate", {"cdn": {"waf": {"rateLimit": 5}}}, "groundwork:cdn.waf.rateLimit", "greater than or equal to 10"),
    ("waf-window", {"cdn": {"waf": {"rateLimitWindowSeconds": 30}}}, "groundwork:cdn.waf.rateLimitWindowSeconds", "60"),
    ("waf-cidr", {"cdn": {"waf": {"blockedIpCidrs": ["10.0.0.1/8"]}}}, "groundwork:cdn.waf.blockedIpCidrs", "not a CIDR"),
    ("waf-country", {"cdn": {"waf": {"blockedCountries": ["Germany"]}}}, "groundwork:cdn.waf.blockedCountries", "ISO 3166"),
    ("waf-country-unassigned", {"cdn": {"waf": {"blockedCountries": ["XX"]}}}, "groundwork:cdn.waf.blockedCountries", "not ISO 3166 alpha-2 country codes (like DE, US): ['XX']"),
    ("waf-country-twice", {"cdn": {"waf": {"blockedCountries": ["KP", "KP"]}}}, "groundwork:cdn.waf.blockedCountries", "listed twice: KP"),
    ("waf-cidr-twice", {"cdn": {"waf": {"blockedIpCidrs": ["203.0.113.0/24", "203.0.113.0/24"]}}}, "groundwork:cdn.waf.blockedIpCidrs", "listed twice: 203.0.113.0/24"),
    ("waf-geo-both", {"cdn": {"waf": {"blockedCountries": ["KP"], "allowedCountries": ["DE"]}}}, "groundwork:cdn.waf", "either"),
    ("waf-retention", {"cdn": {"waf": {"logRetentionDays": 10}}}, "groundwork:cdn.waf.logRetentionDays", "14"),
    ("storage-ia-early", {"storage": {"backups": {"lifecycle": {"transitions": [{"days": 10, "storageClass": "STANDARD_IA"}]}}}},
     "groundwork:storage.backups.lifecycle.transitions.0", "days >= 30"),
    ("storage-descending", {"storage": {"uploads": {"lifecycle": {"transitions": [
        {"days": 90, "storageClass": "GLACIER"}, {"days": 60, "storageClass": "GLACIER_IR"}]}}}},
     "groundwork:storage.uploads.lifecycle.transitions", "ascending"),
    ("storage-class", {"storage": {"uploads": {"lifecycle": {"transitions": [{"days": 90, "storageClass": "COLD"}]}}}},
     "groundwork:storage.uploads.lifecycle.transitions.0.storageClass", "'STANDARD_IA'"),
    ("storage-expiry", {"storage": {"uploads": {"lifecycle": {"expirationDays": 60, "transitions": [
        {"days": 90, "storageClass": "GLACIER"}]}}}}, "groundwork:storage.uploads.lifecycle", "expirationDays (60)"),
    ("storage-abort-days", {"storage": {"assets": {"lifecycle": {"abortIncompleteMultipartUploadDays": 0}}}},
     "groundwork:storage.assets.lifecycle.abortIncompleteMultipartUploadDays", "greater than or equal to 1"),
    ("storage-log-retention", {"storage": {"logs": {"retentionDays": 0}}}, "groundwork:storage.logs.retentionDays", "greater than"),
    ("storage-unknown", {"storage": {"bucketz": {}}}, "groundwork:storage.bucketz", "unknown key"),
    ("redis-serverless-and-nodes", {"redis": {"serverless": {"maxDataStorageGb": 5}, "nodeType": "cache.t4g.small"}}, "groundwork:redis.nodeType", "not used with serverless"),
    ("redis-serverless-and-replicas", {"redis": {"serverless": {}, "replicas": 2}}, "groundwork:redis.replicas", "not used with serverless"),
    ("redis-serverless-min-over-max", {"redis": {"serverless": {"maxDataStorageGb": 5, "minDataStorageGb": 6}}}, "groundwork:redis.serverless.minDataStorageGb", "at most the maximum"),
    ("redis-serverless-ecpu", {"redis": {"serverless": {"maxEcpuPerSecond": 500}}}, "groundwork:redis.serverless.maxEcpuPerSecond", "greater than or equal to 1000"),
    ("redis-serverless-storage", {"redis": {"serverless": {"maxDataStorageGb": 5001}}}, "groundwork:redis.serverless.maxDataStorageGb", "less than or equal to 5000"),
    ("redis-serverless-major", {"redis": {"engine": "redis", "engineVersion": "6.2", "serverless": {}}}, "groundwork:redis.engineVersion", "not offered for redis serverless"),
    ("redis-serverless-unknown", {"redis": {"serverless": {"nodes": 2}}}, "groundwork:redis.serverless.nodes", "unknown key"),
    ("storage-force-type", {"storage": {"forceDestroy": "yes please"}}, "groundwork:storage.forceDestroy", "boolean"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"), [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_input_is_rejected_naming_the_field(
    overrides: dict[str, Any], field: str, fragment: str
) -> None:
    raw = {**raw_stack_config("dev"), **overrides}
    raw = {k: v for k, v in raw.items() if v is not None}
    with pytest.raises(ConfigError) as err:
        parse_config(raw)
    lines = [p for p in err.value.problems if p.startswith(f"{field}:")]
    assert lines, f"no problem names {field}: {err.value.problems}"
    assert fragment in lines[0], lines[0]


def test_zone_slots_can_be_pinned_by_letter() -> None:
    cfg = stack_config(
        "dev",
        region="us-east-1",
        network={"cidr": "10.10.0.0/16", "zones": ["a", "b", "f"], "zoneSlots": {"f": 2}},
    )
    assert cfg.zone_slots == {"us-east-1a": 0, "us-east-1b": 1, "us-east-1f": 2}


def test_shared_address_space_is_accepted() -> None:
    assert (
        str(stack_config("dev", network={"cidr": "100.64.0.0/16"}).network.cidr) == "100.64.0.0/16"
    )


def test_prod_needs_three_zones() -> None:
    raw = {**raw_stack_config("prod"), "network": {"cidr": "10.20.0.0/16", "zones": ["a", "b"]}}
    with pytest.raises(ConfigError) as err:
        parse_config(raw)
    assert err.value.problems == [
        "groundwork:network.zones: prod needs at least 3 availability zones, got 2 "
        "(policy k8s-multi-zone-nodes)"
    ]


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"storage": {"forceDestroy": True}},
         "groundwork:storage.forceDestroy: must be false in prod: buckets hold data (policy "
         "stateful-resources-protected)"),
        ({"cdn": {"allowDefaultCertificate": True}},
         "groundwork:cdn.domain: required in prod: on the default *.cloudfront.net certificate AWS "
         "fixes the minimum TLS version at TLSv1 (policy cdn-https-only)"),
        ({"cdn": {}},
         "groundwork:cdn.domain: required in prod: on the default *.cloudfront.net certificate AWS "
         "fixes the minimum TLS version at TLSv1 (policy cdn-https-only)"),
    ],
    ids=["force-destroy", "default-certificate", "no-domain"],
)  # fmt: skip
def test_prod_storage_and_cdn_rules(overrides: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({**raw_stack_config("prod"), **overrides})
    assert err.value.problems == [problem]


def test_storage_and_cdn_presets() -> None:
    dev, prod = stack_config("dev"), stack_config("prod")
    assert (dev.cdn.price_class, prod.cdn.price_class) == ("PriceClass_100", "PriceClass_All")
    assert (dev.storage.force_destroy, prod.storage.force_destroy) == (True, False)
    assert prod.cdn.domain is not None and prod.cdn.minimum_tls_version == "TLSv1.2_2021"
    assert [t.storage_class for t in prod.storage.backups.lifecycle.transitions] == [
        "STANDARD_IA", "GLACIER_IR", "DEEP_ARCHIVE"
    ]  # fmt: skip
    assert dev.storage.backups.lifecycle.transitions == []


def test_the_program_gets_a_run_error_so_pulumi_prints_no_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pulumi

    from infra.config import load_config

    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"groundwork:environment": "qa"}))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", "[]")
    with pytest.raises(pulumi.RunError, match="groundwork:environment") as err:
        load_config()
    assert isinstance(err.value.__cause__, ConfigError)
    assert "groundwork:environment" in err.value.__cause__.problems[0]


def test_checked_in_json_schema_matches_the_model() -> None:
    checked_in = json.loads((PROJECT_DIR / "docs" / "stack-config.schema.json").read_text())
    assert checked_in == stack_file_schema(), "run: .venv/bin/python -m infra.schema --write"


def test_checked_in_config_reference_matches_the_model() -> None:
    from infra.schema import config_reference

    checked_in = (PROJECT_DIR / "docs" / "config-reference.md").read_text()
    assert checked_in == config_reference(), "run: .venv/bin/python -m infra.schema --write"


def test_field_docstrings_describe_the_keys_in_the_generated_schema() -> None:
    from pydantic import Field

    from infra.schema import attribute_docstrings, stack_file_schema
    from infra.sections.base import Section

    class Parent(Section):
        kept: int = 1
        """Parent's words."""
        replaced: int = 2
        """Parent's, replaced."""

    class Child(Parent):
        replaced: int = 3
        """Child's words."""
        explicit: int = Field(default=4, description="Set in code.")
        """Ignored: the field sets its own description."""
        undocumented: int = 5

    assert attribute_docstrings(Child) == {
        "kept": "Parent's words.",
        "replaced": "Child's words.",
        "explicit": "Ignored: the field sets its own description.",
    }
    # The real schema: a key's docstring (here `network.cidr`'s) is its description.
    network = stack_file_schema()["$defs"]["AwsNetwork"]["properties"]["cidr"]
    from infra.sections.network import AwsNetwork

    assert network["description"] == attribute_docstrings(AwsNetwork)["cidr"] != ""


def test_json_schema_accepts_the_stack_files_and_rejects_a_typo() -> None:
    import jsonschema
    import yaml

    schema = stack_file_schema()
    for path in Path(PROJECT_DIR).glob("Pulumi.*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    broken = {"config": {"groundwork:environment": "dev", "groundwork:netwrok": {}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


PROD_DATA_RULES: list[tuple[dict[str, Any], str]] = [
    ({"postgres": {"readers": 0}}, "groundwork:postgres.readers: prod needs at least 2 database instances"),
    ({"postgres": {"backupRetentionDays": 3}}, "groundwork:postgres.backupRetentionDays: prod needs at least 7"),
    ({"redis": {"replicas": 0, "multiAz": False}}, "groundwork:redis.replicas: prod needs at least 2 cache nodes"),
    ({"redis": {"snapshotRetentionDays": 1}}, "groundwork:redis.snapshotRetentionDays: prod needs at least 7"),
    ({"budget": {"monthlyLimit": None}}, "groundwork:budget.monthlyLimit: prod needs a monthly budget"),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "problem"), PROD_DATA_RULES)
def test_prod_data_tier_must_be_ha(overrides: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({**raw_stack_config("prod"), **overrides})
    assert [p for p in err.value.problems if p.startswith(problem)], err.value.problems


def test_dev_may_run_without_readers_or_replicas() -> None:
    cfg = stack_config("dev")
    assert (cfg.postgres.readers, cfg.redis.replicas, cfg.redis.multi_az) == (0, 0, False)
    assert cfg.postgres.serverless is not None and cfg.postgres.serverless.min_acu == 0
    assert cfg.redis.node_type.startswith("cache.t4g")
    prod = stack_config("prod")
    assert (prod.postgres.readers, prod.redis.replicas, prod.redis.multi_az) == (1, 1, True)
    assert prod.backup.vault_lock.enabled and not cfg.backup.vault_lock.enabled


@pytest.mark.parametrize("environment", sorted(PRESETS))
def test_every_preset_validates(environment: str) -> None:
    # Only what no preset can know: who administers the cluster, the services' image pins,
    # (prod) the CDN's own domain, who is told about alerts, and a short name (the default
    # `groundwork` plus `-staging` would make the load balancer controller's IAM role name 67
    # characters: config refuses it, as AWS would).
    cfg = parse_config(
        {
            "environment": environment,
            "name": "acme",
            "region": "eu-west-1",
            "tags": {"owner": "o", "costCenter": "c"},
            "cluster": {"adminRoleArns": ["arn:aws:iam::123456789012:role/admin"]},
            "apps": raw_stack_config("prod")["apps"],
            "cdn": raw_stack_config("prod")["cdn"],
            "alerting": raw_stack_config("prod")["alerting"],
            "budget": {"monthlyLimit": 1000},
        }
    )
    assert cfg.postgres.instance_class.startswith("db.")
    assert cfg.redis.node_type.startswith("cache.")


def test_prod_refuses_spot_nodes() -> None:
    spot = {"general": {"capacityType": "SPOT", "instanceTypes": ["m7i.large", "m6i.large"]}}
    with pytest.raises(ConfigError) as err:
        parse_config({**raw_stack_config("prod"), "cluster": {"nodeGroups": spot}})
    assert any(
        p.startswith("groundwork:cluster.nodeGroups.general.capacityType: prod runs ON_DEMAND")
        for p in err.value.problems
    ), err.value.problems


def test_prod_refuses_a_cdn_without_its_web_firewall() -> None:
    # Planned, then blocked by cdn-waf-and-logging (exit 1): the config refuses it first.
    raw = raw_stack_config("prod")
    with pytest.raises(ConfigError) as err:
        parse_config({**raw, "cdn": {**raw["cdn"], "waf": {"enabled": False}}})
    assert err.value.problems == [
        "groundwork:cdn.waf.enabled: prod keeps a web firewall in front of the CDN "
        "(policy cdn-waf-and-logging)"
    ]
    dev = raw_stack_config("dev")
    assert not parse_config(
        {**dev, "cdn": {**dev.get("cdn", {}), "waf": {"enabled": False}}}
    ).cdn.waf.enabled


def test_kubernetes_sizing_per_environment() -> None:
    dev, prod = stack_config("dev"), stack_config("prod")
    assert dev.cluster.version == prod.cluster.version == "1.35"
    dev_group, prod_group = dev.cluster.node_groups["general"], prod.cluster.node_groups["general"]
    assert (
        dev_group.capacity_type,
        dev_group.min_size,
        dev_group.desired_size,
        dev_group.max_size,
        dev_group.disk_size_gib,
    ) == ("SPOT", 1, 1, 3, 20)
    assert (
        prod_group.capacity_type,
        prod_group.min_size,
        prod_group.desired_size,
        prod_group.max_size,
        prod_group.disk_size_gib,
    ) == ("ON_DEMAND", 3, 3, 9, 50)
    assert dev.platform.acme_server == "staging" and prod.platform.acme_server == "production"


def test_no_section_has_an_instance_as_default() -> None:
    # A default instance of a section that holds sections builds that whole tree's validators when
    # the module is imported, for every run and both clouds; a factory defers it to validation of
    # the stack's own cloud. (Leaf values such as a chart pin may stay constants.)
    from pydantic import BaseModel

    import infra.config  # noqa: F401  (every section is defined)
    from infra.sections.base import Section

    def subclasses(cls: type[Section]) -> list[type[Section]]:
        return [s for c in cls.__subclasses__() for s in (c, *subclasses(c))]

    def holds_sections(model: type[BaseModel]) -> bool:
        return any(
            isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)
            for f in model.model_fields.values()
        )

    offenders = [
        f"{model.__name__}.{name}"
        for model in subclasses(Section)
        for name, field in model.model_fields.items()
        if isinstance(field.default, BaseModel) and holds_sections(type(field.default))
    ]
    assert offenders == []
