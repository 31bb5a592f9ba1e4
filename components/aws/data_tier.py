"""Pieces the AWS data components share: the client-only security group and the data CMK."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from ipaddress import ip_network

import pulumi
from pulumi_aws import ec2, kms, vpc

from components._base import child_opts, merged_tags, require
from components.aws.identity import AwsContext
from components.aws.policy_docs import kms_key_policy, logs_service_statement

OPEN_TO_THE_WORLD = {"0.0.0.0/0", "::/0"}


def validate_clients(
    client_security_group_ids: Sequence[pulumi.Input[str]], client_cidrs: Sequence[str]
) -> None:
    """Clients are named security groups or private CIDRs; never the whole internet."""
    require(
        not isinstance(client_cidrs, str), "client_cidrs", "must be a list of CIDRs, not a string"
    )
    require(
        not isinstance(client_security_group_ids, str),
        "client_security_group_ids",
        "must be a list of security group ids, not a string",
    )
    for cidr in client_cidrs:
        try:
            net = ip_network(cidr, strict=True)
        except ValueError as exc:
            raise ValueError(f"client_cidrs: '{cidr}' is not a valid CIDR ({exc})") from None
        require(
            str(net) not in OPEN_TO_THE_WORLD and net.prefixlen >= 8,
            "client_cidrs",
            f"'{cidr}' opens the port to (nearly) the whole internet; name the client subnets",
        )
        require(net.is_private, "client_cidrs", f"'{cidr}' is not a private range")


def client_security_group(
    parent: pulumi.Resource,
    name: str,
    *,
    vpc_id: pulumi.Input[str],
    port: int,
    service: str,
    client_security_group_ids: Sequence[pulumi.Input[str]],
    client_cidrs: Sequence[str],
    tags: Mapping[str, str],
) -> ec2.SecurityGroup:
    """A security group admitting only the declared clients on one TCP port, with no egress
    (the provider removes AWS's default allow-all egress rule when it creates the group)."""
    sg = ec2.SecurityGroup(
        f"{name}-sg",
        vpc_id=vpc_id,
        description=f"{service} clients of {name}",
        tags=merged_tags(tags, f"{name}-sg"),
        opts=child_opts(parent),
    )
    # One ingress rule per client; names keep their index so adding a client appends.
    sources: list[tuple[str, dict[str, pulumi.Input[str]], str]] = [
        (f"from-sg-{i}", {"referenced_security_group_id": sg_id}, "a client security group")
        for i, sg_id in enumerate(client_security_group_ids)
    ] + [(f"from-cidr-{i}", {"cidr_ipv4": cidr}, cidr) for i, cidr in enumerate(client_cidrs)]
    for suffix, source, label in sources:
        vpc.SecurityGroupIngressRule(
            f"{name}-{suffix}",
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description=f"{service} from {label}",
            tags=merged_tags(tags, f"{name}-{suffix}"),
            opts=child_opts(parent),
            **source,
        )
    return sg


def data_key(
    parent: pulumi.Resource,
    name: str,
    *,
    ctx: AwsContext,
    description: str,
    tags: Mapping[str, str],
    protect: bool,
) -> kms.Key:
    """A customer-managed key with rotation, usable by the data services (through IAM and the
    services' grants) and by CloudWatch Logs of this account and region."""
    return kms.Key(
        f"{name}-key",
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=kms_key_policy(ctx, [logs_service_statement()]),
        tags=merged_tags(tags, f"{name}-key"),
        opts=child_opts(parent, protect=protect),
    )
