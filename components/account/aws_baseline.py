"""`groundwork:aws/account:SecurityBaseline`: the account's audit trail, threat detection and
posture checks (what ISO 27001 / SOC 2 / 等保 readiness reviews ask for first).

- an audit bucket (storage `Bucket`, SSE-KMS) with S3 Object Lock, so log files are write-once for
  the retention period, access-logged and TLS-only;
- CloudTrail: multi-region, global service events, log-file validation (digest files), encrypted
  with the audit key;
- GuardDuty (15-minute findings; S3, EKS audit-log, RDS login, EBS malware protection features):
  anomalous API calls and logins;
- Security Hub with the AWS Foundational Security Best Practices and CIS AWS Foundations
  standards (consolidated control findings);
- an AWS Config recorder (every supported resource, global ones too) delivering to the audit bucket;
- IAM Access Analyzer (account zone of trust) and an account password policy;
- EventBridge rules sending GuardDuty findings of severity >= 7 and HIGH/CRITICAL Security Hub
  findings to an SNS topic: one created here (KMS-encrypted), or `alert_topic_arn`, e.g. the
  observability stack's P1 topic, whose policy must let EventBridge publish.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
from pulumi_aws import (
    accessanalyzer,
    cfg,
    cloudtrail,
    cloudwatch,
    guardduty,
    iam,
    kms,
    securityhub,
    sns,
)

from components._base import child_opts, merged_tags, require, type_token
from components.aws import s3_policies
from components.storage.aws import Bucket
from components.storage.aws_spec import AccessLogArgs, BucketArgs, ObjectLockArgs
from components.storage.spec import LifecycleArgs

STANDARDS = {
    "aws-foundational": "standards/aws-foundational-security-best-practices/v/1.0.0",
    "cis": "standards/cis-aws-foundations-benchmark/v/3.0.0",
}
"""Security Hub standards enabled (ARN suffixes after `arn:aws:securityhub:<region>::`)."""
GUARDDUTY_FEATURES = (
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "RDS_LOGIN_EVENTS",
    "EBS_MALWARE_PROTECTION",
)
HIGH_GUARDDUTY_SEVERITY = 7
"""GuardDuty severities: 7.0-8.9 high, 9.0-10 critical."""


@dataclass(frozen=True, kw_only=True)
class PasswordPolicyArgs:
    minimum_length: int = 14
    max_age_days: int = 90
    reuse_prevention: int = 24


@dataclass(frozen=True, kw_only=True)
class SecurityBaselineArgs:
    account_id: str
    region: str
    access_logs: AccessLogArgs
    """Server access logging of the audit bucket."""
    retention_days: int = 365
    """Object Lock retention of audit logs; objects expire the day after."""
    lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = "GOVERNANCE"
    alert_topic_arn: str | None = None
    """Send findings to this existing topic instead of creating one."""
    password_policy: PasswordPolicyArgs = field(default_factory=PasswordPolicyArgs)
    tags: Mapping[str, str] = field(default_factory=dict)


class SecurityBaseline(pulumi.ComponentResource):
    audit_bucket_arn: pulumi.Output[str]
    audit_key_arn: pulumi.Output[str]
    trail_arn: str
    alert_topic_arn: pulumi.Output[str]
    finding_rule_arns: list[pulumi.Output[str]]

    def __init__(
        self, name: str, args: SecurityBaselineArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("account", "SecurityBaseline", cloud="aws"), name, None, opts)
        require(args.retention_days >= 90, "retention_days", "keep audit logs at least 90 days")
        require(args.password_policy.minimum_length >= 14, "password_policy.minimum_length",
                "at least 14 (CIS AWS Foundations 1.8)")  # fmt: skip
        self._name, self._args = name, args
        trail_name = f"{name}-trail"
        self.trail_arn = f"arn:aws:cloudtrail:{args.region}:{args.account_id}:trail/{trail_name}"

        self.audit = self._audit_bucket()
        assert self.audit.kms_key_arn is not None
        self.audit_bucket_arn, self.audit_key_arn = self.audit.arn, self.audit.kms_key_arn
        self.trail = cloudtrail.Trail(
            trail_name,
            name=trail_name,
            s3_bucket_name=self.audit.bucket_name,
            s3_key_prefix="cloudtrail",
            kms_key_id=self.audit.kms_key_arn,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            tags=merged_tags(args.tags, trail_name),
            opts=child_opts(self, protect=True, depends_on=[self.audit.policy]),
        )
        self._detection()
        self._config_recorder()
        accessanalyzer.Analyzer(f"{name}-access-analyzer", analyzer_name=f"{name}-account",
                                type="ACCOUNT", tags=merged_tags(args.tags, f"{name}-access-analyzer"),
                                opts=child_opts(self))  # fmt: skip
        pw = args.password_policy
        iam.AccountPasswordPolicy(
            f"{name}-password-policy",
            minimum_password_length=pw.minimum_length,
            require_lowercase_characters=True,
            require_uppercase_characters=True,
            require_numbers=True,
            require_symbols=True,
            allow_users_to_change_password=True,
            max_password_age=pw.max_age_days,
            password_reuse_prevention=pw.reuse_prevention,
            opts=child_opts(self),
        )
        self.alert_topic_arn = self._finding_alerts()
        self.register_outputs(
            {
                "auditBucketArn": self.audit_bucket_arn,
                "trailArn": self.trail_arn,
                "alertTopicArn": self.alert_topic_arn,
            }
        )

    def _audit_bucket(self) -> Bucket:
        args, account, trail = self._args, self._args.account_id, self.trail_arn
        bucket_name = f"{self._name}-audit-{account}"  # fixed: the grants below name it
        bucket_arn = f"arn:aws:s3:::{bucket_name}"
        grants: list[dict[str, Any]] = [
            {"Sid": "CloudTrailAclCheck", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
             "Resource": bucket_arn, "Condition": {"StringEquals": {"aws:SourceArn": trail}}},
            {"Sid": "CloudTrailWrite", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": f"{bucket_arn}/cloudtrail/AWSLogs/{account}/*",
             "Condition": {"StringEquals": {"aws:SourceArn": trail}}},
            {"Sid": "ConfigAclCheck", "Effect": "Allow",
             "Principal": {"Service": "config.amazonaws.com"},
             "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": bucket_arn,
             "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
            {"Sid": "ConfigWrite", "Effect": "Allow",
             "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": f"{bucket_arn}/config/AWSLogs/{account}/Config/*",
             "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
            {"Sid": "AuditLogsAreNeverDeleted", "Effect": "Deny", "Principal": "*",
             "Action": ["s3:DeleteBucket", "s3:DeleteObjectVersion", "s3:PutBucketObjectLockConfiguration"],
             "Resource": [bucket_arn, f"{bucket_arn}/*"]},
        ]  # fmt: skip
        key_grants = [
            {"Sid": "CloudTrailEncryptsLogs", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceArn": trail}}},
            {"Sid": "ConfigEncryptsSnapshots", "Effect": "Allow",
             "Principal": {"Service": "config.amazonaws.com"},
             "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
        ]  # fmt: skip
        return Bucket(
            f"{self._name}-audit",
            BucketArgs(
                bucket_name=bucket_name,
                access_logs=args.access_logs,
                key_policy_statements=key_grants,
                policy_statements=grants,
                object_lock=ObjectLockArgs(mode=args.lock_mode, days=args.retention_days),
                lifecycle=LifecycleArgs(expiration_days=args.retention_days + 1,
                                        noncurrent_version_expiration_days=args.retention_days + 1),
                tags=args.tags,
                protect_stateful=True,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )  # fmt: skip

    def _detection(self) -> None:
        name, tags = self._name, self._args.tags
        detector = guardduty.Detector(
            f"{name}-guardduty",
            enable=True,
            finding_publishing_frequency="FIFTEEN_MINUTES",
            tags=merged_tags(tags, f"{name}-guardduty"),
            opts=child_opts(self),
        )
        for feature in GUARDDUTY_FEATURES:
            guardduty.DetectorFeature(
                f"{name}-guardduty-{feature.lower().replace('_', '-')}",
                detector_id=detector.id,
                name=feature,
                status="ENABLED",
                opts=child_opts(self),
            )
        hub = securityhub.Account(
            f"{name}-securityhub",
            enable_default_standards=False,  # exactly the standards below
            control_finding_generator="SECURITY_CONTROL",
            auto_enable_controls=True,
            opts=child_opts(self),
        )
        for label, suffix in STANDARDS.items():
            securityhub.StandardsSubscription(
                f"{name}-securityhub-{label}",
                standards_arn=f"arn:aws:securityhub:{self._args.region}::{suffix}",
                opts=child_opts(self, depends_on=[hub]),
            )

    def _config_recorder(self) -> None:
        name = self._name
        linked = iam.ServiceLinkedRole(f"{name}-config-role", aws_service_name="config.amazonaws.com",
                                       opts=child_opts(self))  # fmt: skip
        recorder = cfg.Recorder(
            f"{name}-config",
            name=f"{name}-config",
            role_arn=linked.arn,
            recording_group={"all_supported": True, "include_global_resource_types": True},
            opts=child_opts(self),
        )
        channel = cfg.DeliveryChannel(
            f"{name}-config",
            name=f"{name}-config",
            s3_bucket_name=self.audit.bucket_name,
            s3_key_prefix="config",
            s3_kms_key_arn=self.audit_key_arn,
            snapshot_delivery_properties={"delivery_frequency": "TwentyFour_Hours"},
            opts=child_opts(self, depends_on=[recorder, self.audit.policy]),
        )
        cfg.RecorderStatus(f"{name}-config", name=recorder.name, is_enabled=True,
                           opts=child_opts(self, depends_on=[channel]))  # fmt: skip

    def _finding_alerts(self) -> pulumi.Output[str]:
        name, args = self._name, self._args
        patterns = {
            "guardduty": {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"],
                          "detail": {"severity": [{"numeric": [">=", HIGH_GUARDDUTY_SEVERITY]}]}},
            "securityhub": {"source": ["aws.securityhub"],
                            "detail-type": ["Security Hub Findings - Imported"],
                            "detail": {"findings": {"Severity": {"Label": ["HIGH", "CRITICAL"]},
                                                    "Workflow": {"Status": ["NEW"]},
                                                    "RecordState": ["ACTIVE"]}}},
        }  # fmt: skip
        rules = {
            source: cloudwatch.EventRule(
                f"{name}-{source}-findings",
                description=f"High-severity {source} findings to the alert topic",
                event_pattern=json.dumps(pattern),
                tags=merged_tags(args.tags, f"{name}-{source}-findings"),
                opts=child_opts(self),
            )
            for source, pattern in patterns.items()
        }
        self.finding_rule_arns = [rule.arn for rule in rules.values()]
        if args.alert_topic_arn is not None:
            topic_arn: pulumi.Output[str] = pulumi.Output.from_input(args.alert_topic_arn)
        else:
            topic_arn = self._topic(list(rules.values()))
        for source, rule in rules.items():
            cloudwatch.EventTarget(f"{name}-{source}-findings", rule=rule.name, arn=topic_arn,
                                   opts=child_opts(self))  # fmt: skip
        return topic_arn

    def _topic(self, rules: Sequence[cloudwatch.EventRule]) -> pulumi.Output[str]:
        name, args = self._name, self._args
        key = kms.Key(
            f"{name}-alerts-key",
            description="Encrypts the security alert topic",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=s3_policies.key_policy(args.account_id, "aws", [
                {"Sid": "EventBridgePublishes", "Effect": "Allow",
                 "Principal": {"Service": "events.amazonaws.com"},
                 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"}]),
            tags=merged_tags(args.tags, f"{name}-alerts-key"),
            opts=child_opts(self, protect=True),
        )  # fmt: skip
        topic = sns.Topic(f"{name}-security-alerts", kms_master_key_id=key.arn,
                          tags=merged_tags(args.tags, f"{name}-security-alerts"),
                          opts=child_opts(self))  # fmt: skip
        sns.TopicPolicy(
            f"{name}-security-alerts",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, *[r.arn for r in rules]).apply(
                lambda a: json.dumps({"Version": "2012-10-17", "Statement": [
                    {"Sid": "FindingRulesPublish", "Effect": "Allow",
                     "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish",
                     "Resource": a[0], "Condition": {"ArnEquals": {"aws:SourceArn": list(a[1:])}}}]})),
            opts=child_opts(self),
        )  # fmt: skip
        return topic.arn
