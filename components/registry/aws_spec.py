"""What a stack may ask of the ECR registry (aws.py), apart: config checks it without the SDKs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True, kw_only=True)
class RegistryArgs:
    prefix: str
    """Namespace of the repositories (`acme-prod`): `<prefix>/<application>`."""
    applications: Sequence[str]
    """One repository each."""
    customer_managed_key: bool = True
    """Encrypt with a key of the stack (rotation on, key policy ours); False: ECR's AWS-managed
    KMS key (`aws/ecr`), still KMS at rest but at no monthly cost."""
    untagged_expiry_days: int = 7
    """Untagged images (overwritten build layers, failed pushes) expire this many days after push."""
    replica_region: str | None = None
    """Replicate every image to this region (the DR region); None: no replication."""
    replica_provider: pulumi.ProviderResource | None = None
    """The AWS provider of `replica_region`."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect` on the repositories and keys (a deleted repository loses its images)."""


REPOSITORY_NAME_PART = "^[a-z0-9]+(?:[._-][a-z0-9]+)*$"
"""One path segment of an ECR repository name."""


def validate_registry(args: RegistryArgs) -> None:
    for part in (args.prefix, *args.applications):
        require(bool(re.match(REPOSITORY_NAME_PART, part)), "applications",
                f"'{part}' is not a repository name segment (lowercase letters and digits, joined by single . _ or -)")  # fmt: skip
    require(len(set(args.applications)) == len(args.applications), "applications", "duplicates")
    require(1 <= args.untagged_expiry_days <= 3650, "untagged_expiry_days", "1-3650 days")
    require(
        (args.replica_region is None) == (args.replica_provider is None),
        "replica_provider",
        "give the replica region and its provider together",
    )
