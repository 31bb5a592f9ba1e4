"""Network layer: the VPC of the primary region."""

from __future__ import annotations

import pulumi

from components.network.aws import FlowLogArgs, Vpc, VpcArgs
from infra.config import AwsStackConfig
from infra.layers.kubernetes import cluster_name


def network(cfg: AwsStackConfig, opts: pulumi.ResourceOptions) -> Vpc:
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
            nat_instance_type=net.nat_instance_type,
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
            cluster_names=[cluster_name(cfg)] if cfg.cluster.enabled else [],
            tags=cfg.base_tags,
            protect_stateful=cfg.protect_stateful_resources,
        ),
        opts=opts,
    )
