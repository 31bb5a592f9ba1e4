"""IAM and KMS policy documents built as plain JSON (no invokes, readable in the plan)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the SDK is imported where outputs are built: config validation needs none of it
    import pulumi

    from components.aws.identity import AwsContext


def assume_role_policy(service: str, condition: dict[str, Any] | None = None) -> str:
    """Trust policy letting one AWS service principal assume the role, optionally only under
    `condition` (e.g. `aws:SourceAccount`, against the confused-deputy problem)."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def policy_document(statements: Sequence[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def kms_key_policy(
    ctx: AwsContext, service_statements: Sequence[dict[str, Any]]
) -> pulumi.Output[str]:
    """Key policy: the account administers the key through IAM; listed service grants are added.

    `service_statements` may use the placeholders `{account}`, `{partition}` and `{region}` in
    their string values; they are filled once the context resolves.
    """
    import pulumi  # noqa: PLC0415

    def render(args: list[str]) -> str:
        account, partition, region = args
        root = f"arn:{partition}:iam::{account}:root"
        statements: list[dict[str, Any]] = [
            {
                "Sid": "AccountAdministersKeyThroughIam",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": "kms:*",
                "Resource": "*",
            }
        ]
        text = json.dumps(list(service_statements))
        text = text.replace("{account}", account).replace("{partition}", partition)
        statements += json.loads(text.replace("{region}", region))
        return policy_document(statements)

    return pulumi.Output.all(ctx.account_id, ctx.partition, ctx.region).apply(render)


def logs_service_statement() -> dict[str, Any]:
    """Lets CloudWatch Logs in this account and region encrypt log groups with the key."""
    return {
        "Sid": "CloudWatchLogsUseKey",
        "Effect": "Allow",
        "Principal": {"Service": "logs.{region}.amazonaws.com"},
        "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                   "kms:Describe*"],
        "Resource": "*",
        "Condition": {
            "ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                        "arn:{partition}:logs:{region}:{account}:*"}
        },
    }  # fmt: skip
