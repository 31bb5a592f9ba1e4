"""The EKS cluster component under mocks: control plane, access, identity, nodes, add-ons."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from components.kubernetes.aws_eks import EksCluster
from components.kubernetes.aws_eks_spec import EksClusterArgs, NodeGroupArgs
from components.kubernetes.aws_irsa import irsa_trust_policy
from infra.kubernetes import kubeconfig
from planner.recorder import RecordingMonitor
from tests.conftest import of_type, one, run_mocked

SUBNETS = ["subnet-a", "subnet-b", "subnet-c"]
BY_ZONE = dict(zip(["eu-west-1a", "eu-west-1b", "eu-west-1c"], SUBNETS, strict=True))
ADMIN = "arn:aws:iam::123456789012:role/platform-admin"


def build_cluster(**overrides: Any) -> RecordingMonitor:
    import pulumi_aws as aws

    fields: dict[str, Any] = {
        "cluster_name": "main",
        "vpc_id": "vpc-1",
        "private_subnets": BY_ZONE,
        "admin_role_arns": [ADMIN],
        "tags": {"owner": "o"},
    }
    args = EksClusterArgs(**{**fields, **overrides})

    def program() -> None:
        provider = aws.Provider("aws-test", region="eu-west-1")
        EksCluster("k", args, pulumi.ResourceOptions(provider=provider))

    return run_mocked(program)


@pytest.fixture(scope="module")
def default_cluster() -> RecordingMonitor:
    return build_cluster()


def cluster_inputs(monitor: RecordingMonitor) -> dict[str, Any]:
    return one(monitor, "aws:eks/cluster:Cluster").inputs


def test_api_endpoint_is_private_by_default(default_cluster: RecordingMonitor) -> None:
    vpc_config = cluster_inputs(default_cluster)["vpcConfig"]
    assert vpc_config["endpointPrivateAccess"] is True
    assert vpc_config["endpointPublicAccess"] is False
    assert "publicAccessCidrs" not in vpc_config
    assert vpc_config["subnetIds"] == SUBNETS


def test_public_endpoint_is_restricted_to_the_allowlist() -> None:
    monitor = build_cluster(endpoint_public_access=True, public_access_cidrs=["203.0.113.0/24"])
    vpc_config = cluster_inputs(monitor)["vpcConfig"]
    assert vpc_config["endpointPublicAccess"] is True
    assert vpc_config["publicAccessCidrs"] == ["203.0.113.0/24"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"endpoint_public_access": True}, "public_access_cidrs"),
        ({"endpoint_public_access": True, "public_access_cidrs": ["0.0.0.0/0"]},
         "public_access_cidrs"),
        ({"endpoint_public_access": True, "public_access_cidrs": ["0.0.0.0/1", "128.0.0.0/1"]},
         "public_access_cidrs"),
        ({"log_types": ["api", "audit"]}, "log_types"),
        ({"private_subnets": {"eu-west-1a": "subnet-a"}}, "private_subnets"),
        ({"node_groups": {"g": NodeGroupArgs(capacity_type="SPOT", instance_types=["t3.large"])}},
         "node_groups.g.instance_types"),
        ({"node_groups": {"g": NodeGroupArgs(min_size=4, desired_size=3)}}, "node_groups.g"),
    ],
)  # fmt: skip
def test_bad_args_are_rejected_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build_cluster(**overrides)


def test_secrets_are_encrypted_with_a_rotating_customer_key(
    default_cluster: RecordingMonitor,
) -> None:
    key = one(default_cluster, "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True
    encryption = cluster_inputs(default_cluster)["encryptionConfig"]
    assert encryption["resources"] == ["secrets"]
    assert encryption["provider"]["keyArn"] == key.outputs["arn"]


def test_control_plane_logs_go_to_a_group_with_retention(default_cluster: RecordingMonitor) -> None:
    logs = cluster_inputs(default_cluster)["enabledClusterLogTypes"]
    assert {"api", "audit", "authenticator"} <= set(logs)
    group = one(default_cluster, "aws:cloudwatch/logGroup:LogGroup").inputs
    assert group["name"] == "/aws/eks/main/cluster"
    assert group["retentionInDays"] == 90
    assert group["kmsKeyId"]


def test_access_entries_not_aws_auth(default_cluster: RecordingMonitor) -> None:
    inputs = cluster_inputs(default_cluster)
    assert inputs["accessConfig"] == {
        "authenticationMode": "API",
        "bootstrapClusterCreatorAdminPermissions": False,
    }
    entry = one(default_cluster, "aws:eks/accessEntry:AccessEntry").inputs
    assert entry["principalArn"] == ADMIN
    association = one(default_cluster, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
    assert association.inputs["policyArn"].endswith(
        "cluster-access-policy/AmazonEKSClusterAdminPolicy"
    )
    assert association.inputs["accessScope"] == {"type": "cluster"}
    assert default_cluster.by_type("kubernetes:core/v1:ConfigMap") == []


def test_version_and_standard_support(default_cluster: RecordingMonitor) -> None:
    inputs = cluster_inputs(default_cluster)
    assert inputs["version"] == "1.35"
    assert inputs["upgradePolicy"] == {"supportType": "STANDARD"}
    assert inputs["deletionProtection"] is True


def test_nodes_are_hardened(default_cluster: RecordingMonitor) -> None:
    template = one(default_cluster, "aws:ec2/launchTemplate:LaunchTemplate").inputs
    assert template["metadataOptions"]["httpTokens"] == "required"
    assert template["metadataOptions"]["httpPutResponseHopLimit"] == 1
    ebs = template["blockDeviceMappings"][0]["ebs"]
    assert (ebs["volumeType"], ebs["encrypted"], ebs["volumeSize"]) == ("gp3", "true", 50)


def test_node_group_spans_every_private_subnet(default_cluster: RecordingMonitor) -> None:
    group = one(default_cluster, "aws:eks/nodeGroup:NodeGroup")
    assert group.inputs["subnetIds"] == SUBNETS
    assert group.inputs["capacityType"] == "ON_DEMAND"
    assert group.inputs["scalingConfig"] == {"minSize": 3, "desiredSize": 3, "maxSize": 9}
    assert "scalingConfig.desiredSize" in group.ignore_changes


def test_per_zone_node_groups() -> None:
    monitor = build_cluster(node_groups={"data": NodeGroupArgs(per_zone=True, min_size=1,
                                                               desired_size=1, max_size=3)})  # fmt: skip
    groups = {r.name: r.inputs for r in of_type(monitor, "aws:eks/nodeGroup:NodeGroup")}
    assert {n: g["subnetIds"] for n, g in groups.items()} == {
        f"k-data-{zone}": [subnet] for zone, subnet in BY_ZONE.items()
    }
    assert all(g["scalingConfig"]["maxSize"] == 3 for g in groups.values())
    assert len(of_type(monitor, "aws:ec2/launchTemplate:LaunchTemplate")) == 1


def test_spot_node_group() -> None:
    spot = NodeGroupArgs(capacity_type="SPOT", instance_types=["t3.large", "t3a.large"],
                         min_size=1, desired_size=2, max_size=3, disk_size_gib=30)  # fmt: skip
    monitor = build_cluster(node_groups={"general": spot})
    group = one(monitor, "aws:eks/nodeGroup:NodeGroup").inputs
    assert group["capacityType"] == "SPOT"
    assert group["instanceTypes"] == ["t3.large", "t3a.large"]


def test_managed_addons_with_network_policy_and_irsa(default_cluster: RecordingMonitor) -> None:
    addons = {
        r.inputs["addonName"]: r.inputs for r in of_type(default_cluster, "aws:eks/addon:Addon")
    }
    assert set(addons) == {"vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver"}
    assert json.loads(addons["vpc-cni"]["configurationValues"]) == {"enableNetworkPolicy": "true"}
    roles = {r.name: r for r in of_type(default_cluster, "aws:iam/role:Role")}
    assert (
        addons["aws-ebs-csi-driver"]["serviceAccountRoleArn"]
        == roles["k-ebs-csi-irsa"].outputs["arn"]
    )
    trust = json.loads(roles["k-ebs-csi-irsa"].inputs["assumeRolePolicy"])
    condition = trust["Statement"][0]["Condition"]["StringEquals"]
    assert any(
        v == "system:serviceaccount:kube-system:ebs-csi-controller-sa" for v in condition.values()
    )


def test_oidc_provider_for_workload_identity(default_cluster: RecordingMonitor) -> None:
    oidc = one(default_cluster, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").inputs
    assert oidc["url"].startswith("https://oidc.eks.eu-west-1.amazonaws.com/id/")
    assert oidc["clientIdLists"] == ["sts.amazonaws.com"]


def test_irsa_trust_policy_binds_one_service_account() -> None:
    policy = json.loads(irsa_trust_policy("arn:oidc", "oidc.example/id/X", "ns", "sa"))
    statement = policy["Statement"][0]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"]["StringEquals"] == {
        "oidc.example/id/X:sub": "system:serviceaccount:ns:sa",
        "oidc.example/id/X:aud": "sts.amazonaws.com",
    }


def test_security_groups_exposed_and_tagged(default_cluster: RecordingMonitor) -> None:
    groups = {
        r.name: r.inputs for r in of_type(default_cluster, "aws:ec2/securityGroup:SecurityGroup")
    }
    assert set(groups) == {"k-cluster-sg", "k-node-sg"}
    # Only the EKS-created group carries the cluster tag (the LB controller needs exactly one).
    assert not any(k.startswith("kubernetes.io/cluster/") for k in groups["k-node-sg"]["tags"])
    assert all(g["tags"]["owner"] == "o" for g in groups.values())


def test_kubeconfig_is_deterministic_and_token_free() -> None:
    first = kubeconfig("main", "https://x.eks.amazonaws.com", "Q0E=", "eu-west-1")
    assert first == kubeconfig("main", "https://x.eks.amazonaws.com", "Q0E=", "eu-west-1")
    config = json.loads(first)
    user = config["users"][0]["user"]
    assert "token" not in user
    assert user["exec"]["command"] == "aws"
    assert user["exec"]["args"][:6] == ["eks", "get-token", "--cluster-name", "main", "--region",
                                        "eu-west-1"]  # fmt: skip
    assert config["clusters"][0]["cluster"]["server"] == "https://x.eks.amazonaws.com"


def test_kubeconfig_can_pin_the_role_it_mints_tokens_for() -> None:
    role = "arn:aws:iam::123456789012:role/deployer"
    config = json.loads(kubeconfig("main", "https://x", "Q0E=", "eu-west-1", role))
    args = config["users"][0]["user"]["exec"]["args"]
    assert args[args.index("--role-arn") + 1] == role
