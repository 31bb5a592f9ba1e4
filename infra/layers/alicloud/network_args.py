"""What the network layer (Alibaba Cloud) asks of its components, built from config;
imported by the preflight without the SDKs."""

from __future__ import annotations

from components.network.alicloud_spec import FlowLogArgs, VpcArgs
from infra.config import AlicloudStackConfig
from infra.sections.network import AlicloudNetwork


def vpc_args(cfg: AlicloudStackConfig) -> VpcArgs:
    return vpc_args_of(cfg, cfg.region, cfg.network, cfg.base_tags)


def vpc_args_of(
    cfg: AlicloudStackConfig, region: str, net: AlicloudNetwork, tags: dict[str, str]
) -> VpcArgs:
    """A VPC of the stack in `region` (the primary's, or the DR region's with `dr.network`)."""
    return VpcArgs(
        cidr=str(net.cidr),
        zones=cfg.zone_names_of(region, net),
        zone_slots=cfg.zone_slots_of(region, net),
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
        tags=tags,
        protect_stateful=cfg.protect_stateful_resources,
    )
