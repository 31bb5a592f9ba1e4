"""Network layer: the VPC of the primary region."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pulumi

from components.monitoring.aws_spec import AlarmWiring
from components.network.aws import Vpc
from infra.config import AwsStackConfig
from infra.layers.network_args import vpc_args
from infra.providers import Providers


@dataclass(frozen=True)
class NetworkHandles:
    vpc: Vpc
    """The VPC: subnets by tier and zone, the subnet plan, DB/cache subnet groups, NAT."""

    @property
    def exports(self) -> dict[str, Any]:
        vpc = self.vpc
        return {
            "vpcId": vpc.vpc_id,
            "vpcCidr": vpc.vpc_cidr,
            "zones": vpc.zones,
            "publicSubnetIds": vpc.public_subnet_ids,
            "privateSubnetIds": vpc.private_subnet_ids,
            "dataSubnetIds": vpc.data_subnet_ids,
        }


def layer(
    cfg: AwsStackConfig,
    providers: Providers,
    alarms: AlarmWiring | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> NetworkHandles:
    return NetworkHandles(vpc=_vpc(cfg, providers.in_primary(opts), alarms))


def _vpc(cfg: AwsStackConfig, opts: pulumi.ResourceOptions, alarms: AlarmWiring | None) -> Vpc:
    args = replace(vpc_args(cfg), alarms=alarms)
    return Vpc(f"{cfg.name}-{cfg.environment}", args, opts=opts)
