"""Network layer (Alibaba Cloud): the VPC and its vSwitches in the primary region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.network.alicloud import Vpc
from infra.config import AlicloudStackConfig
from infra.layers.alicloud.network_args import vpc_args
from infra.providers import Providers


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
