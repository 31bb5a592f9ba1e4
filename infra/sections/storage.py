"""`groundwork:storage`: the product's S3 buckets, their lifecycle and the log bucket."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from infra.sections.base import Section

StorageClass = Literal[
    "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"
]  # fmt: skip
MIN_DAYS_BEFORE_IA = 30


class Transition(Section):
    days: int = Field(ge=0)
    """Object age in days at which current objects move to `storageClass`."""
    storage_class: StorageClass
    """Target storage class."""

    @model_validator(mode="after")
    def _ia_minimum(self) -> Transition:
        if self.storage_class in ("STANDARD_IA", "ONEZONE_IA") and self.days < MIN_DAYS_BEFORE_IA:
            raise ValueError(
                f"{self.storage_class} needs days >= {MIN_DAYS_BEFORE_IA} (an S3 rule), "
                f"got {self.days}"
            )
        return self


class Lifecycle(Section):
    abort_incomplete_multipart_upload_days: int = Field(7, ge=1, le=365)
    """Incomplete multipart uploads are aborted after this many days."""
    noncurrent_version_expiration_days: int = Field(90, ge=1)
    """Overwritten/deleted object versions are kept this many days (the undo window)."""
    transitions: list[Transition] = Field(default_factory=list)
    """Moves of current objects to cheaper storage classes, ascending by `days`."""
    expiration_days: int | None = Field(None, ge=1)
    """Current objects are deleted after this many days; unset keeps them."""

    @field_validator("transitions")
    @classmethod
    def _ascending(cls, transitions: list[Transition]) -> list[Transition]:
        days = [t.days for t in transitions]
        if days != sorted(set(days)):
            raise ValueError(f"days must be strictly ascending, got {days}")
        return transitions

    @model_validator(mode="after")
    def _expires_after_transitions(self) -> Lifecycle:
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
    lifecycle: Lifecycle = Lifecycle()
    """Lifecycle rules."""


class LogBucket(Section):
    retention_days: int = Field(365, ge=1)
    """Access logs (S3 server access logs, CloudFront logs) are deleted after this many days."""
    noncurrent_version_expiration_days: int = Field(30, ge=1)
    """Overwritten/deleted log object versions are kept this many days."""


class Storage(Section):
    assets: DataBucket = DataBucket()
    """Static/public assets: private bucket, served only through the CDN (`cdn`)."""
    uploads: DataBucket = DataBucket()
    """User uploads: private."""
    backups: DataBucket = DataBucket(
        lifecycle=Lifecycle(
            transitions=[
                Transition(days=30, storage_class="STANDARD_IA"),
                Transition(days=90, storage_class="GLACIER_IR"),
            ]
        )
    )
    """Backups and exports: private, moved to cheaper classes as they age."""
    logs: LogBucket = LogBucket()
    """The access-log bucket (always created when any other bucket or the CDN exists)."""
    force_destroy: bool = False
    """Let `pulumi destroy` empty and delete the buckets. Never in prod."""
