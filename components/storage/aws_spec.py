"""What a stack may ask of the S3 bucket (aws.py), apart: config checks it without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, get_args

from components._base import require
from components.aws import s3_policies
from components.storage.spec import LifecycleArgs, lifecycle_problems

if TYPE_CHECKING:
    import pulumi

    PolicyStatements = pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]]

Encryption = Literal["aws:kms", "AES256"]
StorageClass = Literal[
    "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"
]
STORAGE_CLASSES: tuple[str, ...] = get_args(StorageClass)
MIN_DAYS_BEFORE_IA = 30
"""S3 refuses transitions to STANDARD_IA / ONEZONE_IA before an object is 30 days old."""


@dataclass(frozen=True, kw_only=True)
class AccessLogArgs:
    target_bucket: pulumi.Input[str]
    """Name of the log bucket (SSE-S3; see `LogTargetArgs`)."""
    prefix: str
    """Key prefix of this bucket's logs in the log bucket, ending in `/`."""


@dataclass(frozen=True, kw_only=True)
class LogTargetArgs:
    """Makes the bucket a log destination: the bucket policy admits the log delivery services."""

    server_access_log_prefix: str = "s3/"
    """Prefix under which S3 server access logs of this account's buckets may be written."""
    vended_log_source_regions: Sequence[str] = ()
    """Regions of CloudWatch vended-log delivery sources allowed to write (CloudFront standard
    logging v2 delivers from us-east-1). Empty admits none."""


@dataclass(frozen=True, kw_only=True)
class ObjectLockArgs:
    """S3 Object Lock: every new object version is write-once for `days` (audit logs)."""

    mode: Literal["GOVERNANCE", "COMPLIANCE"] = "GOVERNANCE"
    """GOVERNANCE: principals with s3:BypassGovernanceRetention may still delete; COMPLIANCE:
    nobody can, not even the root user, until the retention ends."""
    days: int = 365
    """Default retention of each object version."""


@dataclass(frozen=True, kw_only=True)
class BucketArgs:
    access_logs: AccessLogArgs | None
    """Server access logging target. Required on purpose: only the log bucket itself passes None."""
    encryption: Encryption = "aws:kms"
    """`aws:kms` (SSE-KMS, customer-managed key) or `AES256` (SSE-S3; only for log targets, which
    S3 server access logging cannot write to when they use SSE-KMS)."""
    kms_key_arn: pulumi.Input[str] | None = None
    """A customer-managed key shared with other buckets; None creates a key for this bucket."""
    key_policy_statements: PolicyStatements = ()
    """Statements added to the policy of the key this component creates (e.g. CloudFront decrypt)."""
    versioning: bool = True
    """Keep every version of every object (undo for overwrites and deletes)."""
    lifecycle: LifecycleArgs = field(default_factory=LifecycleArgs)
    """Lifecycle rules."""
    policy_statements: PolicyStatements = ()
    """Statements merged into the one bucket policy after the TLS-only deny. May be an Output
    (e.g. a `pulumi.deferred_output()` resolved with the CDN's grant once it exists)."""
    log_target: LogTargetArgs | None = None
    """Make this the log bucket for server access logs and vended logs."""
    force_destroy: bool = False
    """Let `pulumi destroy` delete a non-empty bucket. Only for throw-away environments."""
    bucket_name: str | None = None
    """A fixed bucket name (e.g. a state bucket other tools address by name); None auto-names."""
    object_lock: ObjectLockArgs | None = None
    """Enable S3 Object Lock with this default retention (needs versioning; set at creation)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Protect the bucket and its key from deletion."""


def validate(args: BucketArgs) -> None:
    require(
        args.encryption in ("aws:kms", "AES256"),
        "encryption",
        f"'{args.encryption}' is not one of aws:kms, AES256",
    )
    require(
        args.kms_key_arn is None or args.encryption == "aws:kms",
        "kms_key_arn",
        "a key is only used with encryption aws:kms",
    )
    require(
        args.log_target is None or args.encryption == "AES256",
        "encryption",
        "a log target must use AES256 (SSE-S3): S3 server access logging cannot deliver to an "
        "SSE-KMS bucket",
    )
    if args.access_logs is not None:
        require(args.access_logs.prefix.endswith("/"), "access_logs.prefix", "must end with '/'")
    if args.object_lock is not None:
        require(args.versioning, "object_lock", "needs versioning")
        require(args.object_lock.days > 0, "object_lock.days", "must be positive")
        require(not args.force_destroy, "object_lock", "a locked bucket cannot be force-destroyed")
    if isinstance(args.policy_statements, Sequence):  # Outputs are checked when they resolve
        plain = [s for s in args.policy_statements if isinstance(s, Mapping)]
        problem = s3_policies.public_grant_problem(plain)
        require(problem is None, "policy_statements", problem or "")
    min_days = dict.fromkeys(("STANDARD_IA", "ONEZONE_IA"), MIN_DAYS_BEFORE_IA)
    for key, message in lifecycle_problems(args.lifecycle, STORAGE_CLASSES, min_days):
        require(False, key, message)
