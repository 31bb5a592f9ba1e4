"""`build(cfg)`: compose the platform for one stack. Pure wiring: components and providers only."""

from __future__ import annotations

from typing import Any

import pulumi

from components.network.aws_vpc import FlowLogArgs, Vpc, VpcArgs
from infra.config import StackConfig
from infra.providers import build_providers


def build(cfg: StackConfig) -> dict[str, Any]:
    """Create every resource of the stack; return the stack outputs to export."""
    providers = build_providers(cfg)
    in_primary = pulumi.ResourceOptions(provider=providers.primary)

    network = _network(cfg, in_primary)

    return {
        "environment": cfg.environment,
        "region": cfg.region,
        "vpcId": network.vpc_id,
        "vpcCidr": network.vpc_cidr,
        "zones": network.zones,
        "publicSubnetIds": network.public_subnet_ids,
        "privateSubnetIds": network.private_subnet_ids,
        "dataSubnetIds": network.data_subnet_ids,
    }


def _network(cfg: StackConfig, opts: pulumi.ResourceOptions) -> Vpc:
    net = cfg.network
    return Vpc(
        f"{cfg.name}-{cfg.environment}",
        VpcArgs(
            cidr=str(net.cidr),
            zones=cfg.zone_names,
            zone_slots=cfg.zone_slots,
            private_subnet_prefix=net.private_subnet_prefix,
            public_subnet_prefix=net.public_subnet_prefix,
            data_subnet_prefix=net.data_subnet_prefix,
            nat=net.nat,
            flow_logs=(
                FlowLogArgs(
                    retention_days=net.flow_logs.retention_days,
                    traffic_type=net.flow_logs.traffic_type,
                )
                if net.flow_logs.enabled
                else None
            ),
            s3_gateway_endpoint=net.s3_gateway_endpoint,
            interface_endpoints=net.interface_endpoints,
            cluster_names=[],
            tags=cfg.base_tags,
            protect_stateful=cfg.protect_stateful_resources,
        ),
        opts=opts,
    )
