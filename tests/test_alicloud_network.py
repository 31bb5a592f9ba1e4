"""The Alibaba Cloud VPC component under mocks: vSwitches on the shared CIDR plan, enhanced NAT
per zone with EIPs and SNAT entries, an isolated data tier, encrypted flow logs."""

from __future__ import annotations

from typing import Any

import pytest

from components.network.alicloud import Vpc
from components.network.alicloud_spec import FlowLogArgs, VpcArgs
from components.network.cidr_plan import plan_subnets
from planner.recorder import RecordingMonitor
from tests.conftest import of_type, one, run_mocked

ZONES = ["cn-shanghai-e", "cn-shanghai-f", "cn-shanghai-g"]
SLOTS = {"cn-shanghai-e": 4, "cn-shanghai-f": 5, "cn-shanghai-g": 0}
TAGS = {"environment": "test", "owner": "o"}


def build_vpc(**overrides: Any) -> RecordingMonitor:
    import pulumi
    import pulumi_alicloud as alicloud

    fields: dict[str, Any] = {"cidr": "10.40.0.0/16", "zones": ZONES, "zone_slots": SLOTS,
                              "tags": TAGS}  # fmt: skip
    args = VpcArgs(**{**fields, **overrides})

    def program() -> None:
        provider = alicloud.Provider("alicloud-test", region="cn-shanghai")
        Vpc("net", args, pulumi.ResourceOptions(provider=provider))

    return run_mocked(program)


@pytest.fixture(scope="module")
def default_vpc() -> RecordingMonitor:
    return build_vpc()


def test_one_switch_per_tier_and_zone_on_the_shared_plan(default_vpc: RecordingMonitor) -> None:
    plan = plan_subnets("10.40.0.0/16", SLOTS, {"private": 20, "public": 24, "data": 24})
    switches = {(s.inputs["zoneId"], s.inputs["cidrBlock"]) for s in
                of_type(default_vpc, "alicloud:vpc/switch:Switch")}  # fmt: skip
    assert switches == {(s.zone, s.cidr) for s in plan.subnets}


def test_per_az_nat_gives_each_zone_its_own_gateway_eip_and_snat(
    default_vpc: RecordingMonitor,
) -> None:
    nats = of_type(default_vpc, "alicloud:vpc/natGateway:NatGateway")
    assert sorted(n.name for n in nats) == [f"net-nat-{z}" for z in sorted(ZONES)]
    assert {n.inputs["natType"] for n in nats} == {"Enhanced"}
    assert len(of_type(default_vpc, "alicloud:ecs/eipAddress:EipAddress")) == 3
    public = {s.id: s.inputs["zoneId"] for s in of_type(default_vpc, "alicloud:vpc/switch:Switch")
              if s.inputs["tags"]["tier"] == "public"}  # fmt: skip
    assert {public[n.inputs["vswitchId"]] for n in nats} == set(ZONES)
    # Each private vSwitch is translated by the gateway of its own zone.
    snat_table = {n.outputs["snatTableIds"]: n.name.removeprefix("net-nat-") for n in nats}
    private = {s.id: s.inputs["zoneId"] for s in of_type(default_vpc, "alicloud:vpc/switch:Switch")
               if s.inputs["tags"]["tier"] == "private"}  # fmt: skip
    for entry in of_type(default_vpc, "alicloud:vpc/snatEntry:SnatEntry"):
        assert snat_table[entry.inputs["snatTableId"]] == private[entry.inputs["sourceVswitchId"]]


@pytest.mark.parametrize(("nat", "gateways"), [("single", 1), ("none", 0)])
def test_nat_strategy(nat: str, gateways: int) -> None:
    vpc = build_vpc(nat=nat)
    assert len(of_type(vpc, "alicloud:vpc/natGateway:NatGateway")) == gateways
    assert len(of_type(vpc, "alicloud:ecs/eipAddress:EipAddress")) == gateways
    assert len(of_type(vpc, "alicloud:vpc/snatEntry:SnatEntry")) == (3 if gateways else 0)


def test_data_switches_have_a_table_without_any_route_out(default_vpc: RecordingMonitor) -> None:
    table = one(default_vpc, "alicloud:vpc/routeTable:RouteTable", "net-data")
    routes = [r for r in of_type(default_vpc, "alicloud:vpc/routeEntry:RouteEntry")
              if r.inputs["routeTableId"] == table.id]  # fmt: skip
    assert routes == []
    attached = [a for a in of_type(default_vpc,
                "alicloud:vpc/routeTableAttachment:RouteTableAttachment")
                if a.inputs["routeTableId"] == table.id]  # fmt: skip
    assert len(attached) == 3
    # ...and no SNAT entry translates a data vSwitch.
    data = {s.id for s in of_type(default_vpc, "alicloud:vpc/switch:Switch")
            if s.inputs["tags"]["tier"] == "data"}  # fmt: skip
    snat = of_type(default_vpc, "alicloud:vpc/snatEntry:SnatEntry")
    assert not {e.inputs["sourceVswitchId"] for e in snat} & data


def test_flow_logs_go_to_an_encrypted_logstore_with_retention() -> None:
    vpc = build_vpc(flow_logs=FlowLogArgs(retention_days=90, traffic_type="Drop"))
    store = one(vpc, "alicloud:log/store:Store")
    assert store.inputs["retentionPeriod"] == 90
    assert store.inputs["encryptConf"]["enable"] is True
    flow = one(vpc, "alicloud:vpc/flowLog:FlowLog")
    assert flow.inputs["resourceType"] == "VPC" and flow.inputs["trafficType"] == "Drop"
    assert flow.inputs["logStoreName"] == "vpc-flow-logs"
    assert of_type(build_vpc(flow_logs=None), "alicloud:vpc/flowLog:FlowLog") == []


def test_egress_ips_and_flow_logs_are_protected_when_asked() -> None:
    protected = {r.type for r in build_vpc(protect_stateful=True).recorded if r.protect}
    assert protected == {"alicloud:ecs/eipAddress:EipAddress", "alicloud:log/project:Project",
                         "alicloud:log/store:Store"}  # fmt: skip
    assert not any(r.protect for r in build_vpc(protect_stateful=False).recorded)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nat": "regional"}, "nat"),
        ({"zone_slots": {"cn-shanghai-e": 0}}, "zone_slots"),
        ({"eip_bandwidth_mbps": 0}, "eip_bandwidth_mbps"),
        ({"flow_logs": FlowLogArgs(retention_days=4000)}, "flow_logs.retention_days"),
    ],
)
def test_invalid_args_fail_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build_vpc(**overrides)
