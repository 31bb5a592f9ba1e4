"""SLS on the Alibaba Cloud stacks: flow logs, ACK's control-plane logs and the services' container
logs each in a project of its retention class, kept the days `logs.retention` gives the class (the
same cloud-neutral section as the AWS log groups), encrypted; what the config refuses first."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.build import build
from infra.config import ConfigError
from planner.policy_report import policy_section
from planner.recorder import RecordingMonitor
from planner.report import PlanContext
from tests.conftest import PROJECT_DIR, alicloud_stack_config, built, of_type, one, run_mocked

PROJECT = "alicloud:log/project:Project"
STORE = "alicloud:log/store:Store"
ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes"
DR_PROVIDER = "alicloud-dr-"


def _classes(monitor: RecordingMonitor) -> dict[str, dict[str, Any]]:
    """Per class: the primary region's projects and the retention of their logstores."""
    out: dict[str, dict[str, Any]] = {}
    for project in of_type(monitor, PROJECT):
        if DR_PROVIDER in (project.provider or ""):
            continue
        klass = project.inputs["tags"]["log-class"]
        stores = [s for s in of_type(monitor, STORE)
                  if s.inputs["projectName"] == project.inputs["projectName"]]  # fmt: skip
        entry = out.setdefault(klass, {"projects": [], "days": set()})
        entry["projects"].append(project.inputs["projectName"])
        entry["days"] |= {s.inputs["retentionPeriod"] for s in stores}
    return out


@pytest.mark.parametrize(("stack", "days"), [
    ("prod-cn", {"application": 30, "audit": 365, "flow": 365}),
    ("dev-cn", {"application": 7, "audit": 14, "flow": 14}),
])  # fmt: skip
def test_every_log_is_kept_its_class_days(stack: str, days: dict[str, int]) -> None:
    monitor = built(stack)
    classes = _classes(monitor)
    assert set(classes) == {"application", "audit", "flow"}
    cfg = alicloud_stack_config(stack)
    assert {k: getattr(cfg.logs.retention, k) for k in classes} == days
    assert classes["flow"]["days"] == {days["flow"]}
    assert classes["application"]["days"] == {days["application"]}
    # ACK writes its control-plane logstores itself: their days are the cluster's TTL.
    assert one(monitor, ACK).inputs["controlPlaneLogTtl"] == str(days["audit"])
    for store in of_type(monitor, STORE):
        assert store.inputs["encryptConf"]["enable"] is True, store.name


def test_the_services_container_logs_go_to_the_application_project() -> None:
    monitor = built("prod-cn")
    (project,) = [p.inputs["projectName"] for p in of_type(monitor, PROJECT)
                  if p.inputs["tags"]["log-class"] == "application"]  # fmt: skip
    addons = {a["name"]: a for a in one(monitor, ACK).inputs["addons"]}
    assert json.loads(addons["logtail-ds"]["config"])["sls_project_name"] == project
    (config,) = of_type(monitor, "kubernetes:log.alibabacloud.com/v1alpha1:AliyunLogConfig")
    spec = config.inputs["spec"]
    assert (spec["project"], spec["logstore"]) == (project, "containers")
    detail = spec["logtailConfig"]["inputDetail"]["plugin"]["inputs"][0]["detail"]
    assert detail["K8sNamespaceRegex"] == "^(apps)$"


def test_a_class_set_once_reaches_its_logs() -> None:
    cfg = alicloud_stack_config("prod-cn", logs={"retention": {"flow": 400, "application": 60}})
    monitor = run_mocked(lambda: build(cfg), stack="prod-cn")
    classes = _classes(monitor)
    assert classes["flow"]["days"] == {400}
    assert classes["application"]["days"] == {60}
    ctx = PlanContext("groundwork", "prod-cn", PROJECT_DIR, monitor, cfg)
    assert not [b for b in policy_section(ctx).blocking if "cost-log-retention" in b]


@pytest.mark.parametrize(("retention", "problem"), [
    ({"flow": 3653}, "groundwork:logs.retention.flow: SLS keeps logs forever from 3650 days"),
    ({"application": 7}, "groundwork:logs.retention.application: prod keeps application logs at "
                         "least 30 days"),
])  # fmt: skip
def test_the_config_refuses_what_sls_or_the_prod_floor_would(
    retention: dict[str, int], problem: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        alicloud_stack_config("prod-cn", logs={"retention": retention})
    assert any(p.startswith(problem) for p in refused.value.problems), refused.value.problems


def test_ack_audit_logstore_retention_is_still_not_settable_through_the_sdk() -> None:
    """The audit class cannot be held on ACK's API-server audit logstore (docs/monitoring.md,
    "Known limit"): the cluster's audit config takes only where to log, and ACK creates the
    logstore itself. When a pulumi-alicloud upgrade adds a retention field here, this fails:
    wire it to `logs.retention.audit` (and hold it in `cost-log-retention`)."""
    import inspect

    from pulumi_alicloud import cs

    fields = set(inspect.signature(cs.ManagedKubernetesAuditLogConfigArgs).parameters)
    assert fields == {"enabled", "sls_project_name"}
    # What the stack does set: the control-plane logstores' TTL, from the audit class.
    cluster = one(built("prod-cn"), "alicloud:cs/managedKubernetes:ManagedKubernetes").inputs
    days = alicloud_stack_config("prod-cn").logs.retention.audit
    assert cluster["controlPlaneLogTtl"] == str(days) and cluster["auditLogConfig"]["enabled"]


@pytest.mark.parametrize("logs", [
    {"shipping": {"enabled": False}},
    {"search": {"enabled": True, "masterRoleArn": "arn:aws:iam::123456789012:role/search-admin"}},
])  # fmt: skip
def test_aws_only_log_keys_are_refused_not_ignored(logs: dict[str, Any]) -> None:
    # ACK ships the container logs itself and no search domain is built here: planning clean
    # with these keys set would tell the user they took effect.
    with pytest.raises(ConfigError) as refused:
        alicloud_stack_config("prod-cn", logs=logs)
    (key,) = logs
    assert refused.value.problems == [
        f"groundwork:logs.{key}: only for cloud: aws (this stack has cloud: alicloud); "
        "see docs/config-reference.md"
    ]
