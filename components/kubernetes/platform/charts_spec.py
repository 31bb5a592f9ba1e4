"""Pinned chart args and their check, ACME servers, value merging: config uses them without SDKs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from components._base import require

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


def validate_charts(charts: Mapping[str, ChartArgs], required: Sequence[str]) -> None:
    """Every required chart is given; each is pinned to an exact version from an HTTPS repo."""
    for key in required:
        require(key in charts, f"charts.{key}", "a pinned chart is required")
    for key, chart in charts.items():
        require(
            chart.repository.startswith(("https://", "oci://")),
            f"charts.{key}.repository",
            "must be an HTTPS repository or an oci:// registry",
        )
        parts = chart.version.removeprefix("v").split(".")
        require(
            len(parts) == 3 and all(p.isdigit() for p in parts),
            f"charts.{key}.version",
            f"'{chart.version}' is not an exact version (x.y.z)",
        )
