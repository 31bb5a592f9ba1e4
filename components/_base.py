"""Helpers every component shares: child options, tag merging, argument checks."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:  # the SDK is imported where options are built: config validation needs none of it
    import pulumi

TOKEN_PACKAGE = "groundwork"  # noqa: S105 (type token, not a secret)
"""Package part of every component type token."""

Cloud = Literal["aws", "alicloud"]

LogRetentionDays = Literal[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
]  # fmt: skip
"""Log retention periods in days: the values CloudWatch Logs accepts, used for every log group
the components create (and for the retention keys of the config)."""
LOG_RETENTION_DAYS: frozenset[int] = frozenset(get_args(LogRetentionDays))
LogClass = Literal["application", "audit", "flow"]
"""Why a log is kept, which sets how long: `application` (what services and caches print),
`audit` (who did what: the Kubernetes API, database statements, the web firewall's decisions),
`flow` (network flow records). Every log group carries its class in the `LOG_CLASS_TAG` tag; the
cost-log-retention policy holds its retention to the class's minimum."""
LOG_CLASSES: tuple[LogClass, ...] = get_args(LogClass)
LOG_CLASS_TAG = "log-class"
SLS_FOREVER_DAYS = 3650
"""An SLS logstore with this retention (or more) keeps its logs forever: never used."""
ENGINE_VERSION = re.compile(r"^\d+(\.\d+){0,2}$")
"""A database or cache engine version such as `16.6` or `8.0`."""


def type_token(capability: str, kind: str, *, cloud: Cloud | None = None) -> str:
    """A component's type token. Cloud implementations carry the cloud in the module part
    (`groundwork:aws/network:Vpc`), so an AWS and an Alibaba Cloud component never share a token
    (the token is part of every child's URN); components shared by all clouds (the Kubernetes
    platform layer) have none (`groundwork:kubernetes:Workload`)."""
    module = f"{cloud}/{capability}" if cloud else capability
    return f"{TOKEN_PACKAGE}:{module}:{kind}"


def spread_over_zones(zones: Sequence[str], count: int) -> list[str]:
    """The zone of each of `count` members (writer or primary first), round-robin over the zones
    in sorted order. Sorted, not as listed: a member's zone is a replacement-forcing input, so
    reordering the stack's zone list must not move (and so replace) a database instance."""
    ordered = sorted(zones)
    return [ordered[i % len(ordered)] for i in range(count)]


def child_opts(
    parent: pulumi.Resource,
    *,
    protect: bool | None = None,
    depends_on: Sequence[pulumi.Resource] | None = None,
    ignore_changes: Sequence[str] | None = None,
    aliases: Sequence[pulumi.Alias] | None = None,
    delete_before_replace: bool | None = None,
) -> pulumi.ResourceOptions:
    """Options for a child: always parented, so it inherits the caller's providers (and `protect`,
    when the caller set it on the component). `protect=True` adds protection for stateful children;
    None/False leaves inheritance alone: a component never un-protects what its caller protected."""
    import pulumi  # noqa: PLC0415

    return pulumi.ResourceOptions(
        parent=parent,
        protect=True if protect else None,
        depends_on=list(depends_on) if depends_on else None,
        ignore_changes=list(ignore_changes) if ignore_changes else None,
        aliases=list(aliases) if aliases else None,
        delete_before_replace=delete_before_replace,
    )


def merged_tags(base: Mapping[str, str], name: str, **extra: str) -> dict[str, str]:
    """Component tags plus a `Name` tag (shown by the AWS console) and per-child extras."""
    return {**base, "Name": name, **extra}


def log_class_tag(log_class: LogClass) -> dict[str, str]:
    """The tag naming a log group's retention class (pass it as `merged_tags` extras)."""
    return {LOG_CLASS_TAG: log_class}


def require(condition: bool, field: str, message: str) -> None:
    """Fail component construction with an error naming the args field."""
    if not condition:
        raise ValueError(f"{field}: {message}")


def parse_cidr(field: str, cidr: str) -> IPv4Network | IPv6Network:
    """The network of a CIDR argument, or an error naming the args field."""
    try:
        return ip_network(cidr, strict=True)
    except ValueError as exc:
        raise ValueError(f"{field}: '{cidr}' is not a CIDR ({exc})") from None
