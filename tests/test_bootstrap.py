"""The account bootstrap (`bootstrap/`), planned offline like the platform stacks: zero mandatory
violations, the security baseline in its plan, and the CI roles' trust and permission policies
*evaluated* (tests/test_iam_eval.py checks the evaluator) against the workflows that must and must
not get in."""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

import pytest

from bootstrap.config import parse_config
from infra.config import ConfigError
from planner import cli
from planner.cost_report import cost_section
from planner.policy_report import policy_section
from planner.recorder import RecordedResource, RecordingMonitor
from planner.report import PlanContext
from planner.runner import run_program
from planner.stackfile import read_stack_file
from policies.guardrails.iam import allows
from tests.conftest import PROJECT_DIR

BOOTSTRAP = PROJECT_DIR / "bootstrap"
ACCOUNT = "123456789012"
GITHUB = "token.actions.githubusercontent.com"
GITHUB_OIDC = {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}"}
GITLAB = "gitlab.com"
GITLAB_OIDC = {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITLAB}"}
WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"


@cache
def plan() -> RecordingMonitor:
    return run_program(BOOTSTRAP, read_stack_file(BOOTSTRAP, "account"))


def raw() -> dict[str, Any]:
    import yaml

    data = yaml.safe_load((BOOTSTRAP / "Pulumi.account.yaml").read_text())["config"]
    return {k.split(":", 1)[1]: v for k, v in data.items() if k.startswith("groundwork-bootstrap:")}


def one(typ: str, name: str | None = None) -> RecordedResource:
    found = [r for r in plan().by_type(typ) if name is None or r.name == name]
    assert len(found) == 1, (typ, name, [r.name for r in found])
    return found[0]


def role_policy(role: str) -> dict[str, Any]:
    return json.loads(one("aws:iam/role:Role", f"groundwork-{role}").inputs["assumeRolePolicy"])


def inline(role: str, label: str) -> dict[str, Any]:
    return json.loads(
        one("aws:iam/rolePolicy:RolePolicy", f"groundwork-{role}-{label}").inputs["policy"]
    )


def github_token(sub: str, aud: str = "sts.amazonaws.com") -> dict[str, str]:
    return {f"{GITHUB}:sub": sub, f"{GITHUB}:aud": aud}


def gitlab_token(sub: str, aud: str = "sts.amazonaws.com") -> dict[str, str]:
    return {f"{GITLAB}:sub": sub, f"{GITLAB}:aud": aud}


# --- the plan ------------------------------------------------------------------------------------
def test_bootstrap_plans_offline_with_zero_mandatory_violations() -> None:
    cfg = parse_config(raw())
    ctx = PlanContext("groundwork-bootstrap", "account", BOOTSTRAP, plan(), cfg)
    section = policy_section(ctx)
    assert section.data["config"] == "bootstrap.json"
    assert section.blocking == [], section.blocking
    assert cost_section(ctx).blocking == []
    assert not [line for line in cost_section(ctx).data["lines"] if line["status"] == "unpriced"]


def test_plan_bootstrap_command_exits_zero(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    code = cli.main(["account", "--project-dir", str(BOOTSTRAP), "--quiet",
                     "--json", str(tmp_path / "p.json"), "--markdown", str(tmp_path / "p.md")])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    report = json.loads((tmp_path / "p.json").read_text())
    assert report["project"] == "groundwork-bootstrap" and report["blocking"] == []


def test_urns_match_the_golden_list() -> None:
    # Renaming a bootstrap resource would replace the state bucket or the audit trail.
    urns = sorted(r.urn for r in plan().recorded)
    path = PROJECT_DIR / "tests" / "golden" / "bootstrap-account.urns"
    if os.environ.get("GROUNDWORK_UPDATE_GOLDEN") == "1":
        path.write_text("\n".join(urns) + "\n")
    expected = path.read_text().splitlines()
    assert sorted(set(urns) - set(expected)) == [] and sorted(set(expected) - set(urns)) == []


def test_every_resource_uses_the_account_pinned_provider() -> None:
    (provider,) = plan().by_type("pulumi:providers:aws")
    assert json.loads(provider.inputs["allowedAccountIds"]) == [ACCOUNT]  # provider inputs are JSON
    for r in plan().recorded:
        if r.custom and not r.type.startswith("pulumi:providers:"):
            assert r.provider == provider.urn, r.name


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"github": None, "gitlab": None}, "groundwork-bootstrap:github: set github and/or gitlab"),
        ({"accountId": "12345"}, "groundwork-bootstrap:accountId"),
        ({"github": {"repository": "acme/*"}}, "groundwork-bootstrap:github.repository"),
        ({"environments": ["dev", "qa"]}, "groundwork-bootstrap:environments.1"),
        ({"drRegion": "eu-west-1"}, "groundwork-bootstrap:drRegion: must differ"),
        (
            {"passwordPolicy": {"minimumLength": 8}},
            "groundwork-bootstrap:passwordPolicy.minimumLength",
        ),
    ],
)
def test_bad_config_names_the_key(overrides: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({**raw(), **overrides})
    assert any(p.startswith(problem) for p in err.value.problems), err.value.problems


# --- state backend -------------------------------------------------------------------------------
def test_state_bucket_is_private_encrypted_versioned_tls_only_and_locked() -> None:
    bucket = one("aws:s3/bucket:Bucket", "groundwork-state-bucket")
    assert bucket.inputs["bucket"] == f"groundwork-pulumi-state-{ACCOUNT}" and bucket.protect
    assert one("aws:kms/key:Key", "groundwork-state-key").protect
    assert one("aws:s3/bucketVersioning:BucketVersioning", "groundwork-state-versioning").inputs[
        "versioningConfiguration"]["status"] == "Enabled"  # fmt: skip
    pab = one(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "groundwork-state-public-access-block",
    )
    assert all(
        pab.inputs[k]
        for k in (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        )
    )
    sse = one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
              "groundwork-state-encryption").inputs["rules"][0]  # fmt: skip
    assert sse["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    policy = json.loads(
        one("aws:s3/bucketPolicy:BucketPolicy", "groundwork-state-policy").inputs["policy"]
    )
    arn = f"arn:aws:s3:::groundwork-pulumi-state-{ACCOUNT}"
    anyone = {"AWS": f"arn:aws:iam::{ACCOUNT}:role/groundwork-admin"}
    assert not allows(policy, "s3:DeleteBucket", anyone, {"aws:SecureTransport": "true"}, arn)
    assert not allows(
        policy, "s3:DeleteObjectVersion", anyone, {"aws:SecureTransport": "true"}, f"{arn}/x"
    )
    insecure = {"aws:SecureTransport": "false"}
    deny_all = {
        "Statement": [
            *policy["Statement"],
            {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"},
        ]
    }
    assert not allows(deny_all, "s3:GetObject", anyone, insecure, f"{arn}/x")  # TLS only
    assert allows(deny_all, "s3:GetObject", anyone, {"aws:SecureTransport": "true"}, f"{arn}/x")


def test_one_secrets_key_per_environment_with_the_alias_the_stacks_use() -> None:
    aliases = {r.inputs["name"] for r in plan().by_type("aws:kms/alias:Alias")}
    assert aliases == {f"alias/groundwork-{e}" for e in ("dev", "test", "staging", "prod")}
    for env in ("dev", "test", "staging", "prod"):
        key = one("aws:kms/key:Key", f"groundwork-secrets-{env}")
        assert key.protect and key.inputs["enableKeyRotation"] is True
    assert (
        plan().stack_outputs["secretsProviders"]["prod"]
        == "awskms://alias/groundwork-prod?region=eu-west-1"
    )


# --- trust policies: who can assume what ---------------------------------------------------------
DEPLOY_PROD = "repo:acme/groundwork:environment:prod:ref:refs/heads/main"


def test_prod_deploy_role_admits_only_the_prod_job_of_the_repo_on_main() -> None:
    trust = role_policy("deploy-prod")
    assert allows(trust, WEB_IDENTITY, GITHUB_OIDC, github_token(DEPLOY_PROD))
    refused = {
        "another repository": "repo:evil/groundwork:environment:prod:ref:refs/heads/main",
        "a fork with the same name": "repo:someone/groundwork:environment:prod:ref:refs/heads/main",
        "a repository whose name extends ours": "repo:acme/groundwork-x:environment:prod:ref:refs/heads/main",
        "another branch": "repo:acme/groundwork:environment:prod:ref:refs/heads/feature",
        "a tag": "repo:acme/groundwork:environment:prod:ref:refs/tags/v1.0.0",
        "another environment": "repo:acme/groundwork:environment:dev:ref:refs/heads/main",
        "a pull request": "repo:acme/groundwork:pull_request:ref:refs/pull/7/merge",
        "main without the environment": "repo:acme/groundwork:ref:refs/heads/main:ref:refs/heads/main",
        "the default subject format": "repo:acme/groundwork:environment:prod",
    }
    for why, sub in refused.items():
        assert not allows(trust, WEB_IDENTITY, GITHUB_OIDC, github_token(sub)), why
    assert not allows(
        trust, WEB_IDENTITY, GITHUB_OIDC, github_token(DEPLOY_PROD, aud="https://github.com/evil")
    )
    # A GitHub subject presented through the GitLab provider does not match either.
    assert not allows(
        trust,
        WEB_IDENTITY,
        GITLAB_OIDC,
        {f"{GITLAB}:sub": DEPLOY_PROD, f"{GITLAB}:aud": "sts.amazonaws.com"},
    )
    assert not allows(trust, "sts:AssumeRole", {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, {})


def test_gitlab_deploys_only_from_the_projects_default_branch() -> None:
    trust = role_policy("deploy-prod")
    assert allows(
        trust,
        WEB_IDENTITY,
        GITLAB_OIDC,
        gitlab_token("project_path:acme/groundwork:ref_type:branch:ref:main"),
    )
    for sub in ("project_path:acme/groundwork:ref_type:branch:ref:feature",
                "project_path:acme/groundwork:ref_type:tag:ref:main",
                "project_path:fork-owner/groundwork:ref_type:branch:ref:main",
                "project_path:acme/groundwork/sub:ref_type:branch:ref:main"):  # fmt: skip
        assert not allows(trust, WEB_IDENTITY, GITLAB_OIDC, gitlab_token(sub)), sub


def test_each_environment_has_its_own_deploy_role() -> None:
    for env in ("dev", "test", "staging", "prod"):
        trust = role_policy(f"deploy-{env}")
        mine = f"repo:acme/groundwork:environment:{env}:ref:refs/heads/main"
        assert allows(trust, WEB_IDENTITY, GITHUB_OIDC, github_token(mine))
        for other in {"dev", "test", "staging", "prod"} - {env}:
            theirs = f"repo:acme/groundwork:environment:{other}:ref:refs/heads/main"
            assert not allows(trust, WEB_IDENTITY, GITHUB_OIDC, github_token(theirs)), (env, other)


def test_preview_role_admits_pull_requests_and_drift_but_no_other_repository() -> None:
    trust = role_policy("preview")
    for sub in ("repo:acme/groundwork:pull_request:ref:refs/pull/7/merge",
                "repo:acme/groundwork:ref:refs/heads/main:ref:refs/heads/main"):  # fmt: skip
        assert allows(trust, WEB_IDENTITY, GITHUB_OIDC, github_token(sub)), sub
    assert allows(
        trust,
        WEB_IDENTITY,
        GITLAB_OIDC,
        gitlab_token("project_path:acme/groundwork:ref_type:branch:ref:feature"),
    )
    for sub in ("repo:evil/groundwork:pull_request:ref:refs/pull/7/merge",
                "repo:acme/groundwork:ref:refs/heads/feature:ref:refs/heads/feature"):  # fmt: skip
        assert not allows(trust, WEB_IDENTITY, GITHUB_OIDC, github_token(sub)), sub
    assert not allows(
        trust,
        WEB_IDENTITY,
        GITLAB_OIDC,
        gitlab_token("project_path:evil/groundwork:ref_type:branch:ref:main"),
    )
    attached = {r.inputs["policyArn"] for r in plan().by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if r.name.startswith("groundwork-preview")}  # fmt: skip
    assert attached == {"arn:aws:iam::aws:policy/ReadOnlyAccess"}


def test_admin_role_requires_a_named_person_with_a_recent_mfa_sign_in() -> None:
    trust = role_policy("admin")
    root = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    alice = f"arn:aws:iam::{ACCOUNT}:user/alice"
    mfa = {
        "aws:PrincipalArn": alice,
        "aws:MultiFactorAuthPresent": "true",
        "aws:MultiFactorAuthAge": "300",
    }
    assert allows(trust, "sts:AssumeRole", root, mfa)
    assert not allows(trust, "sts:AssumeRole", root, {**mfa, "aws:MultiFactorAuthPresent": "false"})
    assert not allows(
        trust, "sts:AssumeRole", root, {"aws:PrincipalArn": alice}
    )  # access keys: no MFA context
    assert not allows(trust, "sts:AssumeRole", root, {**mfa, "aws:MultiFactorAuthAge": "7200"})
    # A role of the account (a CI role, a workload) is no person, MFA or not.
    deploy = f"arn:aws:iam::{ACCOUNT}:role/groundwork-deploy-prod"
    assert not allows(trust, "sts:AssumeRole", root, {**mfa, "aws:PrincipalArn": deploy})
    assert not allows(trust, "sts:AssumeRole", {"AWS": "arn:aws:iam::999999999999:root"}, mfa)
    for role in plan().by_type("aws:iam/role:Role"):
        assert role.inputs["maxSessionDuration"] == 3600, role.name


# --- deploy permissions: least privilege, evaluated ----------------------------------------------
STATE = f"arn:aws:s3:::groundwork-pulumi-state-{ACCOUNT}"


def key_arn(name: str) -> str:
    return next(
        r for r in plan().recorded if r.name == name and r.type == "aws:kms/key:Key"
    ).outputs["arn"]


def test_a_deploy_role_reaches_only_its_own_state_and_secrets() -> None:
    dev = inline("deploy-dev", "deploy")
    own = f"{STATE}/groundwork/.pulumi/stacks/groundwork/dev.json"
    prod = f"{STATE}/groundwork/.pulumi/stacks/groundwork/prod.json"
    assert allows(dev, "s3:PutObject", resource=own)
    assert allows(
        dev, "s3:PutObject", resource=f"{STATE}/groundwork/.pulumi/locks/groundwork/dev/l.json"
    )
    assert not allows(dev, "s3:GetObject", resource=prod)
    assert not allows(dev, "s3:PutObject", resource=prod)
    assert allows(dev, "kms:Decrypt", resource=key_arn("groundwork-secrets-dev"))
    assert not allows(dev, "kms:Decrypt", resource=key_arn("groundwork-secrets-prod"))
    assert not allows(dev, "kms:ScheduleKeyDeletion", resource=key_arn("groundwork-secrets-dev"))
    assert not allows(dev, "s3:DeleteBucket", resource=STATE)
    assert not allows(dev, "s3:PutBucketPolicy", resource=STATE)


def test_a_deploy_role_acts_only_in_allowed_regions_and_on_its_environments_names() -> None:
    dev = inline("deploy-dev", "deploy")
    here = {"aws:RequestedRegion": "eu-west-1"}
    assert allows(dev, "ec2:RunInstances", context=here, resource="*")
    assert allows(
        dev, "rds:CreateDBCluster", context={"aws:RequestedRegion": "eu-central-1"}, resource="*"
    )
    assert not allows(
        dev, "ec2:RunInstances", context={"aws:RequestedRegion": "ap-southeast-1"}, resource="*"
    )
    assert allows(
        dev,
        "iam:CreateRole",
        resource=f"arn:aws:iam::{ACCOUNT}:role/acme-dev-eks-cluster-role-1a2b",
    )
    assert not allows(
        dev,
        "iam:CreateRole",
        resource=f"arn:aws:iam::{ACCOUNT}:role/acme-prod-eks-cluster-role-1a2b",
    )
    assert not allows(
        dev, "iam:AttachRolePolicy", resource=f"arn:aws:iam::{ACCOUNT}:role/groundwork-admin"
    )
    assert not allows(dev, "iam:CreateUser", resource=f"arn:aws:iam::{ACCOUNT}:user/acme-dev-x")
    slr = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/x"
    assert allows(
        dev,
        "iam:CreateServiceLinkedRole",
        context={"iam:AWSServiceName": "eks.amazonaws.com"},
        resource=slr,
    )
    assert not allows(
        dev,
        "iam:CreateServiceLinkedRole",
        context={"iam:AWSServiceName": "sso.amazonaws.com"},
        resource=slr,
    )
    assert allows(dev, "s3:PutBucketPolicy", resource="arn:aws:s3:::acme-dev-assets-bucket-1a2b3c4")
    assert not allows(
        dev, "s3:GetObject", resource="arn:aws:s3:::acme-prod-uploads-bucket-1a2b3c4/x"
    )


def test_no_deploy_role_can_switch_off_the_security_baseline() -> None:
    trail = plan().stack_outputs["trailArn"]
    audit = one("aws:s3/bucket:Bucket", "groundwork-audit-bucket").outputs["arn"]
    for env in ("dev", "prod"):
        policy = inline(f"deploy-{env}", "deploy")
        here = {"aws:RequestedRegion": "eu-west-1"}
        for action in ("cloudtrail:StopLogging", "guardduty:DeleteDetector",
                       "securityhub:DisableSecurityHub", "config:StopConfigurationRecorder"):  # fmt: skip
            assert not allows(policy, action, context=here, resource="*"), (env, action)
        assert not allows(policy, "s3:PutBucketPolicy", context=here, resource=audit)
        assert not allows(policy, "cloudtrail:AddTags", context=here, resource=trail)
        assert not allows(
            policy,
            "sns:Unsubscribe",
            context=here,
            resource=plan().stack_outputs["securityAlertTopicArn"],
        )


def test_preview_role_reads_every_state_but_writes_only_locks() -> None:
    preview = inline("preview", "state")
    assert allows(
        preview, "s3:GetObject", resource=f"{STATE}/groundwork/.pulumi/stacks/groundwork/prod.json"
    )
    assert allows(
        preview, "s3:PutObject", resource=f"{STATE}/groundwork/.pulumi/locks/groundwork/prod/l.json"
    )
    assert not allows(
        preview, "s3:PutObject", resource=f"{STATE}/groundwork/.pulumi/stacks/groundwork/prod.json"
    )
    assert allows(preview, "kms:Decrypt", resource=key_arn("groundwork-secrets-prod"))
    assert not allows(preview, "kms:Encrypt", resource=key_arn("groundwork-secrets-prod"))


# --- security baseline ---------------------------------------------------------------------------
def test_cloudtrail_is_multi_region_validated_encrypted_into_a_locked_bucket() -> None:
    trail = one("aws:cloudtrail/trail:Trail")
    assert trail.inputs["isMultiRegionTrail"] is True
    assert trail.inputs["includeGlobalServiceEvents"] is True
    assert trail.inputs["enableLogFileValidation"] is True
    assert trail.inputs["kmsKeyId"] == key_arn("groundwork-audit-key")
    assert trail.protect
    bucket = one("aws:s3/bucket:Bucket", "groundwork-audit-bucket")
    assert bucket.inputs["objectLockEnabled"] is True and bucket.protect
    lock = one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").inputs
    assert lock["rule"]["defaultRetention"] == {"mode": "GOVERNANCE", "days": 365}
    policy = json.loads(
        one("aws:s3/bucketPolicy:BucketPolicy", "groundwork-audit-policy").inputs["policy"]
    )
    arn = bucket.outputs["arn"]
    cloudtrail = {"Service": "cloudtrail.amazonaws.com"}
    assert trail.outputs["arn"] == plan().stack_outputs["trailArn"]  # the ARN the grants name
    mine = {"aws:SecureTransport": "true", "aws:SourceArn": trail.outputs["arn"]}
    assert allows(
        policy, "s3:PutObject", cloudtrail, mine, f"{arn}/cloudtrail/AWSLogs/{ACCOUNT}/x.json.gz"
    )
    other_trail = {**mine, "aws:SourceArn": "arn:aws:cloudtrail:eu-west-1:999999999999:trail/x"}
    assert not allows(
        policy, "s3:PutObject", cloudtrail, other_trail, f"{arn}/cloudtrail/AWSLogs/{ACCOUNT}/x"
    )
    assert not allows(policy, "s3:DeleteObjectVersion", {"AWS": "*"}, mine, f"{arn}/x")


def test_threat_detection_and_posture_services_are_on() -> None:
    detector = one("aws:guardduty/detector:Detector").inputs
    assert (
        detector["enable"] is True and detector["findingPublishingFrequency"] == "FIFTEEN_MINUTES"
    )
    features = {
        r.inputs["name"]: r.inputs["status"]
        for r in plan().by_type("aws:guardduty/detectorFeature:DetectorFeature")
    }
    assert features == dict.fromkeys(
        ("S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "RDS_LOGIN_EVENTS", "EBS_MALWARE_PROTECTION"),
        "ENABLED",
    )
    standards = {
        r.inputs["standardsArn"]
        for r in plan().by_type("aws:securityhub/standardsSubscription:StandardsSubscription")
    }
    assert standards == {
        "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
        "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
    }
    recorder = one("aws:cfg/recorder:Recorder").inputs["recordingGroup"]
    assert recorder["allSupported"] is True and recorder["includeGlobalResourceTypes"] is True
    assert one("aws:cfg/recorderStatus:RecorderStatus").inputs["isEnabled"] is True
    assert one("aws:cfg/deliveryChannel:DeliveryChannel").inputs["s3KmsKeyArn"] == key_arn(
        "groundwork-audit-key"
    )
    assert one("aws:accessanalyzer/analyzer:Analyzer").inputs["type"] == "ACCOUNT"
    pw = one("aws:iam/accountPasswordPolicy:AccountPasswordPolicy").inputs
    assert pw["minimumPasswordLength"] >= 14 and pw["passwordReusePrevention"] == 24
    assert all(
        pw[k]
        for k in (
            "requireLowercaseCharacters",
            "requireUppercaseCharacters",
            "requireNumbers",
            "requireSymbols",
        )
    )


def test_high_severity_findings_reach_the_alert_topic() -> None:
    rules = {
        r.name: json.loads(r.inputs["eventPattern"])
        for r in plan().by_type("aws:cloudwatch/eventRule:EventRule")
    }
    assert rules["groundwork-guardduty-findings"]["detail"]["severity"] == [{"numeric": [">=", 7]}]
    hub = rules["groundwork-securityhub-findings"]["detail"]["findings"]
    assert hub["Severity"]["Label"] == ["HIGH", "CRITICAL"]
    topic = one("aws:sns/topic:Topic")
    assert topic.inputs["kmsMasterKeyId"] == key_arn("groundwork-alerts-key")
    targets = plan().by_type("aws:cloudwatch/eventTarget:EventTarget")
    assert sorted(t.name for t in targets) == sorted(rules)
    assert {t.inputs["arn"] for t in targets} == {topic.outputs["arn"]}
    policy = json.loads(one("aws:sns/topicPolicy:TopicPolicy").inputs["policy"])
    events = {"Service": "events.amazonaws.com"}
    rule_arn = next(r for r in plan().by_type("aws:cloudwatch/eventRule:EventRule")).outputs["arn"]
    assert allows(policy, "sns:Publish", events, {"aws:SourceArn": rule_arn}, topic.outputs["arn"])
    assert not allows(
        policy,
        "sns:Publish",
        events,
        {"aws:SourceArn": "arn:aws:events:eu-west-1:1:rule/x"},
        topic.outputs["arn"],
    )


def test_an_existing_p1_topic_replaces_the_bootstraps_own() -> None:
    from bootstrap.program import build
    from tests.conftest import run_mocked

    p1 = f"arn:aws:sns:eu-west-1:{ACCOUNT}:acme-prod-p1"
    cfg = parse_config({**raw(), "alerts": {"topicArn": p1}})
    monitor = run_mocked(lambda: build(cfg), stack="account")
    assert monitor.by_type("aws:sns/topic:Topic") == []
    assert {t.inputs["arn"] for t in monitor.by_type("aws:cloudwatch/eventTarget:EventTarget")} == {
        p1
    }


def test_every_config_key_is_documented() -> None:
    from bootstrap.config import BootstrapConfig

    doc = (PROJECT_DIR / "docs" / "delivery.md").read_text()
    for name, field in BootstrapConfig.model_fields.items():
        assert f"`{field.alias or name}`" in doc, name
        sub = field.annotation
        nested = getattr(sub, "model_fields", None) or getattr(
            next((a for a in getattr(sub, "__args__", ()) if hasattr(a, "model_fields")), None),
            "model_fields",
            {},
        )
        for inner_name, inner in nested.items():
            assert f"`{inner.alias or inner_name}`" in doc, f"{name}.{inner_name}"
