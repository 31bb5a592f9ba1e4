"""Pinned chart args, Let's Encrypt servers, value merging: config uses them without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

AcmeServer = Literal["staging", "production"]
ACME_SERVERS: dict[AcmeServer, str] = {
    "staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
    "production": "https://acme-v02.api.letsencrypt.org/directory",
}


@dataclass(frozen=True, kw_only=True)
class ChartArgs:
    chart: str
    """Chart name."""
    version: str
    """Exact chart version."""
    repository: str
    """HTTPS chart repository, or an OCI registry path (`oci://docker.io/envoyproxy`)."""
    values: Mapping[str, Any] = field(default_factory=dict)
    """Values merged over ours."""


def merge_values(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_values(merged[key], value)
        else:
            merged[key] = value
    return merged
