"""Node architecture follows the instance types: Graviton types get the arm64 AMI, and a node
group never mixes architectures."""

from __future__ import annotations

import pytest

from components.kubernetes.architecture import ec2_architecture, group_architecture


@pytest.mark.parametrize(
    ("instance_type", "arch"),
    [
        ("m7g.large", "arm64"), ("c7gn.xlarge", "arm64"), ("r8gd.2xlarge", "arm64"),
        ("t4g.nano", "arm64"), ("g5g.xlarge", "arm64"), ("a1.large", "arm64"),
        ("m7i.large", "amd64"), ("m7i-flex.large", "amd64"), ("c6a.large", "amd64"),
        ("g5.xlarge", "amd64"), ("t3.large", "amd64"),
    ],
)  # fmt: skip
def test_ec2_architecture(instance_type: str, arch: str) -> None:
    assert ec2_architecture(instance_type) == arch


def test_a_group_has_one_architecture() -> None:
    assert group_architecture(("t4g.large", "m7g.large")) == "arm64"
    with pytest.raises(ValueError, match="mixes architectures"):
        group_architecture(("m7g.large", "m7i.large"))
    with pytest.raises(ValueError, match="not an EC2 instance type"):
        ec2_architecture("large")


def test_pods_run_only_on_the_architectures_their_image_is_built_for() -> None:
    from tests.conftest import built, of_type

    [deployment] = of_type(built("prod"), "kubernetes:apps/v1:Deployment")
    affinity = deployment.inputs["spec"]["template"]["spec"]["affinity"]["nodeAffinity"]
    [term] = affinity["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert term["matchExpressions"] == [
        {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64", "arm64"]}
    ]


def test_an_amd64_only_image_on_graviton_only_nodes_is_refused() -> None:
    from infra import ConfigError, parse_config
    from tests.conftest import raw_stack_config

    raw = raw_stack_config("prod")
    web = {k: v for k, v in raw["apps"]["web"].items() if k != "architectures"}  # default: amd64
    with pytest.raises(ConfigError) as err:
        parse_config({**raw, "apps": {"web": web}})
    assert any(
        p.startswith("groundwork:apps.web.architectures: the image runs on amd64 but every node "
                     "group is arm64")
        for p in err.value.problems
    ), err.value.problems  # fmt: skip
    # An amd64 node group beside the Graviton one makes room for it.
    groups = {"general": {"instanceTypes": ["m7g.large", "m7g.xlarge"]},
              "x86": {"instanceTypes": ["m7i.large", "m6i.large"]}}  # fmt: skip
    cluster = {**raw["cluster"], "nodeGroups": groups}
    assert parse_config({**raw, "apps": {"web": web}, "cluster": cluster}).apps["web"]
