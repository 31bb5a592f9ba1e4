"""Storage layer (Alibaba Cloud): private OSS buckets by role and the CDN in front of the assets
bucket. Not built yet (issue #16, part B): `not_built` makes the config refuse a stack that
enables them, naming the key; `layer` then has nothing to build."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pulumi

from infra.config import AlicloudStackConfig
from infra.layers.alicloud import NOT_BUILT
from infra.providers import Providers


@dataclass(frozen=True)
class StorageHandles:
    @property
    def exports(self) -> dict[str, Any]:
        return {}


def not_built(cfg: AlicloudStackConfig) -> Iterator[tuple[str, str]]:
    """(stack-file key, message) for each enabled bucket or CDN this layer cannot build yet."""
    s = cfg.storage
    for key, enabled in (
        ("storage.assets.enabled", s.assets.enabled),
        ("storage.uploads.enabled", s.uploads.enabled),
        ("storage.backups.enabled", s.backups.enabled),
        ("cdn.enabled", cfg.cdn.enabled),
    ):
        if enabled:
            yield key, NOT_BUILT


def layer(
    cfg: AlicloudStackConfig, providers: Providers, opts: pulumi.ResourceOptions | None = None
) -> StorageHandles:
    return StorageHandles()
