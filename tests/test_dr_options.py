"""The DR region's optional pieces: the cache's Global Datastore, the RDS engine's cross-region read
replica, a warm standby cluster, and the DR region's own alert topics and alarms (an alarm notifies
topics of its region).
Each is built from config, refused by config where AWS would refuse it, priced, and seen by the
posture model."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from components.redis.aws_global_spec import global_datastore_problems
from infra.build import build
from infra.config import ConfigError
from planner.cost_report import cost_section
from planner.dr_report import dr_section
from planner.policy_report import policy_section
from planner.recorder import RecordedResource, RecordingMonitor
from planner.report import PlanContext
from tests.conftest import (
    PROJECT_DIR,
    alicloud_stack_config,
    built,
    in_dr_region,
    raw_stack_config,
    run_mocked,
    stack_config,
)

GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
DATASTORE = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup"
INSTANCE = "aws:rds/instance:Instance"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
KEY = "aws:kms/key:Key"
RDS = {"engine": "postgres", "readers": 1, "serverless": None, "instanceClass": "db.m7g.large"}
GLOBAL_CACHE_NODE = {"nodeType": "cache.m7g.large"}


def _dr(**changes: Any) -> dict[str, Any]:
    return {**raw_stack_config("prod")["dr"], **changes}


@cache
def _plan(variant: str) -> tuple[RecordingMonitor, PlanContext]:
    overrides: dict[str, Any] = {
        "prod": {},
        "cache": {"redis": GLOBAL_CACHE_NODE, "dr": _dr(cache="replicated")},
        "rds": {"postgres": RDS, "dr": _dr(postgres="warm")},
        "rds-none": {"postgres": RDS, "dr": _dr(postgres="none")},
        "warm": {"dr": _dr(compute="warm", network={**_dr()["network"], "nat": "single"})},
    }[variant]
    cfg = stack_config("prod", **overrides)
    monitor = built("prod") if not overrides else run_mocked(lambda: build(cfg), stack="prod")
    return monitor, PlanContext("groundwork", "prod", PROJECT_DIR, monitor, cfg)


def _dr_key_arns(monitor: RecordingMonitor) -> set[str]:
    return {k.outputs["arn"] for k in monitor.by_type(KEY) if in_dr_region(k)}


def _secondary(monitor: RecordingMonitor) -> RecordedResource:
    (group,) = [g for g in monitor.by_type(GROUP) if in_dr_region(g)]
    return group


# -- ElastiCache Global Datastore -----------------------------------------------------------------


def test_prod_keeps_the_cache_out_of_the_dr_region_by_default() -> None:
    monitor, ctx = _plan("prod")
    assert not monitor.by_type(DATASTORE)
    assert not [g for g in monitor.by_type(GROUP) if in_dr_region(g)]
    assert dr_section(ctx).data["tiers"]["cache"]["mechanism"] == "cache-rebuild"


def test_a_replicated_cache_is_a_global_datastore_with_a_secondary_in_the_dr_region() -> None:
    monitor, _ = _plan("cache")
    (datastore,) = monitor.by_type(DATASTORE)
    assert not in_dr_region(datastore)  # AWS creates it from the primary's region
    assert datastore.protect
    primary = next(g for g in monitor.by_type(GROUP) if not in_dr_region(g))
    assert datastore.inputs["primaryReplicationGroupId"] == primary.inputs["replicationGroupId"]
    secondary = _secondary(monitor)
    assert (
        secondary.inputs["globalReplicationGroupId"]
        == datastore.outputs["globalReplicationGroupId"]
    )
    # The primary's shape: one replica per shard as in prod, so AWS's inherited failover works.
    assert secondary.inputs["numCacheClusters"] == primary.inputs["numCacheClusters"]
    # AWS refuses these on a secondary (the datastore's apply).
    for refused in ("nodeType", "engine", "engineVersion", "parameterGroupName",
                    "atRestEncryptionEnabled", "transitEncryptionEnabled", "numNodeGroups"):  # fmt: skip
        assert refused not in secondary.inputs, refused


@pytest.mark.parametrize(
    ("prop", "check"),
    [
        ("kmsKeyId", "dr-key"),
        ("authToken", "secret"),
        ("securityGroupIds", "dr-private-only"),
        ("finalSnapshotIdentifier", "set"),
        ("snapshotRetentionLimit", "positive"),
        ("automaticFailoverEnabled", "true"),
        ("protect", "true"),
    ],
)  # fmt: skip
def test_the_cache_secondary_keeps_each_security_default(prop: str, check: str) -> None:
    monitor, _ = _plan("cache")
    secondary = _secondary(monitor)
    value = secondary.protect if prop == "protect" else secondary.inputs.get(prop)
    if check == "dr-key":
        assert value in _dr_key_arns(monitor), f"{prop}: {value}"
    elif check == "secret":
        assert value and prop in secondary.secret_paths, prop
    elif check == "dr-private-only":
        (sg_id,) = value
        rules = [r for r in monitor.by_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                 if r.inputs["securityGroupId"] == sg_id]  # fmt: skip
        assert rules and all(r.inputs["cidrIpv4"].startswith("10.21.") for r in rules), rules
    elif check == "set":
        assert value, prop
    elif check == "positive":
        assert value and value > 0, prop
    else:
        assert value is True, prop


def test_the_cache_secondary_has_its_token_in_a_secret_of_the_dr_region() -> None:
    monitor, _ = _plan("cache")
    secret = next(s for s in monitor.by_type("aws:secretsmanager/secret:Secret")
                  if s.name == "acme-prod-cache-secondary-auth")  # fmt: skip
    assert in_dr_region(secret) and secret.protect
    assert secret.inputs["kmsKeyId"] in _dr_key_arns(monitor)
    version = next(v for v in monitor.by_type("aws:secretsmanager/secretVersion:SecretVersion")
                   if v.name == "acme-prod-cache-secondary-auth-value")  # fmt: skip
    assert "secretString" in version.secret_paths


def test_the_replicated_cache_implies_its_own_posture_and_meets_a_target_rebuild_misses() -> None:
    _, ctx = _plan("cache")
    tier = dr_section(ctx).data["tiers"]["cache"]
    assert (tier["mechanism"], tier["impliedRpoSeconds"], tier["impliedRtoSeconds"]) == (
        "elasticache-global-datastore", 1, 60,
    )  # fmt: skip
    target = {"cache": {"rpoSeconds": 60, "rtoSeconds": 600}}
    for variant, overrides, blocked in (
        ("replicated", {"redis": GLOBAL_CACHE_NODE, "dr": _dr(cache="replicated", targets=target)},
         False),
        ("rebuild", {"dr": _dr(targets=target)}, True),
    ):  # fmt: skip
        cfg = stack_config("prod", **overrides)
        monitor = run_mocked(lambda cfg=cfg: build(cfg), stack="prod")
        plan = PlanContext("groundwork", "prod", PROJECT_DIR, monitor, cfg)
        blocking = [b for b in policy_section(plan).blocking if "tier cache" in b]
        assert bool(blocking) is blocked, (variant, blocking)


def test_the_replicated_cache_passes_every_mandatory_rule_and_is_priced_in_the_dr_add_on() -> None:
    _, base = _plan("prod")
    _, ctx = _plan("cache")
    assert policy_section(ctx).blocking == []
    cost, before = cost_section(ctx).data, cost_section(base).data
    assert cost["unpriced"] == []
    # Two cache.m7g.large Valkey nodes in eu-central-1 (0.181 $/h x 0.8 x 730 h each), the
    # token's secret ($0.40) and the lag alarm ($0.10).
    (line,) = [x for x in cost["lines"] if x["scope"] == "dr" and x["type"] == GROUP]
    nodes = 2 * 0.181 * 0.8 * 730
    assert line["monthly"] == pytest.approx(nodes, abs=0.01)
    assert cost["drTotal"] - before["drTotal"] == pytest.approx(nodes + 0.40 + 0.10, abs=0.01)
    assert cost["drTotal"] <= 0.3 * cost["total"]


@pytest.mark.parametrize(
    ("overrides", "key", "fragment"),
    [
        ({}, "groundwork:redis.nodeType", "'cache.t4g.medium' cannot join a global datastore"),
        ({"redis": {"serverless": {}}}, "groundwork:dr.cache", "serverless caches do not have"),
        ({"redis": {"enabled": False}}, "groundwork:dr.cache", "needs redis.enabled"),
    ],
)  # fmt: skip
def test_config_refuses_a_cache_aws_cannot_replicate(
    overrides: dict[str, Any], key: str, fragment: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        stack_config("prod", dr=_dr(cache="replicated"), **overrides)
    assert any(p.startswith(f"{key}:") and fragment in p for p in refused.value.problems), (
        refused.value.problems
    )


@pytest.mark.parametrize(("key", "value"), [("cache", "replicated"), ("compute", "warm")])
def test_alibaba_cloud_refuses_the_dr_options_it_does_not_build(key: str, value: str) -> None:
    dr = {**raw_stack_config("prod-cn")["dr"], key: value}
    with pytest.raises(ConfigError) as refused:
        alicloud_stack_config("prod-cn", dr=dr)
    assert any(p.startswith(f"groundwork:dr.{key}: '{value}'") and "not built on Alibaba" in p
               for p in refused.value.problems), refused.value.problems  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"node_type": "cache.r6g.medium"}, "node_type"),
        ({"node_type": "cache.r4.large"}, "node_type"),
        ({"engine": "redis", "engine_version": "5.0.5"}, "engine_version"),
        ({"region": "eu-west-1"}, "region"),
        ({"region": "ap-southeast-6"}, "region"),
        ({"primary_region": "cn-north-1", "region": "eu-central-1"}, "region"),
    ],
)  # fmt: skip
def test_what_aws_refuses_for_a_global_datastore(kwargs: dict[str, str], field: str) -> None:
    args = {"engine": "valkey", "engine_version": "8.0", "node_type": "cache.m7g.large",
            "primary_region": "eu-west-1", "region": "eu-central-1", **kwargs}  # fmt: skip
    assert field in [f for f, _ in global_datastore_problems(**args)]
    fine = {**args, **{k: v for k, v in {"node_type": "cache.r7g.xlarge", "engine": "valkey",
            "engine_version": "8.0", "primary_region": "eu-west-1", "region": "eu-central-1"}.items()
            if k in kwargs}}  # fmt: skip
    assert global_datastore_problems(**fine) == []


# -- RDS cross-region read replica -----------------------------------------------------------------


def _dr_replica(monitor: RecordingMonitor) -> RecordedResource:
    (replica,) = [i for i in monitor.by_type(INSTANCE) if in_dr_region(i)]
    return replica


def test_the_rds_engine_gets_a_cross_region_read_replica_of_the_primary() -> None:
    monitor, _ = _plan("rds")
    primary = next(i for i in monitor.by_type(INSTANCE)
                   if not in_dr_region(i) and not i.inputs.get("replicateSourceDb"))  # fmt: skip
    replica = _dr_replica(monitor)
    # A cross-region source is named by its ARN (in the primary region).
    assert replica.inputs["replicateSourceDb"] == primary.outputs["arn"]
    assert ":eu-west-1:" in replica.inputs["replicateSourceDb"]
    assert "manageMasterUserPassword" not in primary.inputs  # AWS refuses replicas of those
    assert not [i for i in _plan("rds-none")[0].by_type(INSTANCE) if in_dr_region(i)]


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ("publiclyAccessible", False),
        ("storageEncrypted", True),
        ("deletionProtection", True),
        ("iamDatabaseAuthenticationEnabled", True),
        ("performanceInsightsEnabled", True),
        ("autoMinorVersionUpgrade", True),
        ("copyTagsToSnapshot", True),
        ("protect", True),
    ],
)  # fmt: skip
def test_the_rds_replica_keeps_each_security_default(prop: str, expected: object) -> None:
    replica = _dr_replica(_plan("rds")[0])
    value = replica.protect if prop == "protect" else replica.inputs.get(prop)
    assert value is expected, f"{prop}: {value}"


def test_the_rds_replica_is_encrypted_and_tls_only_in_its_own_region() -> None:
    monitor, _ = _plan("rds")
    replica = _dr_replica(monitor)
    dr_keys = _dr_key_arns(monitor)
    assert replica.inputs["kmsKeyId"] in dr_keys
    assert replica.inputs["performanceInsightsKmsKeyId"] in dr_keys
    assert replica.inputs["finalSnapshotIdentifier"] and replica.inputs["backupRetentionPeriod"] > 0
    (params,) = [p for p in monitor.by_type("aws:rds/parameterGroup:ParameterGroup")
                 if in_dr_region(p)]  # fmt: skip
    assert replica.inputs["parameterGroupName"] == params.outputs.get(
        "name", params.inputs.get("name")
    )
    assert {"name": "rds.force_ssl", "value": "1", "applyMethod": "immediate"} in params.inputs[
        "parameters"
    ]


def test_the_rds_replica_implies_its_posture_priced_within_the_dr_cap() -> None:
    _, ctx = _plan("rds")
    tier = dr_section(ctx).data["tiers"]["database"]
    assert (tier["mechanism"], tier["verdict"]) == ("rds-cross-region-replica", "meets")
    assert (tier["impliedRpoSeconds"], tier["impliedRtoSeconds"]) == (60, 600)
    cost = cost_section(ctx).data
    assert cost["unpriced"] == []
    assert cost["drTotal"] <= 0.3 * cost["total"]
    # Backups only with the same engine: a daily RPO, which misses the prod target.
    _, none = _plan("rds-none")
    assert dr_section(none).data["tiers"]["database"]["mechanism"] == "backup-copies"


def test_config_refuses_a_replica_version_without_replica_backups() -> None:
    with pytest.raises(ConfigError) as refused:
        stack_config("prod", postgres={**RDS, "engineVersion": "13.20"}, dr=_dr(postgres="warm"))
    assert any(p.startswith("groundwork:postgres.engineVersion: 13.20: RDS for PostgreSQL keeps "
                            "no automated backups of a read replica before 14.1")
               for p in refused.value.problems), refused.value.problems  # fmt: skip
    # Backup copies only: no replica, so the version is fine.
    stack_config("prod", postgres={**RDS, "engineVersion": "13.20"}, dr=_dr(postgres="none"))


def test_config_refuses_a_headless_secondary_for_the_rds_engine() -> None:
    with pytest.raises(ConfigError) as refused:
        stack_config("prod", postgres=RDS, dr=_dr(postgres="headless"))
    assert any(p.startswith("groundwork:dr.postgres: 'headless' is an Aurora Global Database")
               and "use warm (a cross-region read replica)" in p
               for p in refused.value.problems)  # fmt: skip


# -- alarms in the DR region ------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["prod", "cache", "rds", "warm"])
def test_every_dr_alarm_notifies_a_topic_of_the_dr_region(variant: str) -> None:
    monitor, _ = _plan(variant)
    dr_topics = {t.outputs["arn"] for t in monitor.by_type(TOPIC) if in_dr_region(t)}
    assert dr_topics and all(":eu-central-1:" in arn for arn in dr_topics)
    alarms = [a for a in monitor.by_type(ALARM) if in_dr_region(a)]
    assert alarms
    for alarm in alarms:
        actions = [*alarm.inputs["alarmActions"], *alarm.inputs["okActions"]]
        assert actions and set(actions) <= dr_topics, (alarm.name, actions)
    metrics = {a.inputs["metricName"] for a in alarms}
    expected = {"OperationsFailedReplication"} | {
        "prod": {"AuroraGlobalDBReplicationLag", "AuroraGlobalDBRPOLag"},
        "cache": {"AuroraGlobalDBReplicationLag", "GlobalDatastoreReplicationLag"},
        "rds": {"ReplicaLag"},
        "warm": {"AuroraGlobalDBReplicationLag", "scheduler_pending_pods"},
    }[variant]
    assert expected <= metrics, metrics


def test_the_dr_alert_topics_are_encrypted_and_subscribed_like_the_primary_ones() -> None:
    monitor, _ = _plan("prod")
    dr_topics = [t for t in monitor.by_type(TOPIC) if in_dr_region(t)]
    # The primary region's (the health checks' us-east-1 topics are another copy: test_health.py).
    primary_topics = [t for t in monitor.by_type(TOPIC)
                      if not in_dr_region(t) and ":eu-west-1:" in t.outputs["arn"]]  # fmt: skip
    assert len(dr_topics) == len(primary_topics) == 4
    dr_keys = _dr_key_arns(monitor)
    assert all(t.inputs["kmsMasterKeyId"] in dr_keys for t in dr_topics)

    def endpoints(in_dr: bool) -> list[tuple[str, str]]:
        return sorted((s.inputs["protocol"], s.inputs["endpoint"])
                      for s in monitor.by_type("aws:sns/topicSubscription:TopicSubscription")
                      if in_dr_region(s) is in_dr and "-health-" not in s.name)  # fmt: skip

    assert endpoints(True) == endpoints(False) != []


# -- warm standby cluster ---------------------------------------------------------------------------

EKS = "aws:eks/cluster:Cluster"


def _standby(monitor: RecordingMonitor) -> RecordedResource:
    (cluster,) = [c for c in monitor.by_type(EKS) if in_dr_region(c)]
    return cluster


def test_prod_recovers_compute_by_the_cold_path_by_default() -> None:
    monitor, ctx = _plan("prod")
    assert not [c for c in monitor.by_type(EKS) if in_dr_region(c)]
    assert dr_section(ctx).data["tiers"]["compute"]["mechanism"] == "compute-cold-path"


def test_a_warm_standby_is_a_minimal_cluster_in_the_dr_network() -> None:
    monitor, _ = _plan("warm")
    cluster = _standby(monitor)
    assert cluster.inputs["name"] == "acme-prod-dr"
    dr_private = {s.outputs["id"] for s in monitor.by_type("aws:ec2/subnet:Subnet")
                  if in_dr_region(s) and s.inputs["tags"]["tier"] == "private"}  # fmt: skip
    assert set(cluster.inputs["vpcConfig"]["subnetIds"]) == dr_private
    (group,) = [g for g in monitor.by_type("aws:eks/nodeGroup:NodeGroup") if in_dr_region(g)]
    primary = next(g for g in monitor.by_type("aws:eks/nodeGroup:NodeGroup")
                   if not in_dr_region(g))  # fmt: skip
    assert group.inputs["scalingConfig"]["desiredSize"] == 1
    assert group.inputs["instanceTypes"] == primary.inputs["instanceTypes"]
    # Its nodes reach ECR and EKS through the DR network's NAT gateway.
    assert [n for n in monitor.by_type("aws:ec2/natGateway:NatGateway") if in_dr_region(n)]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("vpcConfig.endpointPublicAccess", False),
        ("vpcConfig.endpointPrivateAccess", True),
        ("deletionProtection", True),
        ("accessConfig.bootstrapClusterCreatorAdminPermissions", False),
        ("encryptionConfig.resources", ["secrets"]),
        ("protect", True),
    ],
)  # fmt: skip
def test_the_standby_keeps_each_security_default(path: str, expected: object) -> None:
    cluster = _standby(_plan("warm")[0])
    value: Any = cluster.protect if path == "protect" else cluster.inputs
    for part in path.split(".") if path != "protect" else ():
        value = value[part]
    assert value == expected, f"{path}: {value}"


def test_the_standby_encrypts_secrets_with_a_key_of_its_region_and_logs_the_audit_trail() -> None:
    monitor, _ = _plan("warm")
    cluster = _standby(monitor)
    assert ":eu-central-1:" in cluster.inputs["encryptionConfig"]["provider"]["keyArn"]
    assert {"api", "audit", "authenticator"} <= set(cluster.inputs["enabledClusterLogTypes"])


def test_the_warm_standby_shortens_the_compute_rto_within_the_dr_cap() -> None:
    _, ctx = _plan("warm")
    tier = dr_section(ctx).data["tiers"]["compute"]
    assert (tier["mechanism"], tier["impliedRtoSeconds"], tier["verdict"]) == (
        "compute-warm-standby", 900, "meets",
    )  # fmt: skip
    assert policy_section(ctx).blocking == []
    cost = cost_section(ctx).data
    assert cost["unpriced"] == []
    assert cost["drTotal"] <= 0.3 * cost["total"]


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"dr": _dr(compute="warm")}, "groundwork:dr.network.nat"),
        ({"dr": _dr(compute="warm", network={**_dr()["network"], "nat": "single"}),
          "cluster": {"enabled": False}}, "groundwork:dr.compute"),
    ],
)  # fmt: skip
def test_config_refuses_a_standby_that_could_not_run(overrides: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as refused:
        stack_config("prod", **overrides)
    assert any(p.startswith(f"{key}:") for p in refused.value.problems), refused.value.problems


# -- targets no DR option can meet ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("stack", "targets", "key", "fragment"),
    [
        ("prod", {"database": {"rpoSeconds": 0, "rtoSeconds": 60}}, "database.rpoSeconds", "the best is 1 s (aurora-global-warm)"),
        ("prod", {"compute": {"rpoSeconds": 0, "rtoSeconds": 60}}, "compute.rtoSeconds", "the best is 15 min (compute-warm-standby)"),
        ("prod-cn", {"database": {"rpoSeconds": 3600, "rtoSeconds": 600}}, "database.rtoSeconds", "the best is 2 h"),
        ("prod-cn", {"cache": {"rpoSeconds": 60, "rtoSeconds": 3600}}, "cache.rpoSeconds", "no option bounds it"),
    ],
)  # fmt: skip
def test_config_refuses_targets_no_dr_option_of_the_cloud_meets(
    stack: str, targets: dict[str, Any], key: str, fragment: str
) -> None:
    dr = {**raw_stack_config(stack)["dr"], "targets": targets}
    load = alicloud_stack_config if stack.endswith("-cn") else stack_config
    with pytest.raises(ConfigError) as refused:
        load(stack, dr=dr)
    assert any(p.startswith(f"groundwork:dr.targets.{key}:") and fragment in p
               for p in refused.value.problems), refused.value.problems  # fmt: skip


def test_a_target_one_dr_option_meets_is_left_to_the_plan() -> None:
    # headless misses a 1-minute RTO, warm meets it: a setting could, so the plan judges it
    cfg = stack_config("prod", dr=_dr(targets={"database": {"rpoSeconds": 1, "rtoSeconds": 60}}))
    assert cfg.dr.targets.database is not None
    assert cfg.dr.targets.database.rto_seconds == 60


def test_every_dr_option_a_cloud_builds_is_a_mechanism_with_figures() -> None:
    from infra.sections.dr import AlicloudDisasterRecovery, AwsDisasterRecovery
    from policies.guardrails.dr_posture import MECHANISMS

    for section in (AwsDisasterRecovery, AlicloudDisasterRecovery):
        assert set(section.BUILT) == {"database", "objects", "cache", "compute"}
        assert all(key in MECHANISMS for keys in section.BUILT.values() for key in keys)
