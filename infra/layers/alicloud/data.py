"""Data layer (Alibaba Cloud): PostgreSQL (ApsaraDB RDS / PolarDB) and Redis (Tair) in the data
vSwitches. Not built yet (issue #16, part B): `not_built` makes the config refuse a stack that
enables them, naming the key; `layer` then has nothing to build."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pulumi

from infra.config import AlicloudStackConfig
from infra.layers.alicloud import NOT_BUILT
from infra.layers.alicloud.kubernetes import KubernetesHandles
from infra.layers.alicloud.network import NetworkHandles
from infra.providers import Providers


@dataclass(frozen=True)
class DataHandles:
    ports: dict[str, tuple[int, int]] = field(default_factory=dict)
    """The first and last port of each data service built, by the name services `use` it with."""

    @property
    def exports(self) -> dict[str, Any]:
        return {}


def ports(cfg: AlicloudStackConfig) -> dict[str, tuple[int, int]]:
    """The first and last port of each data service the stack builds (what services may
    `use`), known before anything is built (for the preflight)."""
    return {}


def not_built(cfg: AlicloudStackConfig) -> Iterator[tuple[str, str]]:
    """(stack-file key, message) for each enabled data service this layer cannot build yet."""
    for key, enabled in (
        ("postgres.enabled", cfg.postgres.enabled),
        ("redis.enabled", cfg.redis.enabled),
        ("backup.enabled", cfg.backup.enabled),
    ):
        if enabled:
            yield key, NOT_BUILT


def layer(
    cfg: AlicloudStackConfig,
    providers: Providers,
    network: NetworkHandles,
    kubernetes: KubernetesHandles | None,
    opts: pulumi.ResourceOptions | None = None,
) -> DataHandles:
    return DataHandles()
