"""The OSS bucket's args and check (alicloud.py), apart: config runs them without the SDKs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, get_args

from components._base import require
from components.storage.spec import LifecycleArgs, ReplicationArgs, lifecycle_problems

if TYPE_CHECKING:
    import pulumi


StorageClass = Literal["IA", "Archive", "ColdArchive", "DeepColdArchive"]
STORAGE_CLASSES: tuple[str, ...] = get_args(StorageClass)
Redundancy = Literal["ZRS", "LRS"]
Encryption = Literal["KMS", "AES256"]
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+(-\d+)?$")
OSS_RTC_REGIONS = frozenset(
    {"cn-hangzhou", "cn-shanghai", "cn-qingdao", "cn-beijing", "cn-zhangjiakou", "cn-shenzhen",
     "us-west-1", "us-east-1"}
)  # fmt: skip
"""Where OSS offers Replication Time Control (alibabacloud.com/help/en/oss/rtc, checked
2026-11-29): between these mainland regions, or between the two US ones."""


@dataclass(frozen=True, kw_only=True)
class AccessLogArgs:
    target_bucket: pulumi.Input[str]
    """Name of the log bucket (same region)."""
    prefix: str
    """Key prefix of this bucket's logs in the log bucket, ending in `/`."""


@dataclass(frozen=True, kw_only=True)
class BucketArgs:
    bucket_name: str
    """The bucket's name (OSS names are global: include the account or a suffix)."""
    access_logs: AccessLogArgs | None
    """Access logging target. Required on purpose: only the log bucket itself passes None."""
    encryption: Encryption = "KMS"
    """`KMS` (customer-managed key) or `AES256` (OSS-managed keys)."""
    kms_key_id: pulumi.Input[str] | None = None
    """A key shared with other buckets; None creates one for this bucket (with `KMS`)."""
    kms_instance_id: pulumi.Input[str] | None = None
    """KMS instance the created key lives in (components/alicloud/key_store.py)."""
    versioning: bool = True
    """Keep every version of every object (undo for overwrites and deletes)."""
    lifecycle: LifecycleArgs = field(default_factory=LifecycleArgs)
    redundancy: Redundancy = "ZRS"
    """`ZRS` keeps copies in three zones of the region (survives a zone failure); `LRS` one zone."""
    policy_statements: Sequence[Mapping[str, Any]] = ()
    """Statements merged into the one bucket policy after the TLS-only deny (never anonymous)."""
    replication: ReplicationArgs | None = None
    """Copy every object to a bucket in another region (disaster recovery)."""
    force_destroy: bool = False
    """Let `pulumi destroy` delete a non-empty bucket. Only for throw-away environments."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Protect the bucket and its key from deletion."""


def _anonymous_allow(statement: Mapping[str, Any]) -> bool:
    principal = statement.get("Principal")
    anyone = principal == "*" or (isinstance(principal, list) and "*" in principal)
    return statement.get("Effect") == "Allow" and anyone and not statement.get("Condition")


def validate(args: BucketArgs) -> None:
    require(
        BUCKET_NAME.match(args.bucket_name) is not None,
        "bucket_name",
        f"'{args.bucket_name}' is not an OSS bucket name (3-63 lowercase letters, digits, '-')",
    )
    require(args.encryption in get_args(Encryption), "encryption", "one of KMS, AES256")
    require(
        args.kms_key_id is None or args.encryption == "KMS",
        "kms_key_id",
        "a key is only used with encryption KMS",
    )
    require(args.redundancy in get_args(Redundancy), "redundancy", "one of ZRS, LRS")
    if args.access_logs is not None:
        require(args.access_logs.prefix.endswith("/"), "access_logs.prefix", "must end with '/'")
    require(
        not any(_anonymous_allow(s) for s in args.policy_statements),
        "policy_statements",
        "a statement allows anyone (Principal '*') without a condition: serve through the CDN",
    )
    for key, message in lifecycle_problems(args.lifecycle, STORAGE_CLASSES, {}):
        require(False, key, message)
    if args.replication is not None:
        require(args.versioning, "replication", "needs versioning")
        require(
            REGION.match(args.replication.destination_region) is not None,
            "replication.destination_region",
            f"'{args.replication.destination_region}' is not a region such as cn-beijing",
        )
        require(
            not args.replication.replication_time_control
            or args.replication.destination_region in OSS_RTC_REGIONS,
            "replication.replication_time_control",
            f"OSS offers replication time control only between {', '.join(sorted(OSS_RTC_REGIONS))}",
        )
