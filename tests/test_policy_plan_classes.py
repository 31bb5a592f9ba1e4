"""Issue #11 classes on the real prod plan: one non-compliant resource of each class (Kubernetes,
Alibaba Cloud, prod floors) added to the prod stack makes the plan exit 1 naming the rule; the prod
floors also hold when the weak value comes from the stack config alone."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from planner.cli import EXIT_BLOCKED
from planner.policy_report import policy_section
from planner.recorder import RecordedResource
from planner.report import PlanContext
from tests.conftest import PROJECT_DIR, raw_stack_config, run_mocked, stack_config
from tests.policy_cases_k8s import PRIVILEGED_RC, with_pod_spec
from tests.test_policy_plan import context, plan_cli_with, synthetic, tags

PUBLIC_READ = {
    "Version": "1",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": ["*"],
            "Action": ["oss:GetObject"],
            "Resource": ["acs:oss:*:*:acme-prod-assets/*"],
        }
    ],
}
PRIVILEGED = [
    {"name": "agent", "image": "ghcr.io/acme/agent:1.0", "securityContext": {"privileged": True}}
]
UNAUTHENTICATED = [
    {"kind": "Group", "name": "system:unauthenticated", "apiGroup": "rbac.authorization.k8s.io"}
]

CLASSES: list[tuple[str, str, dict[str, Any], str]] = [
    # Kubernetes: pod security over every object that carries a pod template
    (
        "kubernetes:core/v1:ReplicationController",
        "legacy-rc",
        {
            "metadata": {"name": "legacy", "namespace": "apps"},
            **with_pod_spec("ReplicationController", {"containers": PRIVILEGED}),
        },
        "k8s-no-privileged",
    ),
    (
        "kubernetes:apps/v1:DeploymentPatch",
        "web-debug-patch",
        {
            "metadata": {"name": "web", "namespace": "apps"},
            "spec": {"template": {"spec": {"containers": PRIVILEGED}}},
        },
        "k8s-no-privileged",
    ),
    (
        "kubernetes:yaml/v2:ConfigGroup",
        "legacy-manifests",
        {"yaml": json.dumps(PRIVILEGED_RC)},
        "k8s-no-privileged",
    ),
    (
        "kubernetes:helm.sh/v3:Release",
        "node-agent",
        {
            "chart": "ingress-nginx",
            "version": "4.14.1",
            "repositoryOpts": {"repo": "https://kubernetes.github.io/ingress-nginx"},
            "values": {"controller": {"hostNetwork": True}},
        },
        "k8s-helm-values-pod-security",
    ),
    (
        "kubernetes:helm.sh/v3:Release",
        "tuned-controller",
        {
            "chart": "ingress-nginx",
            "version": "4.14.1",
            "repositoryOpts": {"repo": "https://kubernetes.github.io/ingress-nginx"},
            "values": {
                "controller": {
                    "podSecurityContext": {"sysctls": [{"name": "kernel.msgmax", "value": "1"}]}
                }
            },
        },
        "k8s-helm-values-pod-security",
    ),
    (
        "kubernetes:helm.sh/v3:Release",
        "random-chart",
        {
            "chart": "nginx",
            "version": "1.0.0",
            "repositoryOpts": {"repo": "https://charts.example.com"},
            "values": {},
        },
        "k8s-helm-chart-source",
    ),
    # Probed in session 13: the other Pod Security Standards baseline escapes passed prod before.
    (
        "kubernetes:apps/v1:StatefulSet",
        "node-debugger",
        {
            "metadata": {"name": "node-debugger", "namespace": "apps"},
            **with_pod_spec(
                "StatefulSet",
                {
                    "containers": [
                        {
                            "name": "debug",
                            "image": "ghcr.io/acme/debug:1.0",
                            "securityContext": {
                                "procMount": "Unmasked",
                                "windowsOptions": {"hostProcess": True},
                            },
                        }
                    ]
                },
            ),
        },
        "k8s-pod-security-baseline",
    ),
    (
        "kubernetes:apps/v1:DeploymentList",
        "legacy-list",
        {
            "items": [
                {
                    "metadata": {"name": "legacy", "namespace": "apps"},
                    **with_pod_spec("Deployment", {"containers": PRIVILEGED}),
                }
            ]
        },
        "k8s-no-privileged",
    ),
    # RBAC, Secrets, Services
    (
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
        "anonymous-view",
        {
            "metadata": {"name": "anonymous-view"},
            "roleRef": {"kind": "ClusterRole", "name": "view"},
            "subjects": UNAUTHENTICATED,
        },
        "k8s-rbac-no-public-subjects",
    ),
    (
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
        "impersonator",
        {
            "metadata": {"name": "impersonator"},
            "rules": [{"apiGroups": [""], "resources": ["users"], "verbs": ["impersonate"]}],
        },
        "k8s-rbac-no-escalation",
    ),
    (
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
        "token-minter",
        {
            "metadata": {"name": "token-minter"},
            "rules": [
                {"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]}
            ],
        },
        "k8s-rbac-no-escalation",
    ),
    (
        "kubernetes:core/v1:Secret",
        "db-credentials",
        {"metadata": {"name": "db", "namespace": "apps"}, "stringData": {"password": "hunter2"}},
        "k8s-no-plaintext-secret",
    ),
    (
        "kubernetes:core/v1:Service",
        "ssh",
        {
            "metadata": {"name": "ssh", "namespace": "apps"},
            "spec": {"type": "NodePort", "ports": [{"port": 22}]},
        },
        "k8s-service-exposure",
    ),
    # Alibaba Cloud
    (
        "alicloud:oss/bucketAcl:BucketAcl",
        "assets-acl",
        {"bucket": "acme-prod-assets", "acl": "public-read-write"},
        "oss-no-public-access",
    ),
    (
        "alicloud:oss/bucketPolicy:BucketPolicy",
        "assets-policy",
        {"bucket": "acme-prod-assets", "policy": json.dumps(PUBLIC_READ)},
        "oss-no-public-access",
    ),
    (
        "alicloud:rds/connection:Connection",
        "db-public",
        {"instanceId": "rm-123", "connectionPrefix": "acme"},
        "alicloud-db-no-public-endpoint",
    ),
    (
        "alicloud:ecs/disk:Disk",
        "scratch",
        {"zoneId": "cn-hangzhou-h", "size": 100, "encrypted": False},
        "alicloud-disk-encrypted",
    ),
    (
        "alicloud:slb/listener:Listener",
        "web-https",
        {
            "loadBalancerId": "lb-1",
            "protocol": "https",
            "frontendPort": 443,
            "tlsCipherPolicy": "tls_cipher_policy_1_0",
        },
        "alicloud-lb-tls-policy",
    ),
    (
        "alicloud:ram/policy:Policy",
        "admin",
        {
            "policyName": "admin",
            "policyDocument": json.dumps(
                {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
            ),
        },
        "alicloud-ram-no-admin",
    ),
    (
        "alicloud:ram/role:Role",
        "open-role",
        {
            "roleName": "open",
            "assumeRolePolicyDocument": json.dumps(
                {
                    "Version": "1",
                    "Statement": [
                        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": ["*"]}}
                    ],
                }
            ),
        },
        "alicloud-ram-role-trust",
    ),
    (
        "alicloud:ecs/instance:Instance",
        "bastion",
        {
            "instanceType": "ecs.g7.large",
            "internetMaxBandwidthOut": 10,
            "httpTokens": "required",
            "systemDiskEncrypted": True,
        },
        "alicloud-ecs-no-public-ip",
    ),
    (
        "alicloud:ecs/instance:Instance",
        "worker",
        {"instanceType": "ecs.g7.large", "httpTokens": "optional", "systemDiskEncrypted": True},
        "alicloud-ecs-metadata-tokens",
    ),
    # Prod floors, as a resource someone adds by hand
    (
        "aws:rds/parameterGroup:ParameterGroup",
        "legacy-pg",
        {
            "family": "postgres16",
            "parameters": [
                {"name": "rds.force_ssl", "value": "1"},
                {"name": "ssl_min_protocol_version", "value": "TLSv1"},
                {"name": "password_encryption", "value": "md5"},
            ],
        },
        "db-parameter-tls-floor",
    ),
    (
        "kubernetes:storage.k8s.io/v1:StorageClass",
        "scratch-sc",
        {
            "metadata": {"name": "scratch"},
            "provisioner": "ebs.csi.aws.com",
            "reclaimPolicy": "Delete",
        },
        "k8s-storageclass-retain",
    ),
    (
        "kubernetes:cert-manager.io/v1:ClusterIssuer",
        "le-staging",
        {
            "metadata": {"name": "le-staging"},
            "spec": {"acme": {"server": "https://acme-staging-v02.api.letsencrypt.org/directory"}},
        },
        "k8s-cluster-issuer-production",
    ),
]


@pytest.mark.parametrize("case", CLASSES, ids=[c[1] for c in CLASSES])
def test_a_non_compliant_resource_of_each_class_blocks_the_prod_plan(
    case: tuple[str, str, dict[str, Any], str],
) -> None:
    type_, name, inputs, rule = case
    section = policy_section(context("prod", [synthetic("prod", type_, name, inputs)]))
    assert any(b.startswith(f"policy {rule} (mandatory) on {name} ") for b in section.blocking), (
        section.blocking
    )


def test_the_plan_command_exits_1_naming_each_class(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = [synthetic("prod", type_, name, inputs) for type_, name, inputs, _ in CLASSES]
    code = plan_cli_with("prod", extra, monkeypatch, tmp_path)
    blocked = capsys.readouterr().out.split("PLAN BLOCKED:", 1)[-1]
    assert code == EXIT_BLOCKED
    for _, name, _, rule in CLASSES:
        assert f"policy {rule} (mandatory) on {name} " in blocked, (rule, name)


def _oss_bucket(sse: bool) -> list[RecordedResource]:
    bucket = synthetic(
        "prod",
        "alicloud:oss/bucket:Bucket",
        "acme-prod-media",
        {"bucket": "acme-prod-media", "acl": "private", "tags": tags("prod"),
         # compliant in every other respect (the OSS rules of issue 16), inline
         "versioning": {"status": "Enabled"}, "logging": {"targetBucket": "acme-prod-logs"},
         "policy": json.dumps({"Version": "1", "Statement": [{
             "Effect": "Deny", "Principal": ["*"], "Action": ["oss:*"],
             "Resource": ["acs:oss:*:*:acme-prod-media/*"],
             "Condition": {"Bool": {"acs:SecureTransport": ["false"]}}}]})},
        protect=True,
    )  # fmt: skip
    if not sse:
        return [bucket]
    encryption = synthetic(
        "prod",
        "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption",
        "acme-prod-media-sse",
        {"bucket": "acme-prod-media", "sseAlgorithm": "KMS", "kmsMasterKeyId": "key-1"},
        property_dependencies={"bucket": [bucket.urn]},
    )
    return [bucket, encryption]


def test_an_oss_bucket_encrypted_by_its_separate_resource_is_not_blocked() -> None:
    # The false positive of issue #11: encryption through oss.BucketServerSideEncryption counts.
    section = policy_section(context("prod", _oss_bucket(sse=True)))
    assert not [v for v in section.data["violations"] if v["rule"] == "oss-encrypted"]
    assert section.blocking == []
    unencrypted = policy_section(context("prod", _oss_bucket(sse=False)))
    assert any(
        b.startswith("policy oss-encrypted (mandatory) on acme-prod-media")
        for b in unencrypted.blocking
    )


def _with(section: str, **values: Any) -> dict[str, Any]:
    return {section: {**raw_stack_config("prod").get(section, {}), **values}}


WEAK_PROD = {
    **_with("network", nat="none"),
    "backup": {"retentionDays": 1, "vaultLock": {"enabled": False}},
    "storage": {"uploads": {"lifecycle": {"expirationDays": 1, "transitions": []}}},
    "postgres": {"parameters": {"ssl_min_protocol_version": "TLSv1", "password_encryption": "md5"}},
    **_with(
        "platform",
        acmeServer="staging",
        storageReclaimPolicy="Delete",
        charts={
            "metricsServer": {
                "chart": "metrics-server",
                "version": "3.13.0",
                "repository": "https://charts.example.com",
            },
            "clusterAutoscaler": {
                "chart": "cluster-autoscaler",
                "version": "9.52.1",
                "repository": "https://kubernetes.github.io/autoscaler",
                "values": {"hostNetwork": True, "securityContext": {"privileged": True}},
            },
        },
    ),
}
"""Every prod safety weakened at once, by the stack config alone (issue #11's examples)."""
SCENARIOS: dict[str, dict[str, Any]] = {
    "weak": WEAK_PROD,
    "nat-single": _with("network", nat="single"),
    # Without a backup plan there is nothing to copy to the DR region either (config refuses it).
    "backup-disabled": {"backup": {"enabled": False}, **_with("dr", backupCopies=False)},
}


@cache
def _blocking(scenario: str) -> tuple[str, ...]:
    """Blocking reasons of the prod stack built from its stack file with a scenario's overrides."""
    from infra.build import build

    cfg = stack_config("prod", **SCENARIOS[scenario])
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    ctx = PlanContext("groundwork", "prod", PROJECT_DIR, monitor, cfg)
    return tuple(policy_section(ctx).blocking)


FROM_CONFIG = [
    ("weak", "net-nat-per-zone", "acme-prod-private-"),
    ("nat-single", "net-nat-per-zone", "acme-prod-private-"),
    ("weak", "backup-retention-and-vault-lock", "acme-prod-backup-"),
    ("backup-disabled", "backup-covers-stateful-data", "acme-prod-postgres-cluster"),
    ("weak", "bucket-lifecycle-keeps-current-versions", "acme-prod-uploads-lifecycle"),
    ("weak", "db-parameter-tls-floor", "acme-prod-postgres-cluster-params"),
    ("weak", "k8s-helm-chart-source", "acme-prod-addons-metrics-server"),
    ("weak", "k8s-helm-values-pod-security", "acme-prod-addons-cluster-autoscaler"),
    ("weak", "k8s-cluster-issuer-production", "acme-prod-addons-cluster-issuer"),
    ("weak", "k8s-storageclass-retain", "acme-prod-baseline-storage-class"),
]


@pytest.mark.parametrize("case", FROM_CONFIG, ids=[f"{c[0]}-{c[1]}" for c in FROM_CONFIG])
def test_prod_floors_hold_against_the_stack_config(case: tuple[str, str, str]) -> None:
    scenario, rule, resource = case
    blocking = _blocking(scenario)
    assert any(b.startswith(f"policy {rule} (mandatory) on {resource}") for b in blocking), blocking
