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
        "ec2:t3.large",
        "ec2:t3a.large",
        "ec2:m7i.large",
        "ec2:m6i.large",
        "rds:db.t4g.medium",
        "rds:db.r7g.large",
        "elasticache:cache.t4g.small",
        "elasticache:cache.r7g.large",
    ]
    assert [k for k in sizes if k not in items] == []
    for env in ("dev", "prod"):  # every allowlisted size can be priced
        allow = load_pack_config(config_path(env))["cost-instance-class-allowlist"]
        for prefix, key in (
            ("rds", "dbInstanceClasses"),
            ("elasticache", "cacheNodeTypes"),
            ("ec2", "nodeInstanceTypes"),
        ):
            assert [x for x in allow[key] if f"{prefix}:{x}" not in items] == [], (env, key)


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


def footprint(env: str) -> list[Subject]:
    """The whole platform as sized in the shared sizing decisions (network counts from the plans)."""
    dev = env == "dev"
    zones = 2 if dev else 3
    items = [s("aws:ec2/natGateway:NatGateway", f"nat-{i}") for i in range(1 if dev else zones)]
    items += [s("aws:ec2/eip:Eip", f"eip-{i}") for i in range(1 if dev else zones)]
    if not dev:
        items += [
            s(
                "aws:ec2/vpcEndpoint:VpcEndpoint",
                f"ep-{n}",
                vpcEndpointType="Interface",
                subnetIds=["a", "b", "c"],
            )
            for n in ("ecr.api", "ecr.dkr", "sts", "logs")
        ]
    items += [s("aws:kms/key:Key", f"key-{n}") for n in ("logs", "eks", "db", "cache", "s3")]
    items += [
        s("aws:eks/cluster:Cluster", "eks"),
        s(
            "aws:eks/nodeGroup:NodeGroup",
            "nodes",
            instanceTypes=["t3.large" if dev else "m7i.large"],
            capacityType="SPOT" if dev else "ON_DEMAND",
            scalingConfig={"desiredSize": 2 if dev else 3},
            diskSize=30 if dev else 50,
        ),
    ]
    items += [s("aws:rds/cluster:Cluster", "db")]
    items += [
        s(
            "aws:rds/clusterInstance:ClusterInstance",
            f"db-{i}",
            instanceClass="db.t4g.medium" if dev else "db.r7g.large",
        )
        for i in range(1 if dev else 3)
    ]
    items += [
        s(
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "cache",
            engine="valkey",
            nodeType="cache.t4g.small" if dev else "cache.r7g.large",
            numCacheClusters=1 if dev else 3,
        )
    ]
    items += [s("aws:secretsmanager/secret:Secret", n) for n in ("db", "cache")]
    items += [s("aws:wafv2/webAcl:WebAcl", "waf", "us-east-1", rules=[{}] * 4)]
    if not dev:  # DR: a key and the backup copies in eu-central-1 (storage is usage-based)
        items += [
            s("aws:kms/key:Key", "dr-key", "eu-central-1"),
            s("aws:backup/vault:Vault", "dr-vault", "eu-central-1"),
        ]
    return items


@pytest.mark.parametrize(("env", "expected"), [("dev", 259.99), ("prod", 1657.57)])
def test_the_sized_platform_fits_the_budget(env: str, expected: float) -> None:
    est = estimate(footprint(env))
    assert est.total == expected
    budget = load_pack_config(config_path(env))["cost-stack-budget"]["maxMonthlyCost"]
    assert est.total < budget * 0.8, "keep 20% headroom for usage-based charges"
