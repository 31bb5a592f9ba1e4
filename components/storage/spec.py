"""The storage interface every cloud implements: the buckets a stack asks for (by purpose), their
lifecycle and their cross-region replication. Storage class names are each cloud's own (S3's
`STANDARD_IA`, OSS's `IA`); each implementation lists its classes and their minimum ages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    import pulumi

BucketPurpose = Literal["assets", "uploads", "backups"]
"""The product's buckets: static assets (served by the CDN), user uploads, backups and exports.
Every stack also has the access-log bucket they log into."""
BUCKET_PURPOSES: tuple[str, ...] = get_args(BucketPurpose)


@dataclass(frozen=True, kw_only=True)
class Transition:
    days: int
    """Age in days at which current objects move to `storage_class`."""
    storage_class: str
    """Target storage class, in the cloud's own names."""


@dataclass(frozen=True, kw_only=True)
class LifecycleArgs:
    abort_incomplete_multipart_upload_days: int = 7
    """Incomplete multipart uploads are aborted (and stop costing) after this many days."""
    noncurrent_version_expiration_days: int = 90
    """Overwritten or deleted versions are kept this long (the undo window), then expire."""
    transitions: Sequence[Transition] = ()
    """Moves of current objects to cheaper classes, in ascending `days`."""
    expiration_days: int | None = None
    """Current objects expire after this many days (logs); None keeps them."""


@dataclass(frozen=True, kw_only=True)
class ReplicationArgs:
    """Asynchronous copy of every new object (and delete marker) to a bucket in another region."""

    destination_bucket: pulumi.Input[str]
    """Name of the replica bucket (versioned, in `destination_region`)."""
    destination_region: str
    """Region of the replica bucket."""
    role: pulumi.Input[str]
    """Role the storage service assumes to replicate (read here, write there, use both keys)."""
    destination_kms_key: pulumi.Input[str] | None = None
    """Key that encrypts the replicas in the destination region (None: the destination's default)."""
    replication_time_control: bool = True
    """Bound the copy's delay with the service's replication-time SLA (OSS RTC: 99.99% of new
    objects within 10 minutes; billed per GB replicated)."""


def lifecycle_problems(
    life: LifecycleArgs, classes: Sequence[str], min_days: Mapping[str, int]
) -> list[tuple[str, str]]:
    """(field, message) for each problem of a lifecycle against one cloud's storage classes and
    their minimum object ages; both clouds' components and configs use it."""
    problems: list[tuple[str, str]] = []
    if life.abort_incomplete_multipart_upload_days <= 0:
        problems.append(("lifecycle.abort_incomplete_multipart_upload_days", "must be positive"))
    if life.noncurrent_version_expiration_days <= 0:
        problems.append(("lifecycle.noncurrent_version_expiration_days", "must be positive"))
    days = [t.days for t in life.transitions]
    if days != sorted(set(days)):
        problems.append(("lifecycle.transitions", "days must be strictly ascending"))
    for t in life.transitions:
        if t.storage_class not in classes:
            problems.append(
                ("lifecycle.transitions", f"'{t.storage_class}' is not one of {', '.join(classes)}")
            )
        if t.days < 0:
            problems.append(("lifecycle.transitions", "days must not be negative"))
        elif t.days < min_days.get(t.storage_class, 0):
            problems.append(
                (
                    "lifecycle.transitions",
                    f"{t.storage_class} needs at least {min_days[t.storage_class]} days",
                )
            )
    if life.expiration_days is not None and life.expiration_days <= max(days, default=0):
        problems.append(
            ("lifecycle.expiration_days", "must be positive and after the last transition")
        )
    return problems
