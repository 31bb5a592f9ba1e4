"""The AWS VPC component under mocks: subnet plan, NAT per strategy, flow logs, tags, names."""

from __future__ import annotations

from typing import Any

import pytest

from components.network.aws import Vpc
from components.network.aws_spec import FlowLogArgs, VpcArgs
from planner.recorder import RecordingMonitor
from tests.conftest import of_type, one, run_mocked

ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
SLOTS = {z: i for i, z in enumerate(ZONES)}
TAGS = {
    "environment": "test",
    "owner": "o",
    "cost-center": "c",
    "service": "s",
    "managed-by": "pulumi",
}


def build_vpc(**overrides: Any) -> RecordingMonitor:
    import pulumi_aws as aws

    fields: dict[str, Any] = {
        "cidr": "10.0.0.0/16",
        "zones": ZONES,
        "zone_slots": SLOTS,
        "tags": TAGS,
    }
    args = VpcArgs(**{**fields, **overrides})

    def program() -> None:
        provider = aws.Provider("aws-test", region="eu-west-1")
        import pulumi

        Vpc("net", args, pulumi.ResourceOptions(provider=provider))

    return run_mocked(program)


@pytest.fixture(scope="module")
def default_vpc() -> RecordingMonitor:
    return build_vpc()


def test_one_subnet_per_tier_and_zone_on_the_plan(default_vpc: RecordingMonitor) -> None:
    subnets = {r.name: r.inputs for r in of_type(default_vpc, "aws:ec2/subnet:Subnet")}
    assert len(subnets) == 9
    assert subnets["net-private-eu-west-1a"]["cidrBlock"] == "10.0.0.0/20"
    assert subnets["net-public-eu-west-1b"]["cidrBlock"] == "10.0.97.0/24"
    assert subnets["net-data-eu-west-1c"]["cidrBlock"] == "10.0.104.0/24"
    assert {s["availabilityZone"] for s in subnets.values()} == set(ZONES)
    assert not any(s["mapPublicIpOnLaunch"] for s in subnets.values())


def test_subnets_carry_load_balancer_discovery_tags(default_vpc: RecordingMonitor) -> None:
    public = one(default_vpc, "aws:ec2/subnet:Subnet", "net-public-eu-west-1a").inputs["tags"]
    private = one(default_vpc, "aws:ec2/subnet:Subnet", "net-private-eu-west-1a").inputs["tags"]
    data = one(default_vpc, "aws:ec2/subnet:Subnet", "net-data-eu-west-1a").inputs["tags"]
    assert public["kubernetes.io/role/elb"] == "1"
    assert private["kubernetes.io/role/internal-elb"] == "1"
    assert not any(k.startswith("kubernetes.io") for k in data)


def test_cluster_names_tag_shared_subnets() -> None:
    monitor = build_vpc(cluster_names=["main"])
    tags = one(monitor, "aws:ec2/subnet:Subnet", "net-private-eu-west-1b").inputs["tags"]
    assert tags["kubernetes.io/cluster/main"] == "shared"


@pytest.mark.parametrize(
    ("strategy", "nats", "eips"),
    [("per_az", 3, 3), ("single", 1, 1), ("regional", 1, 0), ("none", 0, 0)],
)
def test_nat_strategy(strategy: str, nats: int, eips: int) -> None:
    monitor = build_vpc(nat=strategy)
    assert len(of_type(monitor, "aws:ec2/natGateway:NatGateway")) == nats
    assert len(of_type(monitor, "aws:ec2/eip:Eip")) == eips
    default_routes = [
        r for r in of_type(monitor, "aws:ec2/route:Route") if "natGatewayId" in r.inputs
    ]
    assert len(default_routes) == (0 if strategy == "none" else 3)  # every zone's private table


def test_per_az_nat_routes_each_zone_to_its_own_gateway(default_vpc: RecordingMonitor) -> None:
    nat_ids = {
        r.name.removeprefix("net-nat-"): r.id
        for r in of_type(default_vpc, "aws:ec2/natGateway:NatGateway")
    }
    routes = {r.name.removeprefix("net-private-default-"): r.inputs["natGatewayId"]
              for r in of_type(default_vpc, "aws:ec2/route:Route") if "natGatewayId" in r.inputs}  # fmt: skip
    assert routes == nat_ids


def test_single_nat_stays_put_when_zones_are_reordered() -> None:
    def nat_urns(zones: list[str]) -> set[str]:
        monitor = build_vpc(nat="single", zones=zones)
        return {
            r.urn
            for r in monitor.recorded
            if r.type in {"aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip"}
        }

    assert nat_urns(ZONES) == nat_urns(list(reversed(ZONES)))
    assert any(u.endswith("net-nat-eu-west-1a") for u in nat_urns(list(reversed(ZONES))))


def test_reordering_zones_keeps_every_urn_and_cidr() -> None:
    def layout(zones: list[str]) -> dict[str, object]:
        monitor = build_vpc(zones=zones)
        return {r.urn: r.inputs.get("cidrBlock") for r in monitor.recorded}

    assert layout(ZONES) == layout([ZONES[2], ZONES[0], ZONES[1]])


def test_regional_nat_is_regional() -> None:
    nat = one(build_vpc(nat="regional"), "aws:ec2/natGateway:NatGateway")
    assert nat.inputs["availabilityMode"] == "regional"
    assert "subnetId" not in nat.inputs


def test_data_subnets_have_no_internet_route(default_vpc: RecordingMonitor) -> None:
    data_rt = one(default_vpc, "aws:ec2/routeTable:RouteTable", "net-data-rt")
    routes_on_data = [
        r
        for r in of_type(default_vpc, "aws:ec2/route:Route")
        if r.inputs["routeTableId"] == data_rt.id
    ]
    assert routes_on_data == []


def test_flow_logs_to_encrypted_group_with_retention(default_vpc: RecordingMonitor) -> None:
    flow = one(default_vpc, "aws:ec2/flowLog:FlowLog")
    group = one(default_vpc, "aws:cloudwatch/logGroup:LogGroup")
    key = one(default_vpc, "aws:kms/key:Key")
    assert flow.inputs["trafficType"] == "ALL"
    assert flow.inputs["logDestination"] == group.outputs["arn"]
    assert group.inputs["retentionInDays"] == 365
    assert group.inputs["kmsKeyId"] == key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True
    assert "logs.eu-west-1.amazonaws.com" in key.inputs["policy"]


def test_flow_logs_can_be_disabled() -> None:
    monitor = build_vpc(flow_logs=None)
    assert of_type(monitor, "aws:ec2/flowLog:FlowLog") == []


def test_flow_log_settings_flow_through() -> None:
    monitor = build_vpc(flow_logs=FlowLogArgs(retention_days=14, traffic_type="REJECT"))
    assert one(monitor, "aws:ec2/flowLog:FlowLog").inputs["trafficType"] == "REJECT"
    assert one(monitor, "aws:cloudwatch/logGroup:LogGroup").inputs["retentionInDays"] == 14


def test_default_security_group_allows_nothing(default_vpc: RecordingMonitor) -> None:
    sg = one(default_vpc, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    # Managed with explicitly empty rule lists: that is what strips AWS's default rules.
    assert sg.inputs["ingress"] == []
    assert sg.inputs["egress"] == []


def test_endpoints() -> None:
    monitor = build_vpc(interface_endpoints=["ecr.api", "sts"])
    endpoints = {
        r.inputs["serviceName"]: r.inputs
        for r in of_type(monitor, "aws:ec2/vpcEndpoint:VpcEndpoint")
    }
    assert endpoints["com.amazonaws.eu-west-1.s3"]["vpcEndpointType"] == "Gateway"
    assert len(endpoints["com.amazonaws.eu-west-1.s3"]["routeTableIds"]) == 4  # 3 private + data
    assert endpoints["com.amazonaws.eu-west-1.sts"]["privateDnsEnabled"] is True
    rule = one(monitor, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert (rule.inputs["cidrIpv4"], rule.inputs["fromPort"], rule.inputs["toPort"]) == (
        "10.0.0.0/16",
        443,
        443,
    )


def test_subnet_groups_use_the_data_subnets(default_vpc: RecordingMonitor) -> None:
    data_ids = {r.id for r in of_type(default_vpc, "aws:ec2/subnet:Subnet") if "-data-" in r.name}
    assert set(one(default_vpc, "aws:rds/subnetGroup:SubnetGroup").inputs["subnetIds"]) == data_ids
    assert (
        set(one(default_vpc, "aws:elasticache/subnetGroup:SubnetGroup").inputs["subnetIds"])
        == data_ids
    )


def test_every_taggable_child_carries_the_tags(default_vpc: RecordingMonitor) -> None:
    untagged = [
        r.name for r in default_vpc.recorded
        if r.custom and "tags" not in r.inputs and r.type not in UNTAGGABLE and not r.type.startswith("pulumi:")
    ]  # fmt: skip
    assert untagged == []
    for r in default_vpc.recorded:
        if "tags" in r.inputs:
            assert TAGS.items() <= r.inputs["tags"].items(), r.name


UNTAGGABLE = {
    "aws:ec2/route:Route",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:iam/rolePolicy:RolePolicy",
}


def test_children_are_parented_and_named_from_the_component(default_vpc: RecordingMonitor) -> None:
    component = one(default_vpc, "groundwork:aws/network:Vpc")
    for r in default_vpc.recorded:
        if r.custom and not r.type.startswith("pulumi:providers:"):
            assert r.parent == component.urn, r.name
            assert r.name.startswith("net-"), r.name
            assert r.provider is not None and r.provider.endswith("::aws-test"), r.name


def test_protection_the_caller_sets_on_the_component_reaches_every_child() -> None:
    import pulumi
    import pulumi_aws as aws

    def program() -> None:
        provider = aws.Provider("aws-test", region="eu-west-1")
        args = VpcArgs(
            cidr="10.0.0.0/16", zones=ZONES, zone_slots=SLOTS, tags=TAGS, protect_stateful=False
        )
        Vpc("net", args, pulumi.ResourceOptions(provider=provider, protect=True))

    monitor = run_mocked(program)
    children = [
        r for r in monitor.recorded if r.custom and not r.type.startswith("pulumi:providers:")
    ]
    assert children
    assert [r.name for r in children if not r.protect] == []


def test_log_group_deletion_protection_follows_args() -> None:
    on = one(build_vpc(protect_stateful=True), "aws:cloudwatch/logGroup:LogGroup")
    off = one(build_vpc(protect_stateful=False), "aws:cloudwatch/logGroup:LogGroup")
    assert on.inputs["deletionProtectionEnabled"] is True
    assert off.inputs["deletionProtectionEnabled"] is False


def test_flow_log_role_trusts_only_this_accounts_flow_logs(default_vpc: RecordingMonitor) -> None:
    import json

    trust = json.loads(one(default_vpc, "aws:iam/role:Role").inputs["assumeRolePolicy"])
    condition = trust["Statement"][0]["Condition"]
    assert condition["StringEquals"]["aws:SourceAccount"] == "123456789012"
    assert condition["ArnLike"]["aws:SourceArn"].startswith(
        "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/"
    )


def test_protection_follows_args() -> None:
    protected = {r.type for r in build_vpc(protect_stateful=True).recorded if r.protect}
    assert protected == {"aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"}
    assert not any(r.protect for r in build_vpc(protect_stateful=False).recorded)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"zones": []}, "zones"),
        ({"zones": ["eu-west-1a", "eu-west-1a"]}, "zones"),
        ({"zone_slots": {"eu-west-1a": 0}}, "zone_slots"),
        ({"nat": "double"}, "nat"),
    ],
)
def test_invalid_args_fail_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build_vpc(**overrides)


# -- NAT instance (the dev-sized egress) -------------------------------------------------------


@pytest.fixture(scope="module")
def nat_instance_vpc() -> RecordingMonitor:
    return build_vpc(nat="instance")


def test_nat_instance_replaces_every_nat_gateway(nat_instance_vpc: RecordingMonitor) -> None:
    assert of_type(nat_instance_vpc, "aws:ec2/natGateway:NatGateway") == []
    instance = one(nat_instance_vpc, "aws:ec2/instance:Instance")
    # In the lowest-slot zone's public subnet, with a stable Elastic IP.
    public_a = one(nat_instance_vpc, "aws:ec2/subnet:Subnet", "net-public-eu-west-1a")
    assert instance.inputs["subnetId"] == public_a.outputs["id"]
    eip = one(nat_instance_vpc, "aws:ec2/eip:Eip")
    assert eip.inputs["instance"] == instance.outputs["id"]
    # Every private route table sends internet traffic to the instance's ENI.
    routes = [r for r in of_type(nat_instance_vpc, "aws:ec2/route:Route")
              if r.name.startswith("net-private-default-")]  # fmt: skip
    assert len(routes) == 3
    eni = instance.outputs["primaryNetworkInterfaceId"]
    assert {r.inputs.get("networkInterfaceId") for r in routes} == {eni}
    assert all("natGatewayId" not in r.inputs for r in routes)


def test_nat_instance_is_hardened_and_recovers_itself(nat_instance_vpc: RecordingMonitor) -> None:
    instance = one(nat_instance_vpc, "aws:ec2/instance:Instance").inputs
    assert instance["sourceDestCheck"] is False  # it forwards other hosts' packets
    assert instance["metadataOptions"]["httpTokens"] == "required"
    assert instance["rootBlockDevice"]["encrypted"] is True
    assert instance["maintenanceOptions"]["autoRecovery"] == "default"
    assert "keyName" not in instance  # no SSH key: Session Manager only
    template = one(nat_instance_vpc, "aws:ec2/launchTemplate:LaunchTemplate").inputs
    assert template["imageId"].startswith("resolve:ssm:/aws/service/ami-amazon-linux-latest/")
    assert template["imageId"].endswith("-arm64") and template["instanceType"] == "t4g.nano"
    sg = one(nat_instance_vpc, "aws:ec2/securityGroup:SecurityGroup", "net-nat-sg").inputs
    assert [rule["cidrBlocks"] for rule in sg["ingress"]] == [["10.0.0.0/16"]]  # the VPC only
    alarms = {a.inputs["metricName"]: a.inputs["alarmActions"][0]
              for a in of_type(nat_instance_vpc, "aws:cloudwatch/metricAlarm:MetricAlarm")}  # fmt: skip
    assert alarms["StatusCheckFailed_System"].endswith(":ec2:recover")
    assert alarms["StatusCheckFailed_Instance"].endswith(":ec2:reboot")


def test_nat_instance_must_be_graviton() -> None:
    with pytest.raises(ValueError, match=r"nat_instance_type: 't3\.nano' is not a Graviton"):
        build_vpc(nat="instance", nat_instance_type="t3.nano")
