"""Disaster recovery on Alibaba Cloud (prod-cn): RDS cross-region backups, OSS replicas of the
critical buckets with the source's protections, the DR network, the posture derived from the
captured resources, the data-residency refusal and the DR add-on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.build import build
from infra.config import ConfigError
from planner.cost_report import cost_section
from planner.dr_report import dr_section
from planner.policy_report import policy_section
from planner.recorder import RecordingMonitor
from planner.report import PlanContext
from policies.guardrails.dr_posture import weekly_gap_seconds
from tests.conftest import PROJECT_DIR, alicloud_stack_config, built, raw_stack_config, run_mocked

DR_PROVIDER = "pulumi:providers:alicloud::alicloud-dr-cn-beijing"
CROSS_BACKUP = "alicloud:rds/rdsInstanceCrossBackupPolicy:RdsInstanceCrossBackupPolicy"
REPLICATION = "alicloud:oss/bucketReplication:BucketReplication"


def in_dr(r: Any) -> bool:
    return DR_PROVIDER in (r.provider or "")


def _build(**overrides: Any) -> tuple[RecordingMonitor, PlanContext]:
    cfg = alicloud_stack_config("prod-cn", **overrides)
    monitor = run_mocked(lambda: build(cfg), stack="prod-cn")
    return monitor, PlanContext("groundwork", "prod-cn", PROJECT_DIR, monitor, cfg)


def _dr(**changes: Any) -> dict[str, Any]:
    return {**raw_stack_config("prod-cn")["dr"], **changes}


def _tiers(ctx: PlanContext) -> dict[str, Any]:
    return dr_section(ctx).data["tiers"]  # type: ignore[no-any-return]


def test_prod_cn_copies_the_database_and_replicates_critical_buckets_into_the_dr_region() -> None:
    prod = built("prod-cn")
    db = prod.by_type("alicloud:rds/instance:Instance")[0]
    (copy,) = prod.by_type(CROSS_BACKUP)
    assert copy.inputs["crossBackupRegion"] == "cn-beijing"
    assert copy.inputs["logBackupEnabled"] == "Enable"
    assert copy.inputs["retention"] == db.inputs.get(
        "backupRetentionPeriod", copy.inputs["retention"]
    )
    rules = prod.by_type(REPLICATION)
    assert len(rules) == 3
    replicas = {
        b.inputs["bucket"]: b for b in prod.by_type("alicloud:oss/bucket:Bucket") if in_dr(b)
    }
    for rule in rules:
        assert rule.inputs["destination"]["location"] == "oss-cn-beijing"
        assert rule.inputs["destination"]["bucket"] in replicas
        assert rule.inputs["rtc"] == {"enabled": True}
        assert rule.inputs["encryptionConfiguration"]["replicaKmsKeyId"]
        assert rule.inputs["syncRole"] == "acme-prod-oss-replication"
    dev = built("dev-cn")
    assert not [r for r in dev.recorded if "alicloud-dr-" in (r.provider or "")]
    assert not dev.by_type(CROSS_BACKUP) and not dev.by_type(REPLICATION)


@pytest.mark.parametrize(
    ("protection", "kind"),
    [
        ("private ACL", "alicloud:oss/bucketAcl:BucketAcl"),
        ("public access block", "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock"),
        ("SSE-KMS", "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption"),
        ("versioning", "alicloud:oss/bucketVersioning:BucketVersioning"),
        ("TLS-only policy", "alicloud:oss/bucketPolicy:BucketPolicy"),
        ("access logging", "alicloud:oss/bucketLogging:BucketLogging"),
        ("own KMS key", "alicloud:kms/key:Key"),
    ],
)
def test_every_replica_carries_the_sources_protection(protection: str, kind: str) -> None:
    prod = built("prod-cn")
    replicas = [b for b in prod.by_type("alicloud:oss/bucket:Bucket")
                if in_dr(b) and b.name.endswith("-replica-bucket")]  # fmt: skip
    assert len(replicas) == 3
    for bucket in replicas:
        owner = bucket.name.removesuffix("-bucket")
        mine = [r for r in prod.by_type(kind) if in_dr(r) and r.name.startswith(f"{owner}-")]
        assert mine, f"{owner} lacks its {protection}"
        if kind.endswith("BucketServerSideEncryption"):
            assert mine[0].inputs["sseAlgorithm"] == "KMS"
        if kind.endswith("BucketAcl"):
            assert mine[0].inputs["acl"] == "private"


def test_the_replication_role_is_trusted_by_oss_only_and_names_its_buckets_and_keys() -> None:
    prod = built("prod-cn")
    (role,) = prod.by_type("alicloud:ram/role:Role")
    trust = json.loads(role.inputs["assumeRolePolicyDocument"])
    assert trust["Statement"][0]["Principal"] == {"Service": ["oss.aliyuncs.com"]}
    (policy,) = prod.by_type("alicloud:ram/policy:Policy")
    statements = json.loads(policy.inputs["policyDocument"])["Statement"]
    resources = [r for s in statements for r in s["Resource"]]
    assert "*" not in resources
    keys = [r for r in resources if r.startswith("acs:kms:")]
    assert len(keys) == 6  # three sources' keys and three replicas' keys
    assert {k.split(":")[2] for k in keys} == {"cn-shanghai", "cn-beijing"}


def test_the_posture_is_derived_from_the_captured_resources() -> None:
    _, ctx = _build()
    tiers = _tiers(ctx)
    assert tiers["database"]["mechanism"] == "rds-cross-region-log-backup"
    assert tiers["objects"]["mechanism"] == "oss-replication-rtc"
    assert (tiers["objects"]["impliedRpoSeconds"], tiers["objects"]["impliedRtoSeconds"]) == (
        600,
        900,
    )
    assert tiers["cache"]["mechanism"] == "cache-rebuild"
    assert tiers["compute"]["mechanism"] == "compute-cold-path"
    assert all(t["verdict"] in ("meets", "no target") for t in tiers.values())
    assert not [b for b in policy_section(ctx).blocking if "dr-" in b]


def test_without_replication_time_control_the_objects_tier_is_unbounded_and_blocks() -> None:
    _, ctx = _build(dr=_dr(replicationTimeControl=False))
    tier = _tiers(ctx)["objects"]
    assert (tier["mechanism"], tier["impliedRpoSeconds"]) == ("oss-replication", None)
    assert any(
        "dr-objectives-met" in b and "tier objects" in b for b in policy_section(ctx).blocking
    )


def test_without_the_database_copies_the_database_tier_has_no_recovery_and_blocks() -> None:
    _, ctx = _build(dr=_dr(backupCopies=False))
    assert _tiers(ctx)["database"]["mechanism"] == "none"
    blocking = policy_section(ctx).blocking
    assert any(b.startswith("policy dr-cross-region (mandatory)") and "postgres" in b
               for b in blocking)  # fmt: skip


def test_removing_dr_from_prod_cn_blocks_naming_the_rules() -> None:
    _, ctx = _build(dr={"enabled": False})
    blocking = policy_section(ctx).blocking
    assert any(b.startswith("policy dr-cross-region (mandatory)") and "postgres" in b
               for b in blocking), blocking  # fmt: skip
    assert any(b.startswith("policy dr-objectives-met (mandatory)") for b in blocking)


def test_a_dr_region_outside_mainland_china_is_refused_naming_the_key() -> None:
    with pytest.raises(ConfigError) as outside:
        alicloud_stack_config("prod-cn", dr=_dr(region="ap-southeast-1"))
    assert any(p.startswith("groundwork:dr.region: 'ap-southeast-1' is outside mainland China")
               for p in outside.value.problems), outside.value.problems  # fmt: skip
    with pytest.raises(ConfigError) as hong_kong:
        alicloud_stack_config("prod-cn", dr=_dr(region="cn-hongkong"))
    assert any(p.startswith("groundwork:dr.region: 'cn-hongkong' is outside")
               for p in hong_kong.value.problems)  # fmt: skip
    # Without the residency mark the same region is a valid DR region (no RTC there, though).
    cfg = alicloud_stack_config("prod-cn", dataResidency=None,
                                dr=_dr(region="ap-southeast-1", replicationTimeControl=False))  # fmt: skip
    assert cfg.dr.region == "ap-southeast-1"


def test_config_refuses_what_alibaba_dr_does_not_build() -> None:
    with pytest.raises(ConfigError) as refused:
        alicloud_stack_config(
            "prod-cn",
            dataResidency=None,
            dr=_dr(postgres="headless", region="ap-southeast-1",
                   failover={"apiStandbyHost": "web-dr.acme.example"}),
        )  # fmt: skip
    problems = refused.value.problems
    assert any(p.startswith("groundwork:dr.postgres: 'headless'") for p in problems)
    assert any(p.startswith("groundwork:dr.failover.apiStandbyHost: not built") for p in problems)
    # What the bucket component would refuse, the config refuses first, by its key.
    with pytest.raises(ConfigError) as rtc:
        alicloud_stack_config("prod-cn", dataResidency=None, dr=_dr(region="ap-southeast-1"))
    assert any(p.startswith("groundwork:dr.replicationTimeControl: OSS offers")
               for p in rtc.value.problems), rtc.value.problems  # fmt: skip


def test_the_dr_add_on_is_its_own_line_within_the_share() -> None:
    monitor = built("prod-cn")
    cfg = alicloud_stack_config("prod-cn")
    cost = cost_section(PlanContext("groundwork", "prod-cn", PROJECT_DIR, monitor, cfg)).data
    assert cost["drTotal"] > 0
    assert cost["drTotal"] <= 0.3 * cost["total"]
    assert not cost["unpriced"]


@pytest.mark.parametrize(
    ("days", "seconds"),
    [(["Monday"], 7 * 86400), (["Monday", "Thursday"], 4 * 86400),
     (["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], 86400),
     ([], None)],
)  # fmt: skip
def test_the_full_backup_gap_of_a_weekly_schedule(days: list[str], seconds: int | None) -> None:
    assert weekly_gap_seconds(days) == seconds
