"""Network layer (Alibaba Cloud): the VPC and its vSwitches in the primary region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.network.alicloud import Vpc
from components.network.alicloud_spec import FlowLogArgs, VpcArgs
from infra.config import AlicloudStackConfig
from infra.providers import Providers
from infra.sections.network import AlicloudNetwork


@dataclass(frozen=True)
class NetworkHandles:
    vpc: Vpc
    """The VPC: vSwitches by tier and zone (`vpc.switches`), the subnet plan, NAT, egress IPs."""

    @property
    def exports(self) -> dict[str, Any]:
        vpc = self.vpc
        return {
            "vpcId": vpc.vpc_id,
            "vpcCidr": vpc.vpc_cidr,
            "zones": vpc.zones,
            "publicSwitchIds": vpc.switch_ids("public"),
            "privateSwitchIds": vpc.switch_ids("private"),
            "dataSwitchIds": vpc.switch_ids("data"),
            "egressIps": vpc.egress_ips,
        }


def layer(
    cfg: AlicloudStackConfig, providers: Providers, opts: pulumi.ResourceOptions | None = None
) -> NetworkHandles:
    return NetworkHandles(vpc=Vpc(cfg.prefix, vpc_args(cfg), opts=providers.in_primary(opts)))


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
