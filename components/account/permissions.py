"""Permission policies of the CI roles, as plain JSON statements (tested by evaluation).

- Preview: read-only everywhere (AWS `ReadOnlyAccess`, attached by the component) plus the state
  it needs: read every stack's state, write only lock files, decrypt every stack's secrets.
- Deploy (one role per environment): the services the platform stacks use, in the allowed regions
  only; IAM only on roles and policies named for that environment; its own stack's state objects
  and secrets key only; and an explicit deny of everything that would switch off the account's
  audit and security baseline or touch the bootstrap's own resources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

STACK_SERVICES = (
    "acm", "application-autoscaling", "backup", "backup-storage", "cloudfront", "cloudwatch",
    "ec2", "ecr", "eks", "elasticache", "elasticloadbalancing", "events", "kms", "logs", "rds",
    "route53", "s3", "secretsmanager", "sns", "wafv2",
)  # fmt: skip
"""Services the platform stacks create resources in (`iam` is scoped separately)."""
LINKED_SERVICES = (
    "eks.amazonaws.com", "eks-nodegroup.amazonaws.com", "autoscaling.amazonaws.com",
    "rds.amazonaws.com", "elasticache.amazonaws.com", "elasticloadbalancing.amazonaws.com",
    "spot.amazonaws.com", "backup.amazonaws.com", "replication.ecr.amazonaws.com",
)  # fmt: skip
"""Services whose service-linked roles creating the stacks' resources may need."""
GLOBAL_REGION = "us-east-1"
"""IAM, Route 53, CloudFront and its ACM certificate and WAF are requested in us-east-1."""
BASELINE_TAMPERING = (
    "cloudtrail:DeleteTrail", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors", "guardduty:DeleteDetector", "guardduty:UpdateDetector",
    "guardduty:DisassociateFromMasterAccount", "securityhub:DisableSecurityHub",
    "securityhub:BatchDisableStandards", "config:DeleteConfigurationRecorder",
    "config:StopConfigurationRecorder", "config:DeleteDeliveryChannel",
    "access-analyzer:DeleteAnalyzer", "iam:DeleteAccountPasswordPolicy",
    "iam:UpdateAccountPasswordPolicy", "iam:CreateOpenIDConnectProvider",
    "iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint",
)  # fmt: skip


@dataclass(frozen=True)
class StateLocation:
    """Where Pulumi's self-managed backend keeps a project's stacks in the state bucket."""

    bucket_arn: str
    prefix: str
    """Key prefix of the backend URL (`s3://bucket/<prefix>`), without slashes at the ends."""
    project: str

    def _key(self, path: str) -> str:
        base = f"{self.bucket_arn}/{self.prefix}/" if self.prefix else f"{self.bucket_arn}/"
        return f"{base}.pulumi/{path}"

    def stack_objects(self, stack: str) -> list[str]:
        """The stack's checkpoint, history, backups and locks."""
        return [
            self._key(f"stacks/{self.project}/{stack}.json*"),
            *[self._key(f"{kind}/{self.project}/{stack}/*") for kind in ("history", "backups")],
            self._key(f"locks/{self.project}/{stack}/*"),
        ]

    def all_stacks(self) -> list[str]:
        return [self._key("*")]

    def locks(self) -> str:
        return self._key("locks/*")

    def metadata(self) -> str:
        return self._key("meta.yaml")


def _listing(state: StateLocation) -> dict[str, Any]:
    return {
        "Sid": "ListStateBucket",
        "Effect": "Allow",
        "Action": ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketVersioning"],
        "Resource": state.bucket_arn,
    }


def _use_keys(sid: str, actions: Sequence[str], key_arns: Sequence[str]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": list(key_arns)}


def preview_statements(
    state: StateLocation, secrets_key_arns: Sequence[str], state_key_arn: str
) -> list[dict[str, Any]]:
    return [
        _listing(state),
        {"Sid": "ReadEveryStacksState", "Effect": "Allow", "Action": ["s3:GetObject"],
         "Resource": state.all_stacks()},
        {"Sid": "LockWhilePreviewing", "Effect": "Allow",
         "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": [state.locks()]},
        _use_keys("DecryptStateAndSecrets", ["kms:Decrypt", "kms:GenerateDataKey"],
                  [state_key_arn, *secrets_key_arns]),
    ]  # fmt: skip


def deploy_statements(
    *,
    state: StateLocation,
    stack: str,
    own_key_arns: Sequence[str],
    regions: Sequence[str],
    name_prefix: str,
    account: str,
    forbidden_arns: Sequence[str],
) -> list[dict[str, Any]]:
    """The deploy role's policy for one environment's stack. `name_prefix` (`acme-dev-`) scopes
    IAM and S3 to what that stack names; `own_key_arns` (its secrets key, the state key) allow
    data use only; `forbidden_arns` (other environments' keys, the audit trail, the bootstrap's
    roles and topics) allow nothing at all."""
    allowed_regions = sorted({*regions, GLOBAL_REGION})
    iam_scope = [f"arn:aws:iam::{account}:{kind}/{name_prefix}*"
                 for kind in ("role", "policy", "instance-profile")]  # fmt: skip
    key_use = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    state_use = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket",
                 "s3:GetBucketLocation", "s3:GetBucketVersioning"]  # fmt: skip
    return [
        {"Sid": "StackServicesInAllowedRegions", "Effect": "Allow",
         "Action": [f"{service}:*" for service in STACK_SERVICES if service != "s3"],
         "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestedRegion": allowed_regions}}},
        {"Sid": "OnlyThisEnvironmentsBuckets", "Effect": "Allow", "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::{name_prefix}*", f"arn:aws:s3:::{name_prefix}*/*"]},
        {"Sid": "IamOnlyForThisEnvironment", "Effect": "Allow",
         "Action": ["iam:*Role*", "iam:*Policy*", "iam:*InstanceProfile*", "iam:PassRole"],
         "Resource": iam_scope},
        {"Sid": "Read", "Effect": "Allow",
         "Action": ["iam:Get*", "iam:List*", "s3:ListAllMyBuckets", "sts:GetCallerIdentity"],
         "Resource": "*"},
        {"Sid": "ServiceLinkedRolesOfTheStackServices", "Effect": "Allow",
         "Action": "iam:CreateServiceLinkedRole", "Resource": "*",
         "Condition": {"StringLike": {"iam:AWSServiceName": list(LINKED_SERVICES)}}},
        _listing(state),
        {"Sid": "OwnStackStateOnly", "Effect": "Allow",
         "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
         "Resource": state.stack_objects(stack)},
        {"Sid": "BackendMetadataReadOnly", "Effect": "Allow", "Action": ["s3:GetObject"],
         "Resource": [state.metadata()]},
        _use_keys("OwnSecretsAndStateKeys", key_use, own_key_arns),
        {"Sid": "NeverWeakenTheAccountBaseline", "Effect": "Deny",
         "Action": list(BASELINE_TAMPERING), "Resource": "*"},
        {"Sid": "StateAndKeysForDataOnly", "Effect": "Deny", "NotAction": [*state_use, *key_use],
         "Resource": [state.bucket_arn, f"{state.bucket_arn}/*", *own_key_arns]},
        {"Sid": "NothingOnOtherEnvironmentsOrTheBootstrap", "Effect": "Deny", "Action": "*",
         "Resource": list(forbidden_arns)},
    ]  # fmt: skip
