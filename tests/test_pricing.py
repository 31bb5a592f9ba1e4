"""The price catalogue and the estimator shared by the budget rule and the plan."""

from __future__ import annotations

import re

import pytest

from policies.guardrails import Subject, load_pack_config
from policies.guardrails.config import config_path
from policies.guardrails.pricing import catalogue, estimate

REGIONS = {"eu-west-1", "eu-central-1", "us-east-1"}


def s(type_: str, name: str, region: str = "eu-west-1", **props: object) -> Subject:
    return Subject(
        type=type_,
        name=name,
        urn=f"urn:pulumi:x::groundwork::{type_}::{name}",
        props=props,
        region=region,
    )


def test_every_price_has_all_regions_a_source_and_a_date() -> None:
    cat = catalogue()
    for key, item in cat["items"].items():
        assert set(item["prices"]) == REGIONS, key
        assert item["source"].startswith("https://aws.amazon.com/"), key
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["asOf"]), key
        assert item["unit"] in ("hour", "month", "GB-month"), key
        assert all(p > 0 for p in item["prices"].values()), key
    assert 0 < cat["spotDiscount"] < 1 and cat["spotBasis"]


def test_catalogue_prices_every_size_in_the_shared_sizing() -> None:
    items = catalogue()["items"]
    sizes = [
        "ec2:t4g.nano",
        "ec2:t4g.large",
        "ec2:m7g.large",
        "ec2:m7g.xlarge",
        "auroraServerlessAcu",
        "elasticache:cache.t4g.micro",
        "elasticache:cache.t4g.medium",
    ]
    assert [k for k in sizes if k not in items] == []
    for env in ("dev", "prod"):  # every allowlisted size can be priced
        allow = load_pack_config(config_path(env))["cost-instance-class-allowlist"]
        for prefix, key in (
            ("rds", "dbInstanceClasses"),
            ("elasticache", "cacheNodeTypes"),
            ("ec2", "nodeInstanceTypes"),
        ):
            priced = [x for x in allow[key] if f"{prefix}:{x}" in items or x == "db.serverless"]
            assert priced == allow[key], (env, key)


def test_unit_prices_from_inputs() -> None:
    hours = catalogue()["hoursPerMonth"]
    est = estimate(
        [
            s("aws:ec2/natGateway:NatGateway", "nat"),
            s(
                "aws:ec2/vpcEndpoint:VpcEndpoint",
                "ecr",
                vpcEndpointType="Interface",
                subnetIds=["a", "b", "c"],
            ),
            s("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", vpcEndpointType="Gateway"),
            s("aws:wafv2/webAcl:WebAcl", "waf", "us-east-1", rules=[{}, {}, {}]),
            s(
                "aws:elasticache/replicationGroup:ReplicationGroup",
                "valkey",
                engine="valkey",
                nodeType="cache.r7g.large",
                numCacheClusters=3,
            ),
            s(
                "aws:eks/nodeGroup:NodeGroup",
                "spot",
                instanceTypes=["t3.large"],
                capacityType="SPOT",
                scalingConfig={"desiredSize": 2},
                diskSize=30,
            ),
        ]
    )
    monthly = {line.name: line.monthly for line in est.lines}
    assert monthly["nat"] == round(0.048 * hours, 2)
    assert monthly["ecr"] == round(0.011 * hours * 3, 2)
    assert monthly["s3"] == 0.0
    assert monthly["waf"] == 5.0 + 3 * 1.0
    assert monthly["valkey"] == round(3 * 0.244 * hours * 0.8, 2)
    assert monthly["spot"] == round(2 * (0.0912 * hours * 0.35 + 30 * 0.088), 2)


def test_unpriced_and_usage_resources_are_explicit_never_zero() -> None:
    est = estimate(
        [
            s("aws:opensearch/domain:Domain", "search"),
            s("aws:rds/clusterInstance:ClusterInstance", "db-1", instanceClass="db.x2g.16xlarge"),
            s("aws:cloudwatch/logGroup:LogGroup", "logs"),
            s("aws:ec2/vpc:Vpc", "vpc"),
        ]
    )
    status = {line.name: (line.status, line.monthly) for line in est.lines}
    assert status["search"] == ("unpriced", None)
    assert status["db-1"] == ("unpriced", None)
    assert status["logs"] == ("usage", None)
    assert "vpc" not in status  # free: not a line at all
    assert est.total == 0.0


def _hourly(key: str, region: str = "eu-west-1") -> float:
    cat = catalogue()
    return float(cat["items"][key]["prices"][region]) * cat["hoursPerMonth"]


def _monthly(key: str, region: str = "eu-west-1") -> float:
    return float(catalogue()["items"][key]["prices"][region])


def test_serverless_database_is_priced_at_its_minimum_capacity() -> None:
    cluster = s("aws:rds/cluster:Cluster", "db", clusterIdentifier="db",
                serverlessv2ScalingConfiguration={"minCapacity": 2, "maxCapacity": 16})  # fmt: skip
    writer = s("aws:rds/clusterInstance:ClusterInstance", "db-1", instanceClass="db.serverless",
               clusterIdentifier="db")  # fmt: skip
    paused = s("aws:rds/cluster:Cluster", "dev", clusterIdentifier="dev",
               serverlessv2ScalingConfiguration={"minCapacity": 0, "maxCapacity": 4})  # fmt: skip
    dev_writer = s("aws:rds/clusterInstance:ClusterInstance", "dev-1", instanceClass="db.serverless",
                   clusterIdentifier="dev")  # fmt: skip
    orphan = s("aws:rds/clusterInstance:ClusterInstance", "x-1", instanceClass="db.serverless",
               clusterIdentifier="elsewhere")  # fmt: skip
    lines = {
        line.name: line for line in estimate([cluster, writer, paused, dev_writer, orphan]).lines
    }
    assert lines["db-1"].monthly == round(2 * _hourly("auroraServerlessAcu"), 2)
    assert lines["dev-1"].monthly == 0.0  # pauses when idle: only storage is billed
    assert lines["x-1"].status == "unpriced"  # its capacity is not knowable: never zero


def test_what_kubernetes_objects_make_the_cloud_bill() -> None:
    public = {"service.beta.kubernetes.io/aws-load-balancer-type": "external",
              "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"}  # fmt: skip
    subnets = [s("aws:ec2/subnet:Subnet", f"pub-{z}", tags={"kubernetes.io/role/elb": "1"})
               for z in "abc"]  # fmt: skip
    objects = [
        s("kubernetes:core/v1:Service", "nlb", spec={"type": "LoadBalancer"},
          metadata={"annotations": public}),
        s("kubernetes:core/v1:Service", "internal", spec={"type": "ClusterIP"}),
        s("kubernetes:core/v1:PersistentVolumeClaim", "pvc",
          spec={"resources": {"requests": {"storage": "50Gi"}}}),
        s("kubernetes:apps/v1:StatefulSet", "sts", spec={"replicas": 3, "volumeClaimTemplates": [
            {"spec": {"resources": {"requests": {"storage": "10Gi"}}}}]}),
        s("kubernetes:helm.sh/v3:Release", "prom", chart="kube-prometheus-stack", values={
            "prometheus": {"prometheusSpec": {"replicas": 2, "storageSpec": {"volumeClaimTemplate": {
                "spec": {"resources": {"requests": {"storage": "100Gi"}}}}}}}}),
        s("kubernetes:helm.sh/v3:Release", "plain", chart="metrics-server", values={}),
    ]  # fmt: skip
    lines = {line.name: line for line in estimate([*subnets, *objects]).lines}
    assert lines["nlb"].monthly == round(_hourly("lb:nlb") + 3 * _hourly("publicIpv4"), 2)
    assert lines["pvc"].monthly == round(50 * _monthly("ebsGp3"), 2)
    assert lines["sts"].monthly == round(30 * _monthly("ebsGp3"), 2)
    assert lines["prom"].monthly == round(200 * _monthly("ebsGp3"), 2)
    assert {"internal", "plain"}.isdisjoint(lines)  # nothing billable: no line at all


def test_instances_behind_launch_templates_and_groups_are_priced() -> None:
    lt = s("aws:ec2/launchTemplate:LaunchTemplate", "lt", id="lt-1", instanceType="t4g.nano")
    nat = s("aws:ec2/instance:Instance", "nat", launchTemplate={"id": "lt-1"},
            rootBlockDevice={"volumeSize": 8})  # fmt: skip
    asg = s("aws:autoscaling/group:Group", "asg", launchTemplate={"id": "lt-1"}, desiredCapacity=2)
    lines = {line.name: line for line in estimate([lt, nat, asg]).lines}
    per_node = _hourly("ec2:t4g.nano")
    assert lines["nat"].monthly == round(per_node + 8 * _monthly("ebsGp3"), 2)
    assert lines["asg"].monthly == round(2 * (per_node + 20 * _monthly("ebsGp3")), 2)


def test_ec2_and_rds_instances_a_team_adds_are_priced_by_class_or_reported() -> None:
    vm = s("aws:ec2/instance:Instance", "vm", instanceType="m7i.large",
           rootBlockDevice={"volumeSize": 30, "volumeType": "gp3"},
           ebsBlockDevices=[{"volumeSize": 100, "volumeType": "gp3"}, {"volumeSize": 50}])  # fmt: skip
    db = s("aws:rds/instance:Instance", "db", instanceClass="db.m7g.large", allocatedStorage=100,
           storageType="gp3")  # fmt: skip
    odd = [
        s("aws:ec2/instance:Instance", "new-type", instanceType="m8g.large"),
        s("aws:ec2/instance:Instance", "io2-root", instanceType="m7i.large",
          rootBlockDevice={"volumeType": "io2", "volumeSize": 30}),
        s("aws:ec2/instance:Instance", "st1-extra", instanceType="m7i.large",
          ebsBlockDevices=[{"volumeSize": 500, "volumeType": "st1"}]),
        s("aws:rds/instance:Instance", "other-class", instanceClass="db.x2g.large"),
        s("aws:rds/instance:Instance", "io1-db", instanceClass="db.m7g.large", storageType="io1"),
    ]  # fmt: skip
    lines = {line.name: line for line in estimate([vm, db, *odd]).lines}
    # The inline EBS volumes count: 30 GB root + 150 GB more.
    assert lines["vm"].monthly == round(_hourly("ec2:m7i.large") + 180 * _monthly("ebsGp3"), 2)
    assert lines["db"].monthly == round(
        _hourly("rds:db.m7g.large") + 100 * _monthly("rdsGp3Storage"), 2
    )
    for line in odd:
        found = lines[line.name]
        assert found.status == "unpriced" and found.monthly is None, line.name
    assert "ec2:m8g.large" in lines["new-type"].detail
    assert "'io2'" in lines["io2-root"].detail and "'st1'" in lines["st1-extra"].detail
    assert "rds:db.x2g.large" in lines["other-class"].detail and "'io1'" in lines["io1-db"].detail


def test_commitments_discount_only_steady_instance_hours() -> None:
    cat = catalogue()
    on_demand = s("aws:eks/nodeGroup:NodeGroup", "od", instanceTypes=["m7g.large"],
                  scalingConfig={"desiredSize": 3}, diskSize=50)  # fmt: skip
    spot = s("aws:eks/nodeGroup:NodeGroup", "spot", instanceTypes=["t4g.large", "m7g.large"],
             capacityType="SPOT", scalingConfig={"desiredSize": 1})  # fmt: skip
    nat = s("aws:ec2/natGateway:NatGateway", "nat")
    lines = {line.name: line for line in estimate([on_demand, spot, nat]).lines}
    nodes = 3 * _hourly("ec2:m7g.large")
    discount = cat["commitments"]["ec2"]["discount"]
    assert lines["od"].committed == pytest.approx(lines["od"].monthly - nodes * discount, abs=0.01)  # type: ignore[operator]
    assert lines["spot"].committed == lines["spot"].monthly  # no Savings Plan on Spot
    assert lines["nat"].committed == lines["nat"].monthly
    for name, item in cat["commitments"].items():
        assert 0 < item["discount"] < 1 and item["kind"] and item["asOf"], name
        assert item["source"].startswith("https://aws.amazon.com/"), name


def test_the_budget_policy_reads_the_stacks_own_budget() -> None:
    from policies.guardrails.cost import stack_budget

    budget = s("aws:budgets/budget:Budget", "b", budgetType="COST", timeUnit="MONTHLY",
               limitUnit="USD", limitAmount="1050.00")  # fmt: skip
    assert stack_budget([budget], {"maxMonthlyCost": 9.0}) == (1050.0, "the stack's budget 'b'")
    other = s("aws:budgets/budget:Budget", "u", budgetType="USAGE", timeUnit="MONTHLY",
              limitUnit="GB", limitAmount="5")  # fmt: skip
    assert stack_budget([other], {"maxMonthlyCost": 9.0}) == (9.0, "maxMonthlyCost")
