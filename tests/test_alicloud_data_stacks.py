"""The Alibaba Cloud stacks' data, storage, CDN and monitoring layers: what dev-cn and prod-cn
build from their config (HA in prod, a cheap footprint in dev), the whitelists taken from the
private vSwitches, the buckets by role behind the CDN, alarms to the contact groups, and the
config refusing what the components would (exit 2, naming the key)."""

from __future__ import annotations

from typing import Any

import pytest

from infra import ConfigError, parse_config
from tests.conftest import alicloud_stack_config, built, of_type, one, raw_stack_config

RDS = "alicloud:rds/instance:Instance"
RO = "alicloud:rds/readOnlyInstance:ReadOnlyInstance"
KV = "alicloud:kvstore/instance:Instance"
OSS = "alicloud:oss/bucket:Bucket"
CDN = "alicloud:cdn/domainNew:DomainNew"
ALARM = "alicloud:cms/alarm:Alarm"


def test_prod_postgres_is_ha_with_a_reader_and_redis_spans_two_zones() -> None:
    m = built("prod-cn")
    db = one(m, RDS).inputs
    assert db["category"] == "HighAvailability"
    assert db["zoneId"] != db["zoneIdSlaveA"]
    assert len(of_type(m, RO)) >= 1
    kv = one(m, KV).inputs
    assert kv["secondaryZoneId"] and kv["secondaryZoneId"] != kv["zoneId"]
    assert all(r.protect for r in (one(m, RDS), one(m, KV), *of_type(m, RO)))


def test_whitelists_are_the_private_vswitches() -> None:
    cfg = alicloud_stack_config("prod-cn")
    m = built("prod-cn")
    private = {s.inputs["cidrBlock"] for s in of_type(m, "alicloud:vpc/switch:Switch")
               if "-private-" in s.name and "-dr-" not in s.name}  # fmt: skip
    assert private and set(one(m, RDS).inputs["securityIps"]) == private
    assert set(one(m, KV).inputs["securityIps"]) == private
    assert cfg.postgres.enabled and cfg.redis.enabled


def test_dev_is_a_single_node_footprint() -> None:
    m = built("dev-cn")
    db = one(m, RDS).inputs
    assert db["category"] == "Basic" and "zoneIdSlaveA" not in db
    assert of_type(m, RO) == []
    assert not any(r.protect for r in m.recorded)


def test_buckets_by_role_behind_the_cdn() -> None:
    m = built("prod-cn")
    names = {b.inputs["bucket"] for b in of_type(m, OSS)}
    assert {n.split("-")[2] for n in names} >= {"logs", "assets", "uploads", "backups"}
    (source,) = one(m, CDN).inputs["sources"]
    assert source["content"].startswith("acme-prod-assets-") and source["type"] == "oss"


def test_prod_alarms_notify_contact_groups() -> None:
    m = built("prod-cn")
    alarms = of_type(m, ALARM)
    assert {a.name.split("-", 2)[-1] for a in alarms} >= {"postgres-free-storage", "cache-memory"}
    assert all(a.inputs["contactGroups"] for a in alarms)


@pytest.mark.parametrize(
    ("section", "value", "key"),
    [
        ("postgres", {"backupRetentionDays": 3}, "groundwork:postgres.backupRetentionDays"),
        ("postgres", {"instanceClass": "db.r7g.large"}, "groundwork:postgres.instanceClass"),
        ("redis", {"nodeType": "cache.t4g.micro"}, "groundwork:redis.nodeType"),
        ("redis", {"snapshotRetentionDays": 14}, "groundwork:redis.snapshotRetentionDays"),
        ("cdn", {"enabled": True, "domain": None}, "groundwork:cdn.domain"),
    ],
)
def test_bad_values_are_refused_naming_the_key(
    section: str, value: dict[str, Any], key: str
) -> None:
    raw = raw_stack_config("prod-cn")
    raw[section] = {**raw.get(section, {}), **value}
    with pytest.raises(ConfigError) as err:
        parse_config(raw)
    assert any(p.startswith(f"{key}:") for p in err.value.problems), err.value.problems
