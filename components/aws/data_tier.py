"""Pieces the AWS data components share: the client-only security group and the data CMK."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_random as random
from pulumi_aws import ec2, kms, secretsmanager, vpc

from components._base import child_opts, merged_tags, require
from components.aws.identity import AwsContext
from components.aws.policy_docs import kms_key_policy, logs_service_statement


def client_security_group(
    parent: pulumi.Resource,
    name: str,
    *,
    vpc_id: pulumi.Input[str],
    port: int,
    to_port: int | None = None,
    service: str,
    client_security_groups: Mapping[str, pulumi.Input[str]],
    client_cidrs: Mapping[str, str],
    tags: Mapping[str, str],
) -> ec2.SecurityGroup:
    """A security group admitting only the declared clients on one TCP port (or `port..to_port`),
    with no egress (the provider removes AWS's default allow-all egress rule when it creates the
    group)."""
    sg = ec2.SecurityGroup(
        f"{name}-sg",
        vpc_id=vpc_id,
        description=f"{service} clients of {name}",
        tags=merged_tags(tags, f"{name}-sg"),
        opts=child_opts(parent),
    )
    # One ingress rule per client, named after the client: adding, removing or reordering
    # clients touches only that client's rule.
    sources: list[tuple[str, dict[str, pulumi.Input[str]], str]] = [
        (f"from-{key}", {"referenced_security_group_id": sg_id}, f"security group {key}")
        for key, sg_id in sorted(client_security_groups.items())
    ] + [(f"from-{key}", {"cidr_ipv4": cidr}, f"{key} ({cidr})")
         for key, cidr in sorted(client_cidrs.items())]  # fmt: skip
    names = [suffix for suffix, _, _ in sources]
    require(len(set(names)) == len(names), "client_cidrs", f"client names repeat: {names}")
    for suffix, source, label in sources:
        vpc.SecurityGroupIngressRule(
            f"{name}-{suffix}",
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port if to_port is None else to_port,
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


def cache_password(
    parent: pulumi.Resource, name: str, *, length: int, specials: str, protect: bool
) -> pulumi.Output[str]:
    """A generated password (an AUTH token, a cache user's password), secret in this program too:
    the provider marks `result` secret in the engine; wrapping it does the same here (and under
    mocks), so nothing downstream can leak it in plaintext."""
    password = random.RandomPassword(
        name,
        length=length,
        special=True,
        override_special=specials,
        min_lower=1,
        min_upper=1,
        min_numeric=1,
        opts=child_opts(parent, protect=protect),
    )
    return pulumi.Output.secret(password.result)


def connection_secret(
    parent: pulumi.Resource,
    name: str,
    *,
    description: str,
    connection: Mapping[str, object],
    key_arn: pulumi.Input[str],
    tags: Mapping[str, str],
    protect: bool,
    rotated: bool = False,
) -> secretsmanager.Secret:
    """A Secrets Manager secret, encrypted with the data service's key, holding how to connect
    (JSON, secret end to end). `rotated`: a rotation Lambda owns the value after creation."""
    secret = secretsmanager.Secret(
        name,
        description=description,
        kms_key_id=key_arn,
        recovery_window_in_days=30 if protect else 7,
        tags=merged_tags(tags, name),
        opts=child_opts(parent, protect=protect),
    )
    value: pulumi.Output[str] = pulumi.Output.json_dumps(connection)
    secretsmanager.SecretVersion(
        f"{name}-value",
        secret_id=secret.id,
        secret_string=pulumi.Output.secret(value),  # type: ignore[arg-type]
        opts=child_opts(
            parent, ignore_changes=["secretString", "versionStages"] if rotated else None
        ),
    )
    return secret
