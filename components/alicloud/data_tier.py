"""What the Alibaba Cloud data components share: VPC-only whitelists, the data KMS key, generated
passwords kept secret, and the `HH:MMZ-HH:MMZ` windows ApsaraDB uses."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_random as random
from pulumi_alicloud import kms

from components._base import child_opts, merged_tags

KEY_PENDING_DAYS = 30
"""Days a deleted KMS key waits before it is destroyed (the longest Alibaba allows: an undo)."""
KEY_ROTATION = "31536000s"
"""Automatic rotation of the data keys: yearly (KMS accepts 7 to 365 days)."""


def whitelist(cidrs: Mapping[str, str]) -> list[str]:
    """The whitelist in a stable order (sorted by address, duplicates once)."""
    return sorted(set(cidrs.values()))


def data_key(
    parent: pulumi.Resource,
    name: str,
    *,
    description: str,
    tags: Mapping[str, str],
    protect: bool,
    instance_id: pulumi.Input[str] | None = None,
) -> kms.Key:
    """A customer-managed symmetric KMS key with yearly automatic rotation; deletion protection
    and Pulumi `protect` follow `protect` (a lost key is lost data). `instance_id` is the KMS
    instance it lives in (components/alicloud/key_store.py); without one Alibaba creates the
    region's default key, which a new account must not rely on for a stack's CMKs."""
    return kms.Key(
        f"{name}-key",
        description=description,
        dkms_instance_id=instance_id,
        key_spec="Aliyun_AES_256",
        key_usage="ENCRYPT/DECRYPT",
        protection_level="SOFTWARE",
        automatic_rotation="Enabled",
        rotation_interval=KEY_ROTATION,
        pending_window_in_days=KEY_PENDING_DAYS,
        deletion_protection="Enabled" if protect else "Disabled",
        tags=merged_tags(tags, f"{name}-key"),
        opts=child_opts(parent, protect=protect),
    )


def generated_password(
    parent: pulumi.Resource, name: str, *, specials: str, protect: bool
) -> pulumi.Output[str]:
    """A 32-character password with upper, lower, digits and `specials` (what the service
    accepts), generated in the deployment and kept as a secret Output end to end."""
    password = random.RandomPassword(
        f"{name}-password",
        length=32,
        special=True,
        override_special=specials,
        min_upper=2,
        min_lower=2,
        min_numeric=2,
        min_special=2,
        opts=child_opts(parent, protect=protect),
    )
    # The provider marks `result` secret in the engine; wrapping keeps it secret in this program.
    return pulumi.Output.secret(password.result)
