"""What the registry layer asks of its components, built from config; imported by the
preflight without the SDKs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.registry.aws_spec import RegistryArgs
from infra.config import AwsStackConfig

if TYPE_CHECKING:
    import pulumi


def registry_args(cfg: AwsStackConfig, dr: pulumi.ProviderResource | None) -> RegistryArgs:
    """`dr`: the DR region's provider (None: no DR region, so no replication)."""
    replicate = cfg.registry.replicate_to_dr and dr is not None
    return RegistryArgs(
        prefix=cfg.prefix,
        applications=sorted(cfg.apps),
        customer_managed_key=cfg.registry.customer_managed_key,
        untagged_expiry_days=cfg.registry.untagged_image_expiry_days,
        replica_region=cfg.dr.region if replicate else None,
        replica_provider=dr if replicate else None,
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )
