"""Wiring of the bootstrap: one provider (the account is pinned), then the access-log bucket, the
state backend, the security baseline, resource tags on metrics, and the CI roles that depend on
the first ones."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from bootstrap.config import BootstrapConfig
from components.account.aws_baseline import (
    PasswordPolicyArgs,
    SecurityBaseline,
    SecurityBaselineArgs,
)
from components.account.aws_ci import CiAccess, CiAccessArgs, DeployTarget, GithubArgs, GitlabArgs
from components.account.aws_state import StateBackend, StateBackendArgs
from components.account.permissions import StateLocation
from components.account.trust import GITHUB_CLAIM_KEYS
from components.storage.aws import Bucket
from components.storage.aws_spec import AccessLogArgs, BucketArgs, LogTargetArgs
from components.storage.spec import LifecycleArgs


def build(cfg: BootstrapConfig) -> dict[str, object]:
    provider = aws.Provider(f"aws-{cfg.region}", region=cfg.region,
                            allowed_account_ids=[cfg.account_id])  # fmt: skip
    opts = pulumi.ResourceOptions(provider=provider)
    name, tags = cfg.name, cfg.base_tags

    logs = Bucket(
        f"{name}-access-logs",
        BucketArgs(access_logs=None, encryption="AES256", log_target=LogTargetArgs(),
                   lifecycle=LifecycleArgs(expiration_days=cfg.audit.retention_days,
                                           noncurrent_version_expiration_days=30),
                   tags=tags),
        opts=opts,
    )  # fmt: skip
    state = StateBackend(
        name,
        StateBackendArgs(
            bucket_name=cfg.state_bucket,
            environments=cfg.environments,
            access_logs=AccessLogArgs(target_bucket=logs.bucket_name, prefix="s3/state/"),
            noncurrent_version_days=cfg.state.noncurrent_version_days,
            tags=tags,
        ),
        opts=opts,
    )
    baseline = SecurityBaseline(
        name,
        SecurityBaselineArgs(
            account_id=cfg.account_id,
            region=cfg.region,
            access_logs=AccessLogArgs(target_bucket=logs.bucket_name, prefix="s3/audit/"),
            retention_days=cfg.audit.retention_days,
            lock_mode=cfg.audit.lock_mode,
            alert_topic_arn=cfg.alerts.topic_arn,
            password_policy=PasswordPolicyArgs(**cfg.password_policy.model_dump()),
            tags=tags,
        ),
        opts=opts,
    )
    # Resource tags on CloudWatch metrics (per region): the public Gateway's alarms select the
    # load balancer its controller made by a tag (components/kubernetes/aws_gateway_alarms.py).
    for region in cfg.regions:
        aws.observabilityadmin.TelemetryEnrichment(
            f"{name}-telemetry-tags-{region}", region=region, opts=opts
        )
    ci = CiAccess(
        name,
        CiAccessArgs(
            account_id=cfg.account_id,
            regions=cfg.regions,
            environments={
                env: DeployTarget(name_prefix=f"{cfg.product}-{env}-",
                                  secrets_key_arn=state.secrets_key_arns[env])
                for env in cfg.environments
            },
            state=StateLocation(f"arn:aws:s3:::{cfg.state_bucket}", cfg.state.prefix,
                                cfg.state.project),
            state_key_arn=state.state_key_arn,
            github=GithubArgs(**cfg.github.model_dump()) if cfg.github else None,
            gitlab=GitlabArgs(**cfg.gitlab.model_dump()) if cfg.gitlab else None,
            protected_arns=[baseline.audit_bucket_arn, baseline.audit_key_arn,
                            baseline.trail_arn, baseline.alert_topic_arn,
                            *baseline.finding_rule_arns],
            mfa_max_age_seconds=cfg.admin.mfa_max_age_seconds,
            admin_principal_arns=cfg.admin.principal_arns,
            tags=tags,
        ),
        opts=opts,
    )  # fmt: skip
    backend = f"s3://{cfg.state_bucket}/{cfg.state.prefix}?region={cfg.region}&awssdk=v2"
    return {
        "stateBackendUrl": backend,
        "secretsProviders": {env: f"awskms://{alias}?region={cfg.region}"
                             for env, alias in state.secrets_key_aliases.items()},
        "previewRoleArn": ci.preview_role_arn,
        "deployRoleArns": ci.deploy_role_arns,
        "adminRoleArn": ci.admin_role_arn,
        "trailArn": baseline.trail_arn,
        "securityAlertTopicArn": baseline.alert_topic_arn,
        # GitHub must put repository, environment and branch into `sub` (components/account/trust.py).
        "githubSubjectClaimKeys": list(GITHUB_CLAIM_KEYS) if cfg.github else [],
    }  # fmt: skip
