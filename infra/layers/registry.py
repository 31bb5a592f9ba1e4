"""Registry layer: an ECR repository per service of `apps` (before the cluster: the nodes may pull
from exactly these repositories, and a service without `image` runs from its own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.registry.aws import Registry
from infra.config import AwsStackConfig
from infra.layers.registry_args import registry_args
from infra.providers import Providers


@dataclass(frozen=True)
class RegistryHandles:
    registry: Registry | None
    """None when `registry.enabled` is false or the stack has no services."""

    @property
    def repository_urls(self) -> dict[str, pulumi.Output[str]]:
        """Each service's repository (registry host/name, without tag)."""
        return dict(self.registry.repository_urls) if self.registry else {}

    @property
    def pull_arns(self) -> list[pulumi.Output[str]]:
        """The repositories the cluster's nodes may pull from."""
        return list(self.registry.repository_arns.values()) if self.registry else []

    @property
    def exports(self) -> dict[str, Any]:
        return {"imageRepositories": self.registry.repository_urls} if self.registry else {}


def layer(
    cfg: AwsStackConfig, providers: Providers, opts: pulumi.ResourceOptions | None = None
) -> RegistryHandles:
    if not (cfg.registry.enabled and cfg.apps and cfg.cluster.enabled):
        return RegistryHandles(registry=None)
    return RegistryHandles(
        Registry(
            f"{cfg.prefix}-registry",
            registry_args(cfg, providers.dr),
            opts=providers.in_primary(opts),
        )
    )
