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
