"""PolarDB for PostgreSQL, the Postgres option on Alibaba Cloud (`postgres.polardb`): what the
stack builds instead of ApsaraDB RDS, that prod-cn with it is priced and keeps its DR posture but
has no alarm on the database (so prod refuses it until it emits CloudMonitor alarms), and what the
config refuses first, by key."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from infra.build import build
from infra.config import ConfigError, parse_config
from infra.sections.postgres import PolarDb
from planner.cost_report import cost_section
from planner.dr_report import dr_section
from planner.policy_report import policy_section
from planner.recorder import RecordingMonitor
from planner.report import PlanContext
from tests.conftest import (
    PROJECT_DIR,
    alicloud_stack_config,
    of_type,
    one,
    raw_stack_config,
    run_mocked,
)

POLAR = "alicloud:polardb/cluster:Cluster"


def _with(**postgres: Any) -> dict[str, Any]:
    raw = copy.deepcopy(raw_stack_config("prod-cn"))
    raw["postgres"] = {**raw.get("postgres", {}), **postgres}
    return raw


@pytest.fixture(scope="module")
def polar() -> tuple[RecordingMonitor, PlanContext]:
    base = alicloud_stack_config("prod-cn")
    cfg = base.model_copy(
        update={"postgres": base.postgres.model_copy(update={"polardb": PolarDb()})}
    )
    monitor = run_mocked(lambda: build(cfg), stack="prod-cn")
    return monitor, PlanContext("groundwork", "prod-cn", PROJECT_DIR, monitor, cfg)


def test_polardb_replaces_rds_with_the_same_defaults(polar: tuple[RecordingMonitor, Any]) -> None:
    monitor, ctx = polar
    assert not of_type(monitor, "alicloud:rds/instance:Instance")
    cluster = one(monitor, POLAR).inputs
    assert cluster["dbType"] == "PostgreSQL" and cluster["dbVersion"] == "16"
    assert cluster["dbNodeCount"] == 1 + ctx.config.postgres.readers
    assert cluster["zoneId"] != cluster["standbyAz"] and cluster["hotStandbyCluster"] == "ON"
    key = one(monitor, "alicloud:kms/key:Key", "acme-prod-postgres-key")
    assert (cluster["tdeStatus"], cluster["encryptionKey"]) == ("Enabled", key.id)
    private = {s.inputs["cidrBlock"] for s in of_type(monitor, "alicloud:vpc/switch:Switch")
               if "-private-" in s.name and "-dr-" not in s.name}  # fmt: skip
    assert set(cluster["securityIps"]) == private
    assert cluster["deletionLock"] == 1 and one(monitor, POLAR).protect
    endpoint = one(monitor, "alicloud:polardb/primaryEndpoint:PrimaryEndpoint").inputs
    assert endpoint["sslEnabled"] == "Enable"
    account = one(monitor, "alicloud:polardb/account:Account")
    assert "accountPassword" in account.secret_paths


def test_prod_cn_on_polardb_passes_is_priced_and_keeps_its_dr_posture(
    polar: tuple[RecordingMonitor, PlanContext],
) -> None:
    _, ctx = polar
    assert policy_section(ctx).blocking == []
    cost = cost_section(ctx).data
    assert not cost["unpriced"]
    (cluster,) = [line for line in cost["lines"] if line["type"] == POLAR]
    # 2 nodes + the hot standby's node, x CNY 0.62 x 730 h
    assert (cluster["status"], round(cluster["monthly"], 2)) == ("priced", round(3 * 0.62 * 730, 2))
    tier = dr_section(ctx).data["tiers"]["database"]
    assert (tier["mechanism"], tier["verdict"]) == ("polardb-cross-region-log-backup", "meets")


@pytest.mark.parametrize(("postgres", "problem"), [
    ({"polardb": {}, "instanceClass": "pg.n2.medium.2c"},
     "groundwork:postgres.instanceClass: not used with polardb"),
    ({"polardb": {}, "engineVersion": "13.0"},
     "groundwork:postgres.engineVersion: PolarDB for PostgreSQL offers 14, 15, 16"),
    ({"polardb": {}, "readers": 0}, "groundwork:postgres.readers: PolarDB needs at least one"),
    ({"polardb": {"nodeClass": "pg.n2.medium.2c"}}, "groundwork:postgres.polardb.nodeClass:"),
])  # fmt: skip
def test_the_config_refuses_what_polardb_would(postgres: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config(_with(**postgres))
    assert any(p.startswith(problem) for p in refused.value.problems), refused.value.problems


CMS_ALARM = "alicloud:cms/alarm:Alarm"


def test_polardb_alarms_watch_the_cluster_and_notify_the_severities_groups(
    polar: tuple[RecordingMonitor, PlanContext],
) -> None:
    import json

    monitor, _ = polar
    cluster = one(monitor, POLAR)
    alarms = {
        a.name: a for a in of_type(monitor, CMS_ALARM) if a.inputs["project"] == "acs_polardb"
    }
    assert {n.removeprefix("acme-prod-postgres-") for n in alarms} == {
        "cpu",
        "memory",
        "connections",
    }
    groups = {g.inputs["alarmContactGroupName"]: g for g in
              of_type(monitor, "alicloud:cms/alarmContactGroup:AlarmContactGroup")}  # fmt: skip
    for alarm in alarms.values():
        assert json.loads(alarm.inputs["metricDimensions"]) == [{"clusterId": cluster.id}]
        (group,) = alarm.inputs["contactGroups"]
        assert group in groups and group.endswith("-p2")  # their default severity: P2
        assert cluster.urn in alarm.dependencies
    metrics = {a.inputs["metric"] for a in alarms.values()}
    assert metrics == {"pg_cpu_total", "pg_mem_usage", "pg_conn_usage"}
    assert not [
        a for a in of_type(monitor, CMS_ALARM) if a.inputs["project"] == "acs_rds_dashboard"
    ]


def test_the_alerting_config_tunes_polardb_alarms_like_rds() -> None:
    raw = _with(polardb={})
    raw["alerting"] = {
        **raw["alerting"],
        "alarms": {
            "postgres.memory": {"threshold": 75, "severity": "P1"},
            "postgres.connections": {"enabled": False},
        },
    }
    cfg = parse_config(raw)
    monitor = run_mocked(lambda: build(cfg), stack="prod-cn")
    alarms = {a.name.removeprefix("acme-prod-postgres-"): a.inputs
              for a in of_type(monitor, CMS_ALARM) if a.inputs["project"] == "acs_polardb"}  # fmt: skip
    assert set(alarms) == {"cpu", "memory"}
    assert alarms["memory"]["escalationsCritical"]["threshold"] == "75"


@pytest.mark.parametrize(("stack", "key", "accepted"), [
    ("prod-cn", "postgres.memory", True),  # Alibaba's RDS and PolarDB emit it
    ("prod-cn", "postgres.freeable-memory", False),  # AWS's metric, not emitted on Alibaba
    ("prod-cn", "cluster.cpu", False),  # no ACK alarm rules on Alibaba
    ("prod", "postgres.memory", False),  # AWS emits freeable-memory instead
])  # fmt: skip
def test_alarm_keys_are_those_the_stacks_cloud_emits(stack: str, key: str, accepted: bool) -> None:
    raw = copy.deepcopy(raw_stack_config(stack))
    raw["alerting"] = {**raw["alerting"], "alarms": {key: {"threshold": 70}}}
    if accepted:
        parse_config(raw)
        return
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    assert any(p.startswith(f"groundwork:alerting.alarms.{key}: no such alarm")
               for p in caught.value.problems), caught.value.problems  # fmt: skip
