"""`groundwork:storage`: the product's buckets, their lifecycle and the log bucket.

The intent (which buckets, how long versions and logs live) is shared; moving objects to colder
storage classes is per cloud (`AwsStorage`: S3 classes from components/storage/aws_spec.py).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from components.storage.aws_spec import MIN_DAYS_BEFORE_IA, BucketArgs, StorageClass
from components.storage.spec import LifecycleArgs
from infra.sections.base import Section, component_default


def _life(name: str) -> Any:
    return component_default(LifecycleArgs, name)


class AwsTransition(Section):
    days: int = Field(ge=0)
    """Object age in days at which current objects move to `storageClass`."""
    storage_class: StorageClass
    """Target S3 storage class."""

    @model_validator(mode="after")
    def _ia_minimum(self) -> AwsTransition:
        if self.storage_class in ("STANDARD_IA", "ONEZONE_IA") and self.days < MIN_DAYS_BEFORE_IA:
            raise ValueError(
                f"{self.storage_class} needs days >= {MIN_DAYS_BEFORE_IA} (an S3 rule), "
                f"got {self.days}"
            )
        return self


class Lifecycle(Section):
    abort_incomplete_multipart_upload_days: int = Field(
        _life("abort_incomplete_multipart_upload_days"), ge=1, le=365
    )
    """Incomplete multipart uploads are aborted after this many days."""
    noncurrent_version_expiration_days: int = Field(
        _life("noncurrent_version_expiration_days"), ge=1
    )
    """Overwritten/deleted object versions are kept this many days (the undo window)."""
    expiration_days: int | None = Field(_life("expiration_days"), ge=1)
    """Current objects are deleted after this many days; unset keeps them."""


class AwsLifecycle(Lifecycle):
    transitions: list[AwsTransition] = Field(default_factory=list)
    """Moves of current objects to cheaper storage classes, ascending by `days`."""

    @field_validator("transitions")
    @classmethod
    def _ascending(cls, transitions: list[AwsTransition]) -> list[AwsTransition]:
        days = [t.days for t in transitions]
        if days != sorted(set(days)):
            raise ValueError(f"days must be strictly ascending, got {days}")
        return transitions

    @model_validator(mode="after")
    def _expires_after_transitions(self) -> AwsLifecycle:
        last = max((t.days for t in self.transitions), default=0)
        if self.expiration_days is not None and self.expiration_days <= last:
            raise ValueError(
                f"expirationDays ({self.expiration_days}) must come after the last transition "
                f"(day {last})"
            )
        return self


class DataBucket(Section):
    enabled: bool = True
    """Create this bucket."""
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)
    """Lifecycle rules."""


class AwsDataBucket(DataBucket):
    lifecycle: AwsLifecycle = Field(default_factory=AwsLifecycle)
    """Lifecycle rules."""


class LogBucket(Section):
    retention_days: int = Field(365, ge=1)
    """Access logs (bucket access logs, CDN logs) are deleted after this many days."""
    noncurrent_version_expiration_days: int = Field(30, ge=1)
    """Overwritten/deleted log object versions are kept this many days."""


class Storage(Section):
    assets: DataBucket = Field(default_factory=DataBucket)
    """Static/public assets: private bucket, served only through the CDN (`cdn`)."""
    uploads: DataBucket = Field(default_factory=DataBucket)
    """User uploads: private."""
    backups: DataBucket = Field(default_factory=DataBucket)
    """Backups and exports: private."""
    logs: LogBucket = Field(default_factory=LogBucket)
    """The access-log bucket (always created when any other bucket or the CDN exists)."""
    force_destroy: bool = component_default(BucketArgs, "force_destroy")
    """Let `pulumi destroy` empty and delete the buckets. Never in prod."""


class AwsStorage(Storage):
    assets: AwsDataBucket = Field(default_factory=AwsDataBucket)
    """Static/public assets: private bucket, served only through the CDN (`cdn`)."""
    uploads: AwsDataBucket = Field(default_factory=AwsDataBucket)
    """User uploads: private."""
    backups: AwsDataBucket = Field(
        default_factory=lambda: AwsDataBucket(
            lifecycle=AwsLifecycle(
                transitions=[
                    AwsTransition(days=30, storage_class="STANDARD_IA"),
                    AwsTransition(days=90, storage_class="GLACIER_IR"),
                ]
            )
        )
    )
    """Backups and exports: private, moved to cheaper classes as they age."""
