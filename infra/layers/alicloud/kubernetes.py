"""Kubernetes layer (Alibaba Cloud): the ACK cluster, its Kubernetes provider, the shared platform
baseline and the Alibaba add-ons."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pulumi

from infra.config import AlicloudStackConfig
from infra.layers.alicloud import NOT_BUILT
from infra.layers.alicloud.network import NetworkHandles
from infra.providers import Providers


@dataclass(frozen=True)
class KubernetesHandles:
    @property
    def exports(self) -> dict[str, Any]:
        return {}


def not_built(cfg: AlicloudStackConfig) -> Iterator[tuple[str, str]]:
    if cfg.cluster.enabled:
        yield "cluster.enabled", NOT_BUILT


def layer(
    cfg: AlicloudStackConfig,
    providers: Providers,
    network: NetworkHandles,
    opts: pulumi.ResourceOptions | None = None,
) -> KubernetesHandles | None:
    """The cluster and the platform on it; None when `cluster.enabled` is false."""
    return None
