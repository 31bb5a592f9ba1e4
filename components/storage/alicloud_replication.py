"""`groundwork:alicloud/storage:ReplicationRole`: the RAM role OSS assumes to copy the critical
buckets into their replicas in the DR region (OSS needs one as soon as the replicas are
encrypted with a KMS key of their own).

Least privilege: trusted by the OSS service only; the replication actions on the named source
and replica buckets only; the KMS actions on the named keys only (the sources' keys to read,
the replicas' keys to write)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi
from pulumi_alicloud import ram

from components._base import child_opts, type_token
from components.storage.alicloud_replication_spec import ReplicationRoleArgs, validate

REPLICATION_ACTIONS = ("oss:ReplicateList", "oss:ReplicateGet", "oss:ReplicatePut",
                       "oss:ReplicateDelete")  # fmt: skip
KEY_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey")


def trust_policy() -> str:
    """Only the OSS service assumes the role."""
    statement = {"Action": "sts:AssumeRole", "Effect": "Allow",
                 "Principal": {"Service": ["oss.aliyuncs.com"]}}  # fmt: skip
    return json.dumps({"Version": "1", "Statement": [statement]}, sort_keys=True)


def permissions(buckets: Sequence[str], key_arns: Sequence[str]) -> str:
    resources = [r for b in sorted(buckets) for r in (f"acs:oss:*:*:{b}", f"acs:oss:*:*:{b}/*")]
    statements = [
        {"Effect": "Allow", "Action": list(REPLICATION_ACTIONS), "Resource": resources},
        {"Effect": "Allow", "Action": list(KEY_ACTIONS), "Resource": sorted(key_arns)},
    ]
    return json.dumps({"Version": "1", "Statement": statements}, sort_keys=True)


class ReplicationRole(pulumi.ComponentResource):
    role_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: ReplicationRoleArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            type_token("storage", "ReplicationRole", cloud="alicloud"), name, None, opts
        )
        validate(args)
        role = ram.Role(
            f"{name}-role",
            role_name=args.role_name,
            assume_role_policy_document=trust_policy(),
            description="OSS cross-region replication of the critical buckets (groundwork)",
            tags=dict(args.tags),
            opts=child_opts(self),
        )
        policy = ram.Policy(
            f"{name}-policy",
            policy_name=f"{args.role_name}-policy",
            policy_document=pulumi.Output.from_input(args.kms_key_arns).apply(
                lambda arns: permissions(args.buckets, arns)
            ),
            description="Replicate the named buckets with their named keys",
            opts=child_opts(self),
        )
        ram.RolePolicyAttachment(
            f"{name}-attachment",
            policy_name=policy.policy_name,
            policy_type="Custom",
            role_name=role.role_name,
            opts=child_opts(self),
        )
        self.role_name = role.role_name
        self.register_outputs({"roleName": self.role_name})
