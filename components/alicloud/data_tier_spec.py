"""The Alibaba Cloud data components' whitelist and window checks, SDK-free for config to use."""

from __future__ import annotations

import re
from collections.abc import Mapping
from ipaddress import ip_network

from components._base import require

_CLIENT_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{0,62}$")
WINDOW = re.compile(r"^([01]\d|2[0-3]):00Z-([01]\d|2[0-3]):00Z$")
"""An ApsaraDB backup / maintenance window: whole hours, UTC, such as `02:00Z-03:00Z`."""


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


def validate_window(field_name: str, window: str) -> None:
    match = WINDOW.match(window)
    require(match is not None, field_name, f"'{window}' is not a window such as 02:00Z-03:00Z")
    assert match is not None  # for the type checker: require raised otherwise
    require(
        match.group(1) != match.group(2), field_name, f"'{window}' starts and ends at the same hour"
    )
