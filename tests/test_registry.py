"""ECR per application (components/registry/aws.py, infra/layers/registry.py): what each
repository guarantees, replication to the DR region in prod only, the nodes' pull permission
scoped to the registry's repositories, and a service running from its own repository."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import parse_config
from infra.build import build
from infra.config import ConfigError
from planner.recorder import RecordingMonitor
from policies.guardrails.iam import allows
from tests.conftest import built, of_type, one, raw_stack_config, run_mocked, stack_config

REPO = "aws:ecr/repository:Repository"
ACCOUNT = "123456789012"
EKS_IMAGES = "602401143452"  # the account EKS publishes its add-on images from (eu-west-1)


def _by_name(monitor: RecordingMonitor, typ: str) -> dict[str, Any]:
    return {r.name: r for r in of_type(monitor, typ)}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_each_application_has_an_immutable_scanned_kms_encrypted_repository(stack: str) -> None:
    monitor = built(stack)
    cfg = stack_config(stack)
    repos = _by_name(monitor, REPO)
    assert set(repos) == {f"{cfg.prefix}-registry-{app}" for app in cfg.apps}
    keys = [
        k for k in of_type(monitor, "aws:kms/key:Key") if k.name == f"{cfg.prefix}-registry-key"
    ]
    # dev: ECR's AWS-managed key (still KMS at rest, no monthly key charge); prod: the stack's key.
    assert cfg.registry.customer_managed_key is (stack == "prod") is (len(keys) == 1)
    for key in keys:
        assert key.inputs["enableKeyRotation"] is True
    for app in cfg.apps:
        repo = repos[f"{cfg.prefix}-registry-{app}"]
        assert repo.inputs["name"] == f"{cfg.prefix}/{app}"
        assert repo.inputs["imageTagMutability"] == "IMMUTABLE"
        assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
        [enc] = repo.inputs["encryptionConfigurations"]
        assert enc["encryptionType"] == "KMS"
        assert enc.get("kmsKey") == (keys[0].outputs["arn"] if keys else None)
        assert repo.inputs["forceDelete"] is False
        assert repo.protect is cfg.protect_stateful_resources
        policy = one(monitor, "aws:ecr/lifecyclePolicy:LifecyclePolicy",
                     f"{cfg.prefix}-registry-{app}-lifecycle")  # fmt: skip
        assert policy.inputs["repository"] == f"{cfg.prefix}/{app}"
        [rule] = json.loads(policy.inputs["policy"])["rules"]
        assert rule["selection"] == {
            "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
            "countNumber": cfg.registry.untagged_image_expiry_days,
        }  # fmt: skip
        assert rule["action"] == {"type": "expire"}


def test_prod_replicates_its_images_to_the_dr_region_under_the_same_guarantees() -> None:
    monitor, cfg = built("prod"), stack_config("prod")
    assert cfg.dr.enabled and cfg.dr.region == "eu-central-1"
    replication = one(monitor, "aws:ecr/replicationConfiguration:ReplicationConfiguration")
    [rule] = replication.inputs["replicationConfiguration"]["rules"]
    assert rule["destinations"] == [{"region": "eu-central-1", "registryId": ACCOUNT}]
    assert rule["repositoryFilters"] == [{"filter": "acme-prod/", "filterType": "PREFIX_MATCH"}]
    template = one(monitor, "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate")
    assert template.provider.endswith("::aws-dr-eu-central-1")
    assert template.inputs["prefix"] == "acme-prod/"
    assert template.inputs["appliedFors"] == ["REPLICATION"]
    assert template.inputs["imageTagMutability"] == "IMMUTABLE"
    replica_key = one(monitor, "aws:kms/key:Key", "acme-prod-registry-replica-key")
    assert replica_key.provider.endswith("::aws-dr-eu-central-1")
    [enc] = template.inputs["encryptionConfigurations"]
    assert enc == {"encryptionType": "KMS", "kmsKey": replica_key.outputs["arn"]}
    assert ":eu-central-1:" in enc["kmsKey"]
    rules = json.loads(template.inputs["lifecyclePolicy"])["rules"]
    assert rules[0]["selection"]["tagStatus"] == "untagged"


@pytest.mark.parametrize("stack", ["dev", "test"])
def test_stacks_without_a_dr_region_do_not_replicate(stack: str) -> None:
    monitor = built(stack)
    assert of_type(monitor, "aws:ecr/replicationConfiguration:ReplicationConfiguration") == []
    assert of_type(monitor, "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate") == []


def _node_pull_policy(monitor: RecordingMonitor, prefix: str) -> dict[str, Any]:
    policy = one(monitor, "aws:iam/rolePolicy:RolePolicy", f"{prefix}-eks-node-image-pull")
    return dict(json.loads(policy.inputs["policy"]))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_nodes_pull_only_the_registrys_repositories_of_the_account(stack: str) -> None:
    monitor, cfg = built(stack), stack_config(stack)
    attached = {r.inputs["policyArn"].rsplit("/", 1)[-1]
                for r in of_type(monitor, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if r.name.startswith(f"{cfg.prefix}-eks-node-")}  # fmt: skip
    assert attached == {"AmazonEKSWorkerNodePolicy"}  # no account-wide ECR pull policy
    policy = _node_pull_policy(monitor, cfg.prefix)
    region = cfg.region

    def can_pull(account: str, repository: str) -> bool:
        arn = f"arn:aws:ecr:{region}:{account}:repository/{repository}"
        context = {"aws:ResourceAccount": account}
        return all(allows(policy, action, context=context, resource=arn)
                   for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"))  # fmt: skip

    assert allows(policy, "ecr:GetAuthorizationToken", resource="*")
    for app in cfg.apps:
        assert can_pull(ACCOUNT, f"{cfg.prefix}/{app}")
    # Another repository of the same account: another stack's or a team's images.
    assert not can_pull(ACCOUNT, "other-team/payments")
    other_env = "acme-prod" if stack == "dev" else "acme-dev"
    assert not can_pull(ACCOUNT, f"{other_env}/web")
    # EKS's own add-on images (their repository policies admit any account's nodes).
    assert can_pull(EKS_IMAGES, "eks/coredns")
    assert not allows(policy, "ecr:PutImage", context={"aws:ResourceAccount": ACCOUNT},
                      resource=f"arn:aws:ecr:{region}:{ACCOUNT}:repository/{cfg.prefix}/web")  # fmt: skip


def test_a_service_without_image_runs_from_its_own_repository() -> None:
    raw = raw_stack_config("prod")
    web = {k: v for k, v in raw["apps"]["web"].items() if k != "image"}
    cfg = stack_config("prod", apps={"web": web})
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    repo = one(monitor, REPO, "acme-prod-registry-web")
    deployment = one(monitor, "kubernetes:apps/v1:Deployment")
    [container] = deployment.inputs["spec"]["template"]["spec"]["containers"]
    assert container["image"] == (f"{repo.outputs['repositoryUrl']}:{web['tag']}@{web['digest']}")
    assert (
        repo.outputs["repositoryUrl"] == f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/acme-prod/web"
    )


def test_no_services_no_repositories() -> None:
    cfg = stack_config("dev", apps={})
    monitor = run_mocked(lambda: build(cfg), stack="dev")
    assert of_type(monitor, REPO) == []
    policy = _node_pull_policy(monitor, cfg.prefix)
    assert [s["Sid"] for s in policy["Statement"]] == ["RegistryToken", "OtherAccountsRegistries"]


def test_a_service_name_ecr_cannot_take_is_refused_by_the_config_first() -> None:
    raw = raw_stack_config("dev")
    raw["apps"] = {"web--v2": raw["apps"]["web"]}  # a DNS label, not an ECR name segment
    with pytest.raises(ConfigError) as err:
        parse_config(raw)
    assert any(p.startswith("groundwork:apps:") and "'web--v2' is not a repository name segment" in p
               for p in err.value.problems), err.value.problems  # fmt: skip
