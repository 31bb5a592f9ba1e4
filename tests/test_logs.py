"""Log retention by class: `logs.retention` sets every log group's days, each group carries its
class, and config refuses what the class-aware cost-log-retention rule would block."""

from __future__ import annotations

import pytest

from components._base import LOG_CLASS_TAG
from infra import ConfigError, parse_config
from policies.guardrails import config_path, load_pack_config
from tests.conftest import (
    alicloud_stack_config,
    built,
    of_type,
    primary_region,
    raw_stack_config,
    stack_config,
)

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"

# The class each log group of the stacks belongs to, by the end of its resource name.
EXPECTED_CLASS = {
    "-flow-logs": "flow",
    "-control-plane-logs": "audit",
    "-postgresql-logs": "audit",
    "-slow-log": "application",
    "-rotation-log": "application",
    "-container-logs": "application",
}


def _class_of_name(name: str) -> str:
    if name.startswith("aws-waf-logs-") or name.endswith("-waf-logs"):
        return "audit"
    for suffix, klass in EXPECTED_CLASS.items():
        if name.endswith(suffix):
            return klass
    raise AssertionError(f"no expected class for log group {name}")


def _problems(stack: str, **overrides: object) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_config({**raw_stack_config(stack), **overrides})
    return err.value.problems


def test_the_class_sets_every_group_and_a_group_key_overrides_it() -> None:
    cfg = stack_config("prod", logs={"retention": {"audit": 731}})
    assert cfg.cluster.log_retention_days == 731
    assert cfg.postgres.log_retention_days == 731
    assert cfg.cdn.waf.log_retention_days == 731
    assert cfg.network.flow_logs.retention_days == 365  # flow: the default class days
    assert cfg.redis.slow_log_retention_days == 30  # application
    pinned = stack_config(
        "prod", logs={"retention": {"audit": 731}}, cluster={**raw_stack_config("prod")["cluster"],
                                                             "logRetentionDays": 1096}
    )  # fmt: skip
    assert pinned.cluster.log_retention_days == 1096
    assert pinned.postgres.log_retention_days == 731


def test_dev_keeps_logs_briefly_by_preset() -> None:
    dev = stack_config("dev")
    assert dev.logs.retention.application == 7
    assert dev.cluster.log_retention_days == 14
    assert dev.network.flow_logs.retention_days == 14
    assert dev.redis.slow_log_retention_days == 7


def test_a_class_value_cloudwatch_refuses_is_named_once_at_its_key() -> None:
    problems = _problems("dev", logs={"retention": {"audit": 100}})
    assert any(p.startswith("groundwork:logs.retention.audit:") and "3653" in p for p in problems)
    assert not any(p.startswith("groundwork:cluster.logRetentionDays") for p in problems)


def test_prod_refuses_audit_logs_below_the_policy_floor_naming_the_key() -> None:
    (problem,) = _problems("prod", logs={"retention": {"audit": 90}})
    assert problem.startswith("groundwork:logs.retention.audit: prod keeps audit logs at least 365")
    assert "cost-log-retention" in problem


def test_prod_refuses_a_group_override_below_its_class_floor() -> None:
    cluster = {**raw_stack_config("prod")["cluster"], "logRetentionDays": 90}
    (problem,) = _problems("prod", cluster=cluster)
    assert problem.startswith("groundwork:cluster.logRetentionDays: prod keeps audit logs")


def test_the_floors_come_from_the_policy_config() -> None:
    floors = load_pack_config(config_path("prod"))["cost-log-retention"]["minDaysByClass"]
    assert floors == {"application": 30, "audit": 365, "flow": 365}
    cfg = stack_config("prod")
    for klass, days in floors.items():
        assert getattr(cfg.logs.retention, klass) >= days


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_log_group_carries_its_class_and_keeps_it_long_enough(stack: str) -> None:
    floors = load_pack_config(config_path(stack))["cost-log-retention"]["minDaysByClass"]
    groups = of_type(primary_region(built(stack)), LOG_GROUP)
    assert groups
    for group in groups:
        klass = group.inputs["tags"][LOG_CLASS_TAG]
        assert klass == _class_of_name(group.name), group.name
        assert group.inputs["retentionInDays"] >= floors[klass], group.name


def test_alibaba_stacks_take_the_same_classes() -> None:
    # One cloud-neutral section: the SLS logstores' days come from the same classes
    # (tests/test_logs_alicloud.py follows them to the logstores).
    dev_cn = alicloud_stack_config("dev-cn")
    assert dev_cn.network.flow_logs.retention_days == dev_cn.logs.retention.flow == 14
    assert dev_cn.cluster.log_retention_days == dev_cn.logs.retention.audit == 14
    audit = alicloud_stack_config("dev-cn", logs={"retention": {"audit": 30}})
    assert audit.cluster.log_retention_days == 30
