"""The AWS data components' client checks, SDK-free: config's preflight runs them without pulumi."""

from __future__ import annotations

import re
from collections.abc import Mapping
from ipaddress import ip_network
from typing import TYPE_CHECKING

from components._base import require

if TYPE_CHECKING:
    import pulumi
OPEN_TO_THE_WORLD = {"0.0.0.0/0", "::/0"}
_CLIENT_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{0,62}$")


def validate_clients(
    client_security_groups: Mapping[str, pulumi.Input[str]], client_cidrs: Mapping[str, str]
) -> None:
    """Clients are named security groups or private CIDRs; never the whole internet. Each is
    keyed by a name (its ingress rule's name), so reordering or adding clients changes nothing
    else."""
    for field_name, clients in (("client_security_groups", client_security_groups),
                                ("client_cidrs", client_cidrs)):  # fmt: skip
        require(
            isinstance(clients, Mapping),
            field_name,
            "must map a client name to its source (keyed by name, never by position)",
        )
        bad = [k for k in clients if not _CLIENT_NAME.match(k)]
        require(not bad, field_name, f"names must be lowercase letters, digits, '.', '-': {bad}")
    for cidr in client_cidrs.values():
        try:
            net = ip_network(cidr, strict=True)
        except ValueError as exc:
            raise ValueError(f"client_cidrs: '{cidr}' is not a valid CIDR ({exc})") from None
        require(
            str(net) not in OPEN_TO_THE_WORLD and net.prefixlen >= 8,
            "client_cidrs",
            f"'{cidr}' opens the port to (nearly) the whole internet; name the client subnets",
        )
        require(net.is_private, "client_cidrs", f"'{cidr}' is not a private range")
