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
from typing import Any, Literal

from pydantic import Field

from components._base import LOG_CLASSES, LOG_RETENTION_DAYS, LogClass
from components.monitoring.aws_search_spec import LogSearchArgs
from infra.policy_limits import PolicyLimits
from infra.sections.base import LogRetentionDays, Problem, Section, component_default
from infra.sections.kubernetes import HelmChart

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


FLUENT_BIT = HelmChart(
    chart="aws-for-fluent-bit", version="0.2.1", repository="https://aws.github.io/eks-charts"
)


class LogShipping(Section):
    enabled: bool = True
    """Ship every container's log with Fluent Bit (a DaemonSet) into a KMS-encrypted log group of
    class `application` (`/aws/eks/<cluster>/containers`); needs `cluster.enabled`. Staging and
    prod keep it on (policy obs-log-shipping)."""
    chart: HelmChart = FLUENT_BIT
    """The pinned Fluent Bit chart (values merged over ours)."""


def _search(name: str) -> Any:
    return component_default(LogSearchArgs, name)


class LogSearch(Section):
    enabled: bool = False
    """An OpenSearch domain to search the container logs in (Fluent Bit ships to it as well):
    encrypted with its own KMS key, node-to-node TLS, HTTPS only (TLS 1.2+), in the data subnets
    without a public endpoint, fine-grained access control (docs/monitoring.md). A prod option:
    three m7g.large.search nodes with 50 GiB cost ~$350 a month in eu-west-1."""
    master_role_arn: str | None = Field(
        None, pattern=r"^arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+$"
    )
    """IAM role that administers the domain (fine-grained access control's master user); it maps
    Fluent Bit's role to a writing role inside OpenSearch. Required when enabled."""
    instance_type: str = Field(_search("instance_type"), pattern=r"^[a-z0-9]+\.[a-z0-9]+\.search$")
    """Data node type (priced in the catalogue: m7g.large.search, r7g.large.search)."""
    instance_count: int = Field(_search("instance_count"), ge=1, le=40)
    """Data nodes: a multiple of `zones`."""
    zones: int = Field(_search("zones"), ge=1, le=3)
    """Zone awareness over this many of `network.zones` (2-3; 1 turns it off)."""
    volume_gib: int = Field(_search("volume_gib"), ge=10, le=16384)
    """gp3 storage per data node (GiB)."""
    dedicated_masters: Literal[0, 3] = _search("dedicated_masters")
    """Dedicated cluster-manager nodes: 0, or 3 (AWS's advice for large domains; each costs a
    node of `dedicatedMasterType`)."""
    dedicated_master_type: str = Field(
        _search("dedicated_master_type"), pattern=r"^[a-z0-9]+\.[a-z0-9]+\.search$"
    )
    """Type of the dedicated cluster-manager nodes."""
    engine_version: str = Field(_search("engine_version"), pattern=r"^OpenSearch_\d+\.\d+$")
    """OpenSearch version (`OpenSearch_2.19`)."""

    def problems(self) -> Iterator[Problem]:
        if self.enabled and self.master_role_arn is None:
            yield Problem("masterRoleArn", "required when search is enabled: the IAM role "
                          "that administers the domain")  # fmt: skip
        if self.enabled and self.instance_count % self.zones:
            yield Problem("instanceCount", f"must be a multiple of zones ({self.zones}): zone "
                          "awareness spreads the nodes evenly")  # fmt: skip


class Logs(Section):
    retention: LogRetention = Field(default_factory=LogRetention)
    """Days per retention class; values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120,
    150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."""


class AwsLogs(Logs):
    """On Alibaba Cloud, ACK's own log collection ships the container logs to SLS; there is no
    shipping chart or search domain to set (a key set there would do nothing, so it is refused)."""

    shipping: LogShipping = Field(default_factory=LogShipping)
    """Container logs to CloudWatch Logs."""
    search: LogSearch = Field(default_factory=LogSearch)
    """An OpenSearch domain for searching the logs (off by default: a prod option)."""


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
