"""`groundwork:alicloud/network:Vpc`: an Alibaba Cloud VPC laid out across zones.

Creates: the VPC; public, private and isolated data vSwitches per zone on the same deterministic
CIDR plan as AWS (`cidr_plan.py`); enhanced NAT gateways (one per zone with `per_az`) in the
public vSwitches, each with an EIP and an SNAT entry per private vSwitch it serves; a route table
per zone for the private tier (default route to its NAT) and one for the data tier (no route out);
flow logs into an encrypted SLS logstore. Alibaba Cloud has no default security group to strip
(one is only made for an ECS instance launched without one): the components that need a security
group create their own.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi_alicloud import ecs, log, vpc

from components._base import child_opts, log_class_tag, type_token
from components.network.alicloud_spec import VpcArgs, validate
from components.network.cidr_plan import SubnetPlan, plan_subnets


class Vpc(pulumi.ComponentResource):
    """A VPC with public, private and data vSwitches across zones."""

    vpc_id: pulumi.Output[str]
    vpc_cidr: str
    zones: list[str]
    switches: dict[str, dict[str, vpc.Switch]]
    """vSwitches by tier (`public`, `private`, `data`), then by zone."""
    nat_gateway_ids: dict[str, pulumi.Output[str]]
    """NAT gateways by the zone they sit in."""
    egress_ips: dict[str, pulumi.Output[str]]
    """Public egress IP of each NAT gateway, by zone (what third parties allowlist)."""
    flow_log_project: pulumi.Output[str] | None
    plan: SubnetPlan

    def __init__(
        self, name: str, args: VpcArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("network", "Vpc", cloud="alicloud"), name, None, opts)
        validate(name, args)
        self._name = name
        self._args = args
        self.plan = plan_subnets(
            args.cidr,
            args.zone_slots,
            {
                "private": args.private_subnet_prefix,
                "public": args.public_subnet_prefix,
                "data": args.data_subnet_prefix,
            },
            zones=args.zones,
        )
        self.vpc_cidr = self.plan.vpc_cidr
        self.zones = list(args.zones)
        self.vpc = vpc.Network(
            f"{name}-vpc",
            vpc_name=f"{name}-vpc",
            cidr_block=self.vpc_cidr,
            description=f"groundwork VPC of {name}",
            tags=dict(args.tags),
            opts=child_opts(self),
        )
        self.vpc_id = self.vpc.id
        self._switches()
        self._egress()
        self.flow_log_project = self._flow_logs() if args.flow_logs else None
        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "vpcCidr": self.vpc_cidr,
                "zones": self.zones,
                "publicSwitchIds": self.switch_ids("public"),
                "privateSwitchIds": self.switch_ids("private"),
                "dataSwitchIds": self.switch_ids("data"),
                "natGatewayIds": self.nat_gateway_ids,
                "egressIps": self.egress_ips,
            }
        )

    def switch_ids(self, tier: str) -> dict[str, pulumi.Output[str]]:
        """The vSwitch ids of a tier, by zone."""
        return {zone: s.id for zone, s in self.switches[tier].items()}

    def _switches(self) -> None:
        self.switches = {"public": {}, "private": {}, "data": {}}
        for spec in self.plan.subnets:
            sw_name = f"{self._name}-{spec.tier}-{spec.zone}"
            self.switches[spec.tier][spec.zone] = vpc.Switch(
                sw_name,
                vswitch_name=sw_name,
                vpc_id=self.vpc.id,
                cidr_block=spec.cidr,
                zone_id=spec.zone,
                description=f"{spec.tier} tier of {self._name} in {spec.zone}",
                tags={**self._args.tags, "tier": spec.tier},
                opts=child_opts(self),
            )

    def _egress(self) -> None:
        """Route tables of the private and data tiers, and the NAT gateways they use."""
        name, args = self._name, self._args
        nat_zones = {"none": [], "single": sorted(self.zones)[:1], "per_az": list(self.zones)}[
            args.nat
        ]
        self.nat_gateway_ids, self.egress_ips = {}, {}
        gateways = {zone: self._nat_gateway(zone) for zone in nat_zones}
        for zone in self.zones:
            table = self._route_table(f"{name}-private-{zone}", "private", [zone])
            served_by = zone if zone in gateways else (nat_zones[0] if nat_zones else None)
            if served_by is None:
                continue
            nat, ip = gateways[served_by]
            vpc.RouteEntry(
                f"{name}-private-{zone}-default",
                route_table_id=table.id,
                destination_cidrblock="0.0.0.0/0",
                nexthop_type="NatGateway",
                nexthop_id=nat.id,
                opts=child_opts(self),
            )
            vpc.SnatEntry(
                f"{name}-snat-{zone}",
                snat_table_id=nat.snat_table_ids,
                source_vswitch_id=self.switches["private"][zone].id,
                snat_ip=ip,
                snat_entry_name=f"{name}-private-{zone}",
                opts=child_opts(self),
            )
        # The data tier gets its own table with no route out: the system table of the VPC carries
        # the default route an enhanced NAT gateway adds there.
        self._route_table(f"{name}-data", "data", self.zones)

    def _route_table(self, rt_name: str, tier: str, zones: Sequence[str]) -> vpc.RouteTable:
        table = vpc.RouteTable(
            rt_name,
            vpc_id=self.vpc.id,
            route_table_name=rt_name,
            associate_type="VSwitch",
            description=f"{tier} tier of {self._name}",
            tags=dict(self._args.tags),
            opts=child_opts(self),
        )
        for zone in zones:
            vpc.RouteTableAttachment(
                f"{self._name}-{tier}-{zone}-rt",
                route_table_id=table.id,
                vswitch_id=self.switches[tier][zone].id,
                opts=child_opts(self),
            )
        return table

    def _nat_gateway(self, zone: str) -> tuple[vpc.NatGateway, pulumi.Output[str]]:
        name, args = f"{self._name}-nat-{zone}", self._args
        protect = args.protect_stateful
        nat = vpc.NatGateway(
            name,
            nat_gateway_name=name,
            vpc_id=self.vpc.id,
            vswitch_id=self.switches["public"][zone].id,
            nat_type="Enhanced",
            network_type="internet",
            payment_type="PayAsYouGo",
            internet_charge_type="PayByLcu",
            deletion_protection=protect,
            description=f"Egress of the private vSwitches of {self._name} ({zone})",
            tags=dict(args.tags),
            opts=child_opts(self),
        )
        eip = ecs.EipAddress(
            f"{name}-eip",
            address_name=f"{name}-eip",
            isp="BGP",
            payment_type="PayAsYouGo",
            internet_charge_type="PayByTraffic",
            bandwidth=str(args.eip_bandwidth_mbps),
            deletion_protection=protect,
            description=f"Egress IP of {name}",
            tags=dict(args.tags),
            opts=child_opts(self, protect=protect),
        )
        ecs.EipAssociation(
            f"{name}-eip",
            allocation_id=eip.id,
            instance_id=nat.id,
            instance_type="Nat",
            opts=child_opts(self),
        )
        self.nat_gateway_ids[zone] = nat.id
        self.egress_ips[zone] = eip.ip_address
        return nat, eip.ip_address

    def _flow_logs(self) -> pulumi.Output[str]:
        flow = self._args.flow_logs
        assert flow is not None
        name, protect = self._name, self._args.protect_stateful
        project = log.Project(
            f"{name}-flow-logs",
            project_name=f"{name}-flow-logs",
            description=f"VPC flow logs of {name}",
            tags={**self._args.tags, **log_class_tag("flow")},  # the logstore's retention class
            opts=child_opts(self, protect=protect),
        )
        store = log.Store(
            f"{name}-flow-logs",
            project_name=project.project_name,
            logstore_name="vpc-flow-logs",
            retention_period=flow.retention_days,
            shard_count=2,
            auto_split=True,
            max_split_shard_count=16,
            append_meta=True,
            # Encrypted at rest with the service key (AES-256).
            encrypt_conf=log.StoreEncryptConfArgs(enable=True, encrypt_type="default"),
            opts=child_opts(self, protect=protect),
        )
        vpc.FlowLog(
            f"{name}-flow-log",
            flow_log_name=f"{name}-flow-log",
            resource_type="VPC",
            resource_id=self.vpc.id,
            traffic_type=flow.traffic_type,
            project_name=project.project_name,
            log_store_name=store.logstore_name,
            aggregation_interval="1",
            status="Active",
            tags=dict(self._args.tags),
            opts=child_opts(self),
        )
        return project.project_name
