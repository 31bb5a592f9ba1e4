"""ACK add-on args (charts, ACME) and their check: the preflight validates them without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from components._base import require
from components.kubernetes.platform.charts_spec import (
    ACME_SERVERS,
    AcmeServer,
    ChartArgs,
    validate_charts,
)

REQUIRED_CHARTS = ("envoy_gateway_crds", "envoy_gateway", "cert_manager")


@dataclass(frozen=True, kw_only=True)
class PlatformAddonsArgs:
    part_of: str
    """Product name (label `app.kubernetes.io/part-of`)."""
    charts: Mapping[str, ChartArgs]
    """Pinned charts by add-on: envoy_gateway_crds, envoy_gateway, cert_manager."""
    ingress_namespace: str = "gateway"
    """Namespace of the public Gateway and of Envoy Gateway (its controller and proxies)."""
    acme_email: str
    acme_server: AcmeServer = "production"
    replicas: int = 2
    """Replicas of each controller (2+: one can be drained or lost)."""


def validate(args: PlatformAddonsArgs) -> None:
    validate_charts(args.charts, REQUIRED_CHARTS)
    require(args.acme_server in ACME_SERVERS, "acme_server", "staging or production")
    require("@" in args.acme_email, "acme_email", "must be an e-mail address")
    require(args.replicas >= 1, "replicas", "at least 1")
