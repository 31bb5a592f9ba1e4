"""What a stack may ask of S3 replication (aws_replication.py), apart: config checks it SDK-free."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True, kw_only=True)
class ReplicatedBucket:
    source_bucket: pulumi.Input[str]
    """Name of the source bucket (versioned)."""
    source_arn: pulumi.Input[str]
    source_kms_key_arn: pulumi.Input[str] | None
    """Key encrypting the source objects (None: SSE-S3)."""
    destination_arn: pulumi.Input[str]
    """ARN of the replica bucket (versioned, in the other region)."""
    destination_kms_key_arn: pulumi.Input[str]
    """The replica's key, in the destination region."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What must exist first (the buckets' versioning: S3 refuses replication without it)."""


@dataclass(frozen=True, kw_only=True)
class ReplicationArgs:
    buckets: Mapping[str, ReplicatedBucket]
    """Source -> replica pairs, keyed by a stable name (the bucket's role)."""
    replication_time_control: bool = True
    """Replication Time Control: a 15-minute replication SLA with metrics (billed per GB)."""
    storage_class: str = "STANDARD"
    """Storage class of the replicas."""
    tags: Mapping[str, str] = field(default_factory=dict)


def validate(args: ReplicationArgs) -> None:
    require(bool(args.buckets), "buckets", "at least one bucket to replicate")
    require(
        args.storage_class in ("STANDARD", "STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR"),
        "storage_class",
        f"'{args.storage_class}' is not one of STANDARD, STANDARD_IA, INTELLIGENT_TIERING, "
        "GLACIER_IR",
    )
