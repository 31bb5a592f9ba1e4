"""What the Alibaba Cloud data components share: VPC-only whitelists, the data KMS key, generated
passwords kept secret, and the `HH:MMZ-HH:MMZ` windows ApsaraDB uses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from ipaddress import ip_network

import pulumi
import pulumi_random as random
from pulumi_alicloud import kms

from components._base import child_opts, merged_tags, require

_CLIENT_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{0,62}$")
WINDOW = re.compile(r"^([01]\d|2[0-3]):00Z-([01]\d|2[0-3]):00Z$")
"""An ApsaraDB backup / maintenance window: whole hours, UTC, such as `02:00Z-03:00Z`."""
KEY_PENDING_DAYS = 30
"""Days a deleted KMS key waits before it is destroyed (the longest Alibaba allows: an undo)."""
KEY_ROTATION = "31536000s"
"""Automatic rotation of the data keys: yearly (KMS accepts 7 to 365 days)."""


def validate_whitelist(field_name: str, cidrs: Mapping[str, str]) -> None:
    """Whitelist entries are named private CIDRs (the VPC's data clients), at least one: never
    0.0.0.0/0, never a public range. Keyed by name so that adding a client is a reviewable diff."""
    require(
        isinstance(cidrs, Mapping),
        field_name,
        "must map a client name to its private CIDR (keyed by name, never by position)",
    )
    require(
        len(cidrs) > 0, field_name, "at least one client CIDR (an empty whitelist admits no one)"
    )
    bad = [k for k in cidrs if not _CLIENT_NAME.match(k)]
    require(not bad, field_name, f"names must be lowercase letters, digits, '.', '-': {bad}")
    for cidr in cidrs.values():
        try:
            net = ip_network(cidr, strict=True)
        except ValueError as exc:
            raise ValueError(f"{field_name}: '{cidr}' is not a valid CIDR ({exc})") from None
        require(
            net.version == 4 and net.prefixlen >= 8,
            field_name,
            f"'{cidr}' opens the port to (nearly) the whole internet; name the VPC's client ranges",
        )
        require(net.is_private, field_name, f"'{cidr}' is not a private range (VPC clients only)")


def whitelist(cidrs: Mapping[str, str]) -> list[str]:
    """The whitelist in a stable order (sorted by address, duplicates once)."""
    return sorted(set(cidrs.values()))


def validate_window(field_name: str, window: str) -> None:
    match = WINDOW.match(window)
    require(match is not None, field_name, f"'{window}' is not a window such as 02:00Z-03:00Z")
    assert match is not None  # for the type checker: require raised otherwise
    require(
        match.group(1) != match.group(2), field_name, f"'{window}' starts and ends at the same hour"
    )


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
