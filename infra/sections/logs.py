"""`groundwork:logs`: how long each class of log is kept (AWS; docs/monitoring.md).

Every log group the stack creates belongs to a retention class (`components._base.LogClass`) and
carries it in its `log-class` tag. `logs.retention` states the days of each class once; the
per-group keys (`cluster.logRetentionDays`, ...) default to their class's days and stay as
overrides for one group. The `cost-log-retention` policy holds every group to its class's minimum
from `policies/config/<environment>.json`; the config refuses a shorter retention first, naming
the key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from components._base import LOG_CLASSES, LOG_RETENTION_DAYS, LogClass
from infra.policy_limits import PolicyLimits
from infra.sections.base import LogRetentionDays, Section

RULE = "cost-log-retention"

CLASS_OF_KEY: dict[str, LogClass] = {
    "network.flowLogs.retentionDays": "flow",
    "cluster.logRetentionDays": "audit",  # the API server's audit log and its other logs
    "postgres.logRetentionDays": "audit",  # statements and connections
    "cdn.waf.logRetentionDays": "audit",  # the firewall's decisions (assets and API edge)
    "redis.slowLogRetentionDays": "application",
}
"""The stack-file key of each log group's retention and the group's class (the component tags the
group with the same class)."""
ALICLOUD_CLASS_OF_KEY: dict[str, LogClass] = {
    "network.flowLogs.retentionDays": "flow",  # the VPC's flow-log logstore
    "cluster.logRetentionDays": "audit",  # ACK's control-plane logstores (controlPlaneLogTtl)
}
"""The same on Alibaba Cloud: SLS logstores (their project carries the class tag); the services'
container logs go to the `application` logstore, kept `logs.retention.application` itself."""
CLASSES_OF_CLOUD: dict[str, dict[str, LogClass]] = {
    "aws": CLASS_OF_KEY,
    "alicloud": ALICLOUD_CLASS_OF_KEY,
}


class LogRetention(Section):
    application: LogRetentionDays = 30
    """Days of what services and caches print (container logs, the cache's slow log)."""
    audit: LogRetentionDays = 365
    """Days of who-did-what logs: the Kubernetes API audit and control-plane logs, database
    statements, the web firewall's decisions."""
    flow: LogRetentionDays = 365
    """Days of VPC flow records."""


class Logs(Section):
    retention: LogRetention = LogRetention()
    """Days per retention class; values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120,
    150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."""


def with_class_retention(
    merged: Mapping[str, Any], stack_file: Mapping[str, Any], cloud: str = "aws"
) -> dict[str, Any]:
    """`merged` (stack file over presets) with each per-group retention key the stack file does not
    set taken from its class in `logs.retention`. A class value that is not valid is left for
    validation to report at its own key (never copied to the groups' keys)."""
    retention = _at(merged, "logs.retention")
    defaults = LogRetention()
    out: dict[str, Any] = _copy(merged)
    for key, klass in CLASSES_OF_CLOUD.get(cloud, {}).items():  # an unknown cloud: reported later
        if _at(stack_file, key) is not None or not _applies(merged, key):
            continue
        days = (
            retention.get(klass, getattr(defaults, klass))
            if isinstance(retention, Mapping)
            else getattr(defaults, klass)
        )
        if days in LOG_RETENTION_DAYS:
            _put(out, key, days)
    return out


def _applies(merged: Mapping[str, Any], key: str) -> bool:
    # A serverless cache has no slow log (config refuses the key there).
    return not (key.startswith("redis.") and _at(merged, "redis.serverless") is not None)


def _at(values: Mapping[str, Any], dotted: str) -> Any:
    node: Any = values
    for part in dotted.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _copy(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _copy(v) if isinstance(v, Mapping) else v for k, v in values.items()}


def _put(values: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = values
    for part in parents:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        if not isinstance(child, dict):
            return  # a malformed section: validation names it
        node = child
    node[leaf] = value


def retention_problems(
    logs: Logs, groups: Mapping[str, int], limits: PolicyLimits, cloud: str = "aws"
) -> Iterator[tuple[str, str]]:
    """(stack-file key, message) for every retention the environment's mandatory
    `cost-log-retention` rule would block: each class's days, then each group's own days (a group
    at its class's days is reported once, at the class)."""
    rule = limits.enforced(RULE)
    if rule is None:
        return
    floors: Mapping[str, int] = rule["minDaysByClass"]
    ceiling = rule["maxDays"]
    env = limits.environment
    for klass in LOG_CLASSES:
        days = getattr(logs.retention, klass)
        yield from _bounds(
            f"logs.retention.{klass}", days, floors.get(klass, 1), ceiling, env, klass
        )
    for key, days in groups.items():
        klass = CLASSES_OF_CLOUD[cloud][key]
        if days != getattr(logs.retention, klass):
            yield from _bounds(key, days, floors.get(klass, 1), ceiling, env, klass)


def _bounds(  # noqa: PLR0917  (one message, its five facts)
    key: str, days: int, floor: int, ceiling: int, env: str, klass: str
) -> Iterator[tuple[str, str]]:
    if days < floor:
        yield (
            key,
            (
                f"{env} keeps {klass} logs at least {floor} days, got {days} (policy {RULE}); "
                f"allowed: {', '.join(str(d) for d in sorted(LOG_RETENTION_DAYS) if floor <= d <= ceiling)}"
            ),
        )
    elif days > ceiling:
        yield key, f"{env} keeps logs at most {ceiling} days, got {days} (policy {RULE})"
