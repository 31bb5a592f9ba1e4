"""CPU architecture of nodes and images: an amd64-only image must never land on an arm64 node."""

from __future__ import annotations

import re
from typing import Literal

Architecture = Literal["amd64", "arm64"]
ARCHITECTURES: tuple[Architecture, ...] = ("amd64", "arm64")

_EC2_FAMILY = re.compile(r"^(?P<series>[a-z]+)(?P<generation>\d+)(?P<options>[a-z-]*)\.")

EKS_AMI_TYPES: dict[Architecture, str] = {
    "amd64": "AL2023_x86_64_STANDARD",
    "arm64": "AL2023_ARM_64_STANDARD",
}
"""EKS-optimised Amazon Linux 2023 AMI family per architecture."""


def ec2_architecture(instance_type: str) -> Architecture:
    """arm64 for AWS Graviton types (`g` among the options after the generation: m7g, c7gn,
    r8gd, t4g, g5g; and a1), amd64 for the rest (m7i, c6a, g5, ...)."""
    match = _EC2_FAMILY.match(instance_type)
    if match is None:
        raise ValueError(f"'{instance_type}' is not an EC2 instance type such as m7g.large")
    graviton = "g" in match["options"] or match["series"] + match["generation"] == "a1"
    return "arm64" if graviton else "amd64"


def group_architecture(instance_types: list[str] | tuple[str, ...]) -> Architecture:
    """The one architecture of a node group's instance types (a group cannot mix them: its AMI
    is built for one)."""
    found = {ec2_architecture(t) for t in instance_types}
    if len(found) != 1:
        raise ValueError(
            f"mixes architectures ({', '.join(sorted(found))}): one node group runs one AMI; "
            "use a group per architecture"
        )
    return found.pop()
