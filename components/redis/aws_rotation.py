"""Automatic rotation of the cache's AUTH-token secret: a Secrets Manager rotation schedule and
the Lambda function that rotates the token (rotation_handler.py), with least-privilege access to
the one secret, replication group and key, and an encrypted log group."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pulumi
from pulumi_aws import cloudwatch, iam, lambda_, secretsmanager

from components._base import child_opts, log_class_tag, merged_tags
from components.aws.policy_docs import assume_role_policy, policy_document
from components.redis import rotation_handler

HANDLER = Path(rotation_handler.__file__)
RUNTIME = "python3.13"


def rotate_auth_secret(
    parent: pulumi.Resource,
    name: str,
    *,
    secret: secretsmanager.Secret,
    group_arn: pulumi.Output[str],
    group_id: pulumi.Input[str],
    key_arn: pulumi.Output[str],
    partition: pulumi.Input[str],
    every_days: int,
    log_retention_days: int,
    tags: Mapping[str, str],
    protect: bool,
) -> secretsmanager.SecretRotation:
    function_name = f"{name}-rotation"[:64]
    log_group = cloudwatch.LogGroup(
        f"{name}-rotation-log",
        name=f"/aws/lambda/{function_name}",
        retention_in_days=log_retention_days,
        kms_key_id=key_arn,
        tags=merged_tags(tags, f"{name}-rotation-log", **log_class_tag("application")),
        opts=child_opts(parent, protect=protect),
    )
    policy = pulumi.Output.all(secret.arn, group_arn, key_arn, log_group.arn).apply(
        lambda a: policy_document([
            {"Sid": "RotateThisSecret", "Effect": "Allow", "Resource": a[0],
             "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue",
                        "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"]},
            # GetRandomPassword takes no resource.
            {"Sid": "GenerateToken", "Effect": "Allow", "Resource": "*",
             "Action": "secretsmanager:GetRandomPassword"},
            {"Sid": "SetTokenOnThisGroup", "Effect": "Allow", "Resource": a[1],
             "Action": ["elasticache:ModifyReplicationGroup", "elasticache:DescribeReplicationGroups"]},
            {"Sid": "UseTheCacheKey", "Effect": "Allow", "Resource": a[2],
             "Action": ["kms:Decrypt", "kms:GenerateDataKey"]},
            {"Sid": "WriteOwnLogs", "Effect": "Allow", "Resource": f"{a[3]}:*",
             "Action": ["logs:CreateLogStream", "logs:PutLogEvents"]},
        ])
    )  # fmt: skip
    role = iam.Role(
        f"{name}-rotation-role",
        assume_role_policy=assume_role_policy("lambda.amazonaws.com"),
        description=f"Rotates the AUTH token of {name}",
        tags=merged_tags(tags, f"{name}-rotation-role"),
        opts=child_opts(parent),
    )
    role_policy = iam.RolePolicy(
        f"{name}-rotation-policy", role=role.id, policy=policy, opts=child_opts(parent)
    )
    tracing = iam.RolePolicyAttachment(  # X-Ray's write calls take no resource: AWS's own policy
        f"{name}-rotation-tracing",
        role=role.name,
        policy_arn=pulumi.Output.format(
            "arn:{0}:iam::aws:policy/AWSXRayDaemonWriteAccess", partition
        ),
        opts=child_opts(parent),
    )
    function = lambda_.Function(
        f"{name}-rotation",
        name=function_name,
        description=f"Secrets Manager rotation of the AUTH token of {name}",
        runtime=RUNTIME,
        handler=f"{HANDLER.stem}.lambda_handler",
        code=pulumi.AssetArchive({HANDLER.name: pulumi.StringAsset(HANDLER.read_text())}),
        role=role.arn,
        timeout=900,  # two group modifications, each waited for
        memory_size=128,
        reserved_concurrent_executions=1,  # one rotation at a time
        environment={"variables": {rotation_handler.GROUP_ENV: group_id}},
        kms_key_arn=key_arn,
        tracing_config={"mode": "Active"},
        logging_config={"log_format": "JSON", "log_group": log_group.name},
        tags=merged_tags(tags, f"{name}-rotation"),
        opts=child_opts(parent, depends_on=[role_policy, tracing, log_group]),
    )
    permission = lambda_.Permission(
        f"{name}-rotation-invoke",
        action="lambda:InvokeFunction",
        function=function.name,
        principal="secretsmanager.amazonaws.com",
        source_arn=secret.arn,
        opts=child_opts(parent),
    )
    return secretsmanager.SecretRotation(
        f"{name}-rotation-schedule",
        secret_id=secret.id,
        rotation_lambda_arn=function.arn,
        rotation_rules={"automatically_after_days": every_days},
        rotate_immediately=False,  # the token is new: the first rotation waits for the schedule
        opts=child_opts(parent, depends_on=[permission]),
    )
