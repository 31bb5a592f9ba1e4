"""AWS monitoring: one KMS-encrypted SNS topic per alert severity with its subscriptions
(`AlertTopics`), and the CloudWatch metric alarms components emit (`emit_alarms`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi_aws import cloudwatch, iam, kms, sns

from components._base import child_opts, merged_tags, type_token
from components.aws.identity import aws_context
from components.aws.policy_docs import kms_key_policy, logs_service_statement, policy_document
from components.kubernetes.aws_irsa import service_account_role
from components.kubernetes.aws_irsa_spec import OidcIdentity
from components.monitoring import (
    AlarmPolicy,
    AlarmSpec,
    Severity,
    apply_policy,
)
from components.monitoring.aws_spec import AlarmWiring, AlertTopicsArgs, validate

PAGERDUTY_CLOUDWATCH_URL = "https://events.pagerduty.com/integration/{key}/enqueue"
"""PagerDuty's CloudWatch integration endpoint: it confirms SNS subscriptions by itself."""

# Services that publish alerts to the topics: alarms, budgets, cost anomalies, backup job events.
_PUBLISHERS = (
    "cloudwatch.amazonaws.com",
    "budgets.amazonaws.com",
    "costalerts.amazonaws.com",
    "backup.amazonaws.com",
)

QUERY_SERIES_TAG = "metrics-analyzed"
"""On a Metrics Insights alarm: how many metrics its query is expected to analyse (the price)."""

_COMPARISON = {
    ">": "GreaterThanThreshold",
    ">=": "GreaterThanOrEqualToThreshold",
    "<": "LessThanThreshold",
    "<=": "LessThanOrEqualToThreshold",
}


class AlertTopics(pulumi.ComponentResource):
    """A customer-managed KMS key and one SNS topic per severity, subscribed to its channels.

    The key is customer managed because CloudWatch alarms cannot publish to a topic encrypted with
    the AWS managed `alias/aws/sns` key (its key policy cannot grant CloudWatch). CloudWatch Logs of
    this account and region may use it too (`key_arn`): the container log group shares it.
    """

    topic_arns: dict[Severity, pulumi.Output[str]]

    def __init__(
        self, name: str, args: AlertTopicsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("monitoring", "AlertTopics", cloud="aws"), name, None, opts)
        validate(args)
        ctx = aws_context(self)
        self._name = name
        publishers = [{"Service": list(_PUBLISHERS)}]
        key = kms.Key(
            f"{name}-key",
            description=f"{name}: alert topics",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=kms_key_policy(
                ctx,
                [
                    {
                        "Sid": "AlertPublishersUseKey",
                        "Effect": "Allow",
                        "Principal": p,
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                        "Resource": "*",
                    }
                    for p in publishers
                ]
                # The observability log groups (container logs) share the key: one key, not two.
                + [logs_service_statement()],
            ),
            tags=merged_tags(args.tags, f"{name}-key"),
            opts=child_opts(self, protect=args.protect_stateful),
        )
        self.key_arn = key.arn
        self.topic_arns = {}
        for severity, channels in args.routing.severities.items():
            base = f"{name}-{severity.lower()}"
            topic = sns.Topic(
                base,
                kms_master_key_id=key.arn,
                tags=merged_tags(args.tags, base, severity=severity),
                opts=child_opts(self),
            )
            sns.TopicPolicy(
                f"{base}-policy",
                arn=topic.arn,
                policy=pulumi.Output.all(topic.arn, ctx.account_id).apply(
                    lambda a: policy_document(
                        [
                            {
                                "Sid": "AlertPublishers",
                                "Effect": "Allow",
                                "Principal": {"Service": list(_PUBLISHERS)},
                                "Action": "sns:Publish",
                                "Resource": a[0],
                                "Condition": {"StringEquals": {"aws:SourceAccount": a[1]}},
                            }
                        ]
                    )
                ),
                opts=child_opts(self),
            )
            endpoints: dict[str, tuple[str, pulumi.Input[str]]] = {}
            for email in channels.emails:
                endpoints[f"email-{_slug(email)}"] = ("email", email)
            for number in channels.sms:
                endpoints[f"sms-{_slug(number)}"] = ("sms", number)
            for hook in channels.webhooks:
                webhook = args.routing.webhooks[hook]
                if webhook.kind == "https":  # chat webhooks cannot confirm an SNS subscription
                    endpoints[f"webhook-{hook}"] = ("https", pulumi.Output.secret(webhook.url))
            if channels.pages:
                endpoints["pagerduty"] = (
                    "https",
                    pulumi.Output.secret(args.routing.pagerduty_key).apply(
                        lambda k: PAGERDUTY_CLOUDWATCH_URL.format(key=k)
                    ),
                )
            for key_name, (protocol, endpoint) in endpoints.items():
                sns.TopicSubscription(
                    f"{base}-{key_name}",
                    topic=topic.arn,
                    protocol=protocol,
                    endpoint=endpoint,
                    opts=child_opts(self),
                )
            self.topic_arns[severity] = topic.arn
        self.register_outputs({"topicArns": self.topic_arns, "keyArn": self.key_arn})

    def wiring(self, policy: AlarmPolicy) -> AlarmWiring:
        return AlarmWiring(topics=dict(self.topic_arns), policy=policy)

    def publisher_role(
        self, oidc: OidcIdentity, namespace: str, service_account: str, tags: Mapping[str, str]
    ) -> iam.Role:
        """An IRSA role for one service account (the in-cluster Alertmanager) that may publish
        to these topics and nothing else: the email and SMS channels of its receivers."""
        statements = pulumi.Output.all(list(self.topic_arns.values()), self.key_arn).apply(
            lambda v: [
                {
                    "Sid": "PublishAlerts",
                    "Effect": "Allow",
                    "Action": "sns:Publish",
                    "Resource": sorted(v[0]),
                },
                {
                    "Sid": "EncryptAlerts",
                    "Effect": "Allow",
                    "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                    "Resource": v[1],
                },
            ]
        )
        return service_account_role(
            self,
            f"{self._name}-alertmanager-irsa",
            oidc=oidc,
            namespace=namespace,
            service_account=service_account,
            statements=statements,
            tags=tags,
        )


def emit_alarms(  # noqa: PLR0917  (each argument is a different kind of thing)
    parent: pulumi.Resource,
    name: str,
    capability: str,
    specs: Sequence[AlarmSpec],
    wiring: AlarmWiring | None,
    tags: Mapping[str, str],
) -> dict[str, cloudwatch.MetricAlarm]:
    """A CloudWatch alarm per spec the stack's policy keeps, each with alarm and OK actions on its
    severity's topic. Keyed by the spec's name, never by position."""
    if wiring is None:
        return {}
    alarms: dict[str, cloudwatch.MetricAlarm] = {}
    for spec in apply_policy(capability, specs, wiring.policy):
        topic = wiring.topics[spec.severity]
        alarm_name = f"{name}-{spec.name}"
        alarms[spec.name] = cloudwatch.MetricAlarm(
            alarm_name,
            alarm_description=f"[{spec.severity}] {spec.description}",
            **_selection(spec),
            comparison_operator=_COMPARISON[spec.comparison],
            threshold=spec.threshold,
            evaluation_periods=spec.evaluation_periods,
            treat_missing_data=spec.missing_data,
            alarm_actions=[topic],
            ok_actions=[topic],
            tags=merged_tags(tags, alarm_name, severity=spec.severity, **_series_tag(spec)),
            opts=child_opts(parent),
        )
    return alarms


def _series_tag(spec: AlarmSpec) -> dict[str, str]:
    return {QUERY_SERIES_TAG: str(spec.series)} if spec.query else {}


def _selection(spec: AlarmSpec) -> dict[str, Any]:
    """What the alarm watches: one metric by its dimensions, or the series a Metrics Insights
    query selects (the query carries the period; the label names the metric in reports)."""
    if not spec.query:
        return {
            "namespace": spec.namespace,
            "metric_name": spec.metric,
            "statistic": spec.statistic,
            "dimensions": dict(spec.dimensions),
            "period": spec.period_seconds,
        }
    return {
        "metric_queries": [
            {
                "id": "q1",
                "expression": spec.query,
                "period": spec.period_seconds,
                "label": f"{spec.namespace} {spec.metric}",
                "return_data": True,
            }
        ]
    }


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
