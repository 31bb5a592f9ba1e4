"""`groundwork:aws/network:Vpc`: an AWS VPC laid out across availability zones.

Creates: the VPC; public, private and isolated data subnets per zone on a deterministic CIDR plan
(`cidr_plan.py`); an internet gateway; NAT per the chosen strategy; route tables (one public,
one private per zone, one data table without internet routes); the default security group
stripped of every rule; flow logs to a KMS-encrypted log group; an S3 gateway endpoint and the
requested interface endpoints; DB and cache subnet groups over the data subnets.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
from pulumi_aws import cloudwatch, ec2, elasticache, iam, kms, rds, vpc

from components._base import child_opts, log_class_tag, merged_tags, type_token
from components.aws.identity import aws_context
from components.aws.policy_docs import (
    assume_role_policy,
    kms_key_policy,
    logs_service_statement,
    policy_document,
)
from components.monitoring.aws import emit_alarms
from components.network.aws_alarms import nat_alarms
from components.network.aws_nat_instance import nat_instance
from components.network.aws_spec import VpcArgs, validate
from components.network.cidr_plan import SubnetPlan, plan_subnets


class Vpc(pulumi.ComponentResource):
    """A VPC with public, private and data tiers across zones."""

    vpc_id: pulumi.Output[str]
    vpc_cidr: str
    zones: list[str]
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    data_subnet_ids: list[pulumi.Output[str]]
    private_route_table_ids: list[pulumi.Output[str]]
    db_subnet_group_name: pulumi.Output[str]
    cache_subnet_group_name: pulumi.Output[str]
    nat_gateway_ids: list[pulumi.Output[str]]
    flow_log_group_name: pulumi.Output[str] | None
    plan: SubnetPlan

    def __init__(
        self, name: str, args: VpcArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("network", "Vpc", cloud="aws"), name, None, opts)
        validate(args)
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

        self.vpc = ec2.Vpc(
            f"{name}-vpc",
            cidr_block=self.vpc_cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags=self._tags(f"{name}-vpc"),
            opts=child_opts(self),
        )
        self.vpc_id = self.vpc.id
        self._lock_default_security_group()
        self._subnets()
        self._routing()
        self.flow_log_group_name = self._flow_logs() if args.flow_logs else None
        self._endpoints()
        self._subnet_groups()

        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "vpcCidr": self.vpc_cidr,
                "zones": self.zones,
                "publicSubnetIds": self.public_subnet_ids,
                "privateSubnetIds": self.private_subnet_ids,
                "dataSubnetIds": self.data_subnet_ids,
                "dbSubnetGroupName": self.db_subnet_group_name,
                "cacheSubnetGroupName": self.cache_subnet_group_name,
                "natGatewayIds": self.nat_gateway_ids,
            }
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _tags(self, name: str, **extra: str) -> dict[str, str]:
        return merged_tags(self._args.tags, name, **extra)

    def _lock_default_security_group(self) -> None:
        # CIS AWS 5.4: the default SG must allow nothing; managing it with no rules strips them.
        ec2.DefaultSecurityGroup(
            f"{self._name}-default-sg",
            vpc_id=self.vpc.id,
            ingress=[],
            egress=[],
            tags=self._tags(f"{self._name}-default-sg-unused"),
            opts=child_opts(self),
        )

    def _subnets(self) -> None:
        shared = {f"kubernetes.io/cluster/{c}": "shared" for c in self._args.cluster_names}
        role_tags = {
            "public": {"kubernetes.io/role/elb": "1", **shared},
            "private": {"kubernetes.io/role/internal-elb": "1", **shared},
            "data": {},
        }
        self.subnets: dict[str, dict[str, ec2.Subnet]] = {"public": {}, "private": {}, "data": {}}
        for spec in self.plan.subnets:
            sub_name = f"{self._name}-{spec.tier}-{spec.zone}"
            self.subnets[spec.tier][spec.zone] = ec2.Subnet(
                sub_name,
                vpc_id=self.vpc.id,
                cidr_block=spec.cidr,
                availability_zone=spec.zone,
                map_public_ip_on_launch=False,  # nothing gets a public IP by accident
                tags=self._tags(sub_name, tier=spec.tier, **role_tags[spec.tier]),
                opts=child_opts(self),
            )
        self.public_subnet_ids = [s.id for s in self.subnets["public"].values()]
        self.private_subnet_ids = [s.id for s in self.subnets["private"].values()]
        self.data_subnet_ids = [s.id for s in self.subnets["data"].values()]

    def _routing(self) -> None:
        name, zones = self._name, self.zones
        igw = ec2.InternetGateway(
            f"{name}-igw", vpc_id=self.vpc.id, tags=self._tags(f"{name}-igw"), opts=child_opts(self)
        )
        public_rt = ec2.RouteTable(
            f"{name}-public-rt", vpc_id=self.vpc.id, tags=self._tags(f"{name}-public-rt"),
            opts=child_opts(self),
        )  # fmt: skip
        ec2.Route(
            f"{name}-public-default",
            route_table_id=public_rt.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=igw.id,
            opts=child_opts(self),
        )
        self._associate("public", public_rt)

        nat_by_zone = self._nat_gateways(igw)
        self.private_route_table_ids = []
        for zone in zones:
            rt = ec2.RouteTable(
                f"{name}-private-rt-{zone}",
                vpc_id=self.vpc.id,
                tags=self._tags(f"{name}-private-rt-{zone}"),
                opts=child_opts(self),
            )
            if zone in nat_by_zone:
                target = nat_by_zone[zone]
                ec2.Route(
                    f"{name}-private-default-{zone}",
                    route_table_id=rt.id,
                    destination_cidr_block="0.0.0.0/0",
                    **(
                        {"network_interface_id": target.primary_network_interface_id}
                        if isinstance(target, ec2.Instance)
                        else {"nat_gateway_id": target.id}
                    ),
                    opts=child_opts(self),
                )
            self._associate("private", rt, zone=zone)
            self.private_route_table_ids.append(rt.id)

        # Data subnets: local routes only (plus the S3 gateway endpoint), no way to the internet.
        self.data_route_table = ec2.RouteTable(
            f"{name}-data-rt", vpc_id=self.vpc.id, tags=self._tags(f"{name}-data-rt"),
            opts=child_opts(self),
        )  # fmt: skip
        self._associate("data", self.data_route_table)

    def _associate(self, tier: str, rt: ec2.RouteTable, zone: str | None = None) -> None:
        for subnet_zone, subnet in self.subnets[tier].items():
            if zone is None or zone == subnet_zone:
                ec2.RouteTableAssociation(
                    f"{self._name}-{tier}-rta-{subnet_zone}",
                    subnet_id=subnet.id,
                    route_table_id=rt.id,
                    opts=child_opts(self),
                )

    def _nat_gateways(
        self, igw: ec2.InternetGateway
    ) -> Mapping[str, ec2.NatGateway | ec2.Instance]:
        """NAT gateway (or instance) serving each zone's private route table, per the strategy."""
        strategy, name, zones = self._args.nat, self._name, self.zones
        after_igw: list[pulumi.Resource] = [igw]
        # A single NAT lives in the lowest-slot zone, not the first listed: reordering the zone
        # list must not move it (and change the egress IP partners allowlist).
        first = min(zones, key=lambda z: self._args.zone_slots[z])
        if strategy == "none":
            self.nat_gateway_ids = []
            return {}
        if strategy == "instance":
            self.nat_gateway_ids = []
            instance = nat_instance(
                self, f"{name}-nat", vpc_id=self.vpc.id, vpc_cidr=self.vpc_cidr,
                subnet_id=self.subnets["public"][first].id,
                instance_type=self._args.nat_instance_type, ctx=aws_context(self),
                tags=self._args.tags, depends_on=after_igw,
            )  # fmt: skip
            return dict.fromkeys(zones, instance)
        if strategy == "regional":
            # One regional NAT gateway spans every zone; AWS expands it and allocates its EIPs.
            nat = ec2.NatGateway(
                f"{name}-nat-regional",
                availability_mode="regional",
                connectivity_type="public",
                vpc_id=self.vpc.id,
                tags=self._tags(f"{name}-nat-regional"),
                opts=child_opts(self, depends_on=after_igw),
            )
            self.nat_gateway_ids = [nat.id]
            return dict.fromkeys(zones, nat)
        nat_zones = zones if strategy == "per_az" else [first]
        nats = {}
        for zone in nat_zones:
            eip = ec2.Eip(
                f"{name}-nat-eip-{zone}",
                domain="vpc",
                tags=self._tags(f"{name}-nat-eip-{zone}"),
                opts=child_opts(self, depends_on=after_igw),
            )
            nats[zone] = ec2.NatGateway(
                f"{name}-nat-{zone}",
                allocation_id=eip.allocation_id,
                subnet_id=self.subnets["public"][zone].id,
                tags=self._tags(f"{name}-nat-{zone}"),
                opts=child_opts(self, depends_on=after_igw),
            )
        self.alarms = emit_alarms(
            self, name, "network", nat_alarms({z: n.id for z, n in nats.items()}),
            self._args.alarms, self._args.tags,
        )  # fmt: skip
        self.nat_gateway_ids = [n.id for n in nats.values()]
        if strategy == "single":
            return dict.fromkeys(zones, nats[first])
        return nats

    def _flow_logs(self) -> pulumi.Output[str]:
        flow = self._args.flow_logs
        assert flow is not None
        name, protect = self._name, self._args.protect_stateful
        ctx = aws_context(self)
        key = kms.Key(
            f"{name}-flow-logs-key",
            description=f"Encrypts VPC flow logs of {name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=kms_key_policy(ctx, [logs_service_statement()]),
            tags=self._tags(f"{name}-flow-logs-key"),
            opts=child_opts(self, protect=protect),
        )
        group = cloudwatch.LogGroup(
            f"{name}-flow-logs",
            retention_in_days=flow.retention_days,
            kms_key_id=key.arn,
            deletion_protection_enabled=protect,
            tags=self._tags(f"{name}-flow-logs", **log_class_tag("flow")),
            opts=child_opts(self, protect=protect),
        )
        # Only flow logs of this account may assume the role (confused-deputy protection).
        trust = pulumi.Output.all(ctx.account_id, ctx.partition, ctx.region).apply(
            lambda a: assume_role_policy(
                "vpc-flow-logs.amazonaws.com",
                {
                    "StringEquals": {"aws:SourceAccount": a[0]},
                    "ArnLike": {"aws:SourceArn": f"arn:{a[1]}:ec2:{a[2]}:{a[0]}:vpc-flow-log/*"},
                },
            )
        )
        role = iam.Role(
            f"{name}-flow-logs-role",
            assume_role_policy=trust,
            tags=self._tags(f"{name}-flow-logs-role"),
            opts=child_opts(self),
        )
        write = iam.RolePolicy(
            f"{name}-flow-logs-write",
            role=role.id,
            policy=group.arn.apply(
                lambda arn: policy_document(
                    [
                        {
                            "Effect": "Allow",
                            "Action": [
                                "logs:CreateLogStream",
                                "logs:PutLogEvents",
                                "logs:DescribeLogStreams",
                            ],
                            "Resource": [arn, f"{arn}:*"],
                        }
                    ]
                )
            ),
            opts=child_opts(self),
        )
        ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=self.vpc.id,
            traffic_type=flow.traffic_type,
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=self._tags(f"{name}-flow-log"),
            opts=child_opts(self, depends_on=[write]),  # delivery needs the permission first
        )
        return group.name

    def _endpoints(self) -> None:
        name, args = self._name, self._args
        region = aws_context(self).region
        if args.s3_gateway_endpoint:
            ec2.VpcEndpoint(
                f"{name}-s3-endpoint",
                vpc_id=self.vpc.id,
                service_name=pulumi.Output.format("com.amazonaws.{0}.s3", region),
                vpc_endpoint_type="Gateway",
                route_table_ids=[*self.private_route_table_ids, self.data_route_table.id],
                tags=self._tags(f"{name}-s3-endpoint"),
                opts=child_opts(self),
            )
        if not args.interface_endpoints:
            return
        sg = ec2.SecurityGroup(
            f"{name}-endpoints-sg",
            vpc_id=self.vpc.id,
            description="HTTPS from inside the VPC to interface endpoints",
            tags=self._tags(f"{name}-endpoints-sg"),
            opts=child_opts(self),
        )
        vpc.SecurityGroupIngressRule(
            f"{name}-endpoints-https",
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=self.vpc_cidr,
            description="HTTPS from the VPC",
            tags=self._tags(f"{name}-endpoints-https"),
            opts=child_opts(self),
        )
        for service in args.interface_endpoints:
            slug = service.replace(".", "-")
            ec2.VpcEndpoint(
                f"{name}-{slug}-endpoint",
                vpc_id=self.vpc.id,
                service_name=pulumi.Output.format("com.amazonaws.{0}.{1}", region, service),
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=self.private_subnet_ids,
                security_group_ids=[sg.id],
                tags=self._tags(f"{name}-{slug}-endpoint"),
                opts=child_opts(self),
            )

    def _subnet_groups(self) -> None:
        name = self._name
        db = rds.SubnetGroup(
            f"{name}-db-subnets",
            subnet_ids=self.data_subnet_ids,
            description=f"Isolated data subnets of {name}",
            tags=self._tags(f"{name}-db-subnets"),
            opts=child_opts(self),
        )
        cache = elasticache.SubnetGroup(
            f"{name}-cache-subnets",
            subnet_ids=self.data_subnet_ids,
            description=f"Isolated data subnets of {name}",
            tags=self._tags(f"{name}-cache-subnets"),
            opts=child_opts(self),
        )
        self.db_subnet_group_name = db.name
        self.cache_subnet_group_name = cache.name
