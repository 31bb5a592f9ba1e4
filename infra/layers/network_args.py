"""What the network layer asks of its components, built from config; imported by the
preflight without the SDKs."""

from __future__ import annotations

from components.network.aws_spec import FlowLogArgs, VpcArgs
from infra.config import AwsStackConfig
from infra.sections.network import AwsNetwork


def cluster_name(cfg: AwsStackConfig) -> str:
    """Known before the cluster exists, so the VPC can tag its subnets with it."""
    return cfg.prefix


def vpc_args(cfg: AwsStackConfig) -> VpcArgs:
    return vpc_args_of(
        cfg, cfg.region, cfg.network,
        cluster_names=[cluster_name(cfg)] if cfg.cluster.enabled else [], tags=cfg.base_tags,
    )  # fmt: skip


def vpc_args_of(
    cfg: AwsStackConfig,
    region: str,
    net: AwsNetwork,
    *,
    cluster_names: list[str],
    tags: dict[str, str],
) -> VpcArgs:
    """The VPC of `net` in `region` (the primary's, or the DR region's), one subnet planner."""
    return VpcArgs(
        cidr=str(net.cidr),
        zones=cfg.zone_names_of(region, net),
        zone_slots=cfg.zone_slots_of(region, net),
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
        cluster_names=cluster_names,
        tags=tags,
        protect_stateful=cfg.protect_stateful_resources,
    )
