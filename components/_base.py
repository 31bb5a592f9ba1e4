"""Helpers every component shares: child options, tag merging, argument checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Literal

import pulumi

TOKEN_PACKAGE = "groundwork"  # noqa: S105 (type token, not a secret)
"""Package part of every component type token."""

Cloud = Literal["aws", "alicloud"]


def type_token(capability: str, kind: str, *, cloud: Cloud | None = None) -> str:
    """A component's type token. Cloud implementations carry the cloud in the module part
    (`groundwork:aws/network:Vpc`), so an AWS and an Alibaba Cloud component never share a token
    (the token is part of every child's URN); components shared by all clouds (the Kubernetes
    platform layer) have none (`groundwork:kubernetes:Workload`)."""
    module = f"{cloud}/{capability}" if cloud else capability
    return f"{TOKEN_PACKAGE}:{module}:{kind}"


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
