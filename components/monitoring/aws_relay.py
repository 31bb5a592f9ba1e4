"""The alert relay (AWS): one Lambda function subscribed to every severity topic that has chat
channels (in the primary region, the DR region and us-east-1 alike), posting each notification (CloudWatch alarms, the in-cluster Alertmanager's, budgets) to
Slack, DingTalk and WeCom in their own formats (relay/format.py).

Chat webhooks cannot confirm an SNS subscription, so without the relay no alarm reaches them. The
webhook URLs stay secrets: a Secrets Manager secret encrypted with the alert topics' key holds
them (the function's environment only names the secret). The role may read that one secret, use
that key, write its own log group and its failure queue (and X-Ray traces): nothing else. SNS
invokes the function asynchronously: two retries, then the event goes to an encrypted dead-letter
queue whose depth is an alarm.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi_aws import cloudwatch, iam, lambda_, secretsmanager, sns, sqs

from components._base import child_opts, log_class_tag, merged_tags, type_token
from components.aws.identity import aws_context
from components.aws.policy_docs import assume_role_policy, policy_document
from components.monitoring import (
    AlarmSpec,
    AlertRouting,
    Severity,
    chat_target,
    relayed_webhooks,
)
from components.monitoring import relay as relay_code
from components.monitoring.aws import emit_alarms
from components.monitoring.aws_relay_spec import validate
from components.monitoring.aws_spec import AlarmWiring
from components.monitoring.relay import handler as relay_handler

CODE_DIR = Path(relay_code.__file__).parent
CODE_FILES = ("__init__.py", "deliver.py", "format.py", "handler.py")
RUNTIME = "python3.13"
HANDLER = "relay.handler.lambda_handler"
RESERVED_CONCURRENCY = 2
"""Alert storms queue (SNS retries throttled async invocations) instead of flooding the chats."""
RETRIES = 2
MAX_EVENT_AGE_SECONDS = 3600
"""An alert older than an hour goes to the failure queue rather than to the chat."""
FAILURE_RETENTION_SECONDS = 14 * 24 * 3600


@dataclass(frozen=True)
class TopicSet:
    """One set of severity topics the relay subscribes to (the primary region's, the DR region's,
    the us-east-1 health checks'): SNS delivers to a function in another region."""

    label: str
    """Part of the subscriptions' names ("" for the primary set)."""
    topic_arns: Mapping[Severity, pulumi.Input[str]]
    provider: pulumi.ProviderResource | None = None
    """The topics' region (a subscription is made there); None: the relay's own."""


@dataclass(frozen=True)
class AlertRelayArgs:
    routing: AlertRouting
    topic_sets: Sequence[TopicSet]
    """The first is the primary region's: its P1 topic gets the failure alarm."""
    key_arn: pulumi.Input[str]
    """The alert topics' customer-managed key: encrypts the secret, the queue and the log group."""
    log_retention_days: int
    """Retention of the function's log group (class `application`)."""
    alarms: AlarmWiring | None = None
    """Where the failure-queue alarm goes (None: no alarm)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect` on the secret, the failure queue and the log group."""


def relay_targets(routing: AlertRouting) -> dict[Severity, list[dict[str, object]]]:
    """Per severity, the chat targets the function posts to (secrets as given: Outputs or text)."""
    return {
        severity: [chat_target(routing, n) for n in names]
        for severity, names in relayed_webhooks(routing).items()
    }


def failure_alarm(queue_name: pulumi.Input[str]) -> list[AlarmSpec]:
    return [
        AlarmSpec(
            key="delivery-failed",
            namespace="AWS/SQS",
            metric="ApproximateNumberOfMessagesVisible",
            dimensions={"QueueName": queue_name},
            statistic="Maximum",
            comparison=">",
            threshold=0,
            severity="P1",
            evaluation_periods=1,
            description="Alert relay: chat notifications failed after retries (failure queue)",
        )
    ]


class AlertRelay(pulumi.ComponentResource):
    """The relay function, its secret, role, log group, failure queue and subscriptions."""

    def __init__(
        self, name: str, args: AlertRelayArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("monitoring", "AlertRelay", cloud="aws"), name, None, opts)
        validate(args.routing)
        targets = relay_targets(args.routing)
        tags = args.tags
        function_name = f"{name}"[:64]
        secret = secretsmanager.Secret(
            f"{name}-targets",
            description=f"{name}: chat webhook URLs per alert topic (read by the relay only)",
            kms_key_id=args.key_arn,
            recovery_window_in_days=7,
            tags=merged_tags(tags, f"{name}-targets"),
            opts=child_opts(self, protect=args.protect_stateful),
        )
        topics = [
            (f"{t.label}-{s.lower()}" if t.label else s.lower(), s, t.topic_arns[s], t.provider)
            for t in args.topic_sets
            for s in targets
        ]
        document: pulumi.Output[str] = pulumi.Output.secret(
            pulumi.Output.all([(arn, s) for _, s, arn, _ in topics], targets).apply(
                _targets_document
            )
        )
        version = secretsmanager.SecretVersion(
            f"{name}-targets-version",
            secret_id=secret.id,
            secret_string=document,
            opts=child_opts(self),
        )
        queue = sqs.Queue(
            f"{name}-failed",
            name=f"{name}-failed"[:80],  # known at plan time: the alarm's dimension
            kms_master_key_id=args.key_arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=FAILURE_RETENTION_SECONDS,
            tags=merged_tags(tags, f"{name}-failed"),
            opts=child_opts(self, protect=args.protect_stateful),
        )
        log_group = cloudwatch.LogGroup(
            f"{name}-log",
            name=f"/aws/lambda/{function_name}",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.key_arn,
            tags=merged_tags(tags, f"{name}-log", **log_class_tag("application")),
            opts=child_opts(self, protect=args.protect_stateful),
        )
        role = iam.Role(
            f"{name}-role",
            assume_role_policy=assume_role_policy("lambda.amazonaws.com"),
            description=f"{name}: posts alert notifications to chat webhooks",
            tags=merged_tags(tags, f"{name}-role"),
            opts=child_opts(self),
        )
        role_policy = iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=_role_policy(secret.arn, args.key_arn, queue.arn, log_group.arn),
            opts=child_opts(self),
        )
        tracing = iam.RolePolicyAttachment(  # X-Ray's write calls take no resource: AWS's policy
            f"{name}-tracing",
            role=role.name,
            policy_arn=pulumi.Output.format(
                "arn:{0}:iam::aws:policy/AWSXRayDaemonWriteAccess", aws_context(self).partition
            ),
            opts=child_opts(self),
        )
        self.function = lambda_.Function(
            name,
            name=function_name,
            description="Posts alert topic notifications to Slack, DingTalk and WeCom",
            runtime=RUNTIME,
            handler=HANDLER,
            code=pulumi.AssetArchive(
                {f"relay/{f}": pulumi.StringAsset((CODE_DIR / f).read_text()) for f in CODE_FILES}
            ),
            role=role.arn,
            timeout=60,  # three chats at most 10 s each, and the secret
            memory_size=128,
            reserved_concurrent_executions=RESERVED_CONCURRENCY,
            # Names the secret only; the URLs never are in the environment.
            environment={"variables": {relay_handler.SECRET_ENV: secret.arn}},
            kms_key_arn=args.key_arn,
            # Async invocations (SNS) that still fail after the retries, or are too old.
            dead_letter_config={"target_arn": queue.arn},
            tracing_config={"mode": "Active"},
            logging_config={"log_format": "JSON", "log_group": log_group.name},
            tags=merged_tags(tags, name),
            opts=child_opts(self, depends_on=[role_policy, tracing, log_group, version]),
        )
        lambda_.FunctionEventInvokeConfig(
            f"{name}-async",
            function_name=self.function.name,
            maximum_retry_attempts=RETRIES,
            maximum_event_age_in_seconds=MAX_EVENT_AGE_SECONDS,
            opts=child_opts(self),
        )
        for suffix, _, topic, provider in topics:
            base = f"{name}-{suffix}"
            permission = lambda_.Permission(
                f"{base}-invoke",
                action="lambda:InvokeFunction",
                function=self.function.name,
                principal="sns.amazonaws.com",
                source_arn=topic,
                opts=child_opts(self),
            )
            sns.TopicSubscription(
                f"{base}-subscription",
                topic=topic,
                protocol="lambda",
                endpoint=self.function.arn,
                opts=pulumi.ResourceOptions.merge(
                    child_opts(self, depends_on=[permission]),
                    pulumi.ResourceOptions(provider=provider),
                ),
            )
        self.failure_queue_arn = queue.arn
        emit_alarms(self, name, "relay", failure_alarm(queue.name), args.alarms, tags)
        self.register_outputs({"functionArn": self.function.arn, "secretArn": secret.arn})


def _targets_document(v: Sequence[Any]) -> str:
    """The secret's JSON (relay/handler.py): each topic ARN -> its severity and targets."""
    topics, targets = v
    return json.dumps(
        {"topics": {arn: {"severity": s, "targets": targets[s]} for arn, s in topics}},
        sort_keys=True,
    )


def _role_policy(
    secret_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str],
    queue_arn: pulumi.Input[str],
    log_group_arn: pulumi.Input[str],
) -> pulumi.Output[str]:
    def render(a: Sequence[str]) -> str:
        return policy_document([
            {"Sid": "ReadTheTargets", "Effect": "Allow", "Resource": a[0],
             "Action": "secretsmanager:GetSecretValue"},
            # Decrypt the secret; encrypt what goes to the failure queue.
            {"Sid": "UseTheAlertKey", "Effect": "Allow", "Resource": a[1],
             "Action": ["kms:Decrypt", "kms:GenerateDataKey"]},
            {"Sid": "SendFailures", "Effect": "Allow", "Resource": a[2],
             "Action": "sqs:SendMessage"},
            {"Sid": "WriteOwnLogs", "Effect": "Allow", "Resource": f"{a[3]}:*",
             "Action": ["logs:CreateLogStream", "logs:PutLogEvents"]},
        ])  # fmt: skip

    return pulumi.Output.all(secret_arn, key_arn, queue_arn, log_group_arn).apply(render)
