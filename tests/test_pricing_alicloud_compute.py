"""What a team adds on Alibaba Cloud is priced by class from the same per-type tables as the
platform (ECS instances like node pools, disks like node disks, CLBs like the gateway's), and
whatever those tables do not hold is unpriced with its reason, never zero; every catalogue price
says whether a published page confirmed it."""

from __future__ import annotations

import pytest

from policies.guardrails import Subject
from policies.guardrails.cost import RULES as COST_RULES
from policies.guardrails.pricing import Line, catalogue, estimate
from tests.test_pricing_alicloud import ALI_PROVIDER, _price, s

ECS = "alicloud:ecs/instance:Instance"
ESSD = {"systemDiskCategory": "cloud_essd", "systemDiskPerformanceLevel": "PL0"}


def _line(subject: Subject) -> Line:
    (line,) = [x for x in estimate([ALI_PROVIDER, subject], "cn-shanghai").lines
               if x.name == subject.name]  # fmt: skip
    return line


def test_every_price_says_which_page_confirmed_it_or_that_none_did() -> None:
    for key, item in catalogue("alicloud")["items"].items():
        assert "verifiedBy" in item, key
        unverified = item["note"].startswith("UNVERIFIED")
        assert (item["verifiedBy"] is None) == unverified, key
        if item["verifiedBy"] is not None:
            assert "read 2026-" in item["verifiedBy"], key


def test_an_ecs_instance_of_a_catalogued_type_is_priced_like_a_node() -> None:
    vm = s(ECS, "vm", instanceType="ecs.g7.large", systemDiskSize=60, **ESSD,
           dataDisks=[{"category": "cloud_essd", "performanceLevel": "PL1", "size": 100}])  # fmt: skip
    line = _line(vm)
    assert line.status == "priced" and line.currency == "CNY"
    expected = _price("ecs:ecs.g7.large") + 60 * _price("essdPl0") + 100 * _price("essdPl1")
    assert line.monthly == pytest.approx(expected, abs=0.01)
    # The instance hours (not the disks) are what an ECS savings plan discounts.
    discount = catalogue("alicloud")["commitments"]["ecs"]["discount"]
    assert line.committed == pytest.approx(
        expected - discount * _price("ecs:ecs.g7.large"), abs=0.01
    )
    assert "1 data disk(s), 100 GB" in line.detail


def test_a_spot_ecs_instance_gets_the_spot_discount_and_no_commitment() -> None:
    vm = s(ECS, "spot-vm", instanceType="ecs.g6.large", spotStrategy="SpotAsPriceGo", **ESSD)
    line = _line(vm)
    node = _price("ecs:ecs.g6.large") * (1 - catalogue("alicloud")["spotDiscount"])
    # No size: the API's 40 GB minimum system disk.
    assert line.monthly == pytest.approx(node + 40 * _price("essdPl0"), abs=0.01)
    assert line.committed == line.monthly


@pytest.mark.parametrize(
    ("props", "reason"),
    [
        ({"instanceType": "ecs.g8i.large", **ESSD}, "ecs:ecs.g8i.large"),
        ({"instanceType": "ecs.g7.large", "instanceChargeType": "PrePaid", **ESSD}, "PrePaid"),
        ({"instanceType": "ecs.g7.large"}, "disk category not set"),
        ({"instanceType": "ecs.g7.large", "systemDiskCategory": "cloud_efficiency"},
         "'cloud_efficiency' not in the catalogue"),
        ({"instanceType": "ecs.g7.large", **ESSD, "dataDisks": [{"category": "cloud_ssd",
                                                                  "size": 50}]}, "cloud_ssd"),
        ({"instanceType": "ecs.g7.large", **ESSD, "internetMaxBandwidthOut": 10,
          "internetChargeType": "PayByBandwidth"}, "fixed bandwidth"),
    ],
    ids=["uncatalogued-type", "subscription", "no-disk-category", "efficiency-disk",
         "ssd-data-disk", "bandwidth-ip"],
)  # fmt: skip
def test_an_ecs_instance_outside_the_tables_is_unpriced_with_its_reason(
    props: dict[str, object], reason: str
) -> None:
    line = _line(s(ECS, "vm", **props))
    assert line.status == "unpriced" and line.monthly is None
    assert reason in line.detail


@pytest.mark.parametrize("type_", ["alicloud:ecs/ecsDisk:EcsDisk", "alicloud:ecs/disk:Disk"])
def test_a_cloud_disk_is_its_size_at_its_performance_level(type_: str) -> None:
    line = _line(s(type_, "data", category="cloud_essd", performanceLevel="PL0", size=200))
    assert line.monthly == pytest.approx(200 * _price("essdPl0"), abs=0.01)
    default_level = _line(s(type_, "data", category="cloud_essd", size=200))
    assert default_level.monthly == pytest.approx(200 * _price("essdPl1"), abs=0.01)
    for props, reason in (
        ({"category": "cloud_essd", "performanceLevel": "PL3", "size": 10}, "essdPl3"),
        ({"category": "cloud_essd", "snapshotId": "s-1"}, "size unknown"),
        ({"category": "cloud_essd", "size": 10, "paymentType": "Subscription"}, "Subscription"),
    ):
        line = _line(s(type_, "data", **props))
        assert line.status == "unpriced" and reason in line.detail


def test_a_classic_load_balancer_pays_its_instance_spec_and_public_ip_fees() -> None:
    fees = {k: _price(k) for k in ("clbInstance", "clbSpec:slb.s1.small", "clbPublicIp")}
    public = _line(s("alicloud:slb/loadBalancer:LoadBalancer", "lb", addressType="internet",
                     instanceChargeType="PayBySpec", loadBalancerSpec="slb.s1.small"))  # fmt: skip
    assert public.monthly == pytest.approx(sum(fees.values()), abs=0.01)
    # Pay-by-usage: LCUs are usage; a private one holds no public IP.
    private = _line(s("alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer", "ilb",
                      addressType="intranet", instanceChargeType="PayByCLCU"))  # fmt: skip
    assert private.monthly == pytest.approx(fees["clbInstance"], abs=0.01)
    other = _line(s("alicloud:slb/loadBalancer:LoadBalancer", "big", addressType="intranet",
                    loadBalancerSpec="slb.s3.large"))  # fmt: skip
    assert other.status == "unpriced" and "clbSpec:slb.s3.large" in other.detail


def test_the_gateways_clb_is_priced_from_its_service_annotations() -> None:
    prefix = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-"
    svc = s("kubernetes:core/v1:Service", "gw", spec={"type": "LoadBalancer"},
            metadata={"annotations": {f"{prefix}address-type": "internet",
                                      f"{prefix}spec": "slb.s1.small",
                                      f"{prefix}instance-charge-type": "PayBySpec"}})  # fmt: skip
    fees = ("clbInstance", "clbSpec:slb.s1.small", "clbPublicIp")
    assert _line(svc).monthly == pytest.approx(sum(_price(k) for k in fees), abs=0.01)


@pytest.mark.parametrize(("public", "extra"), [(False, ()), (None, ("eipHolding",))])
def test_an_ack_cluster_pays_for_the_api_servers_clb_too(
    public: bool | None, extra: tuple[str, ...]
) -> None:
    # ACK creates the API server's pay-by-usage intranet CLB itself: not in the plan, on the bill.
    props = {"clusterSpec": "ack.pro.small"} | (
        {} if public is None else {"slbInternetEnabled": public}
    )
    line = _line(s("alicloud:cs/managedKubernetes:ManagedKubernetes", "ack", **props))
    fees = ("ackProCluster", "clbInstance", *extra)
    assert line.monthly == pytest.approx(sum(_price(k) for k in fees), abs=0.01)
    assert "API server's intranet CLB" in line.detail and "LCUs are usage" in line.detail


@pytest.mark.parametrize(("level", "price"), [(None, "essdPl1"), ("PL0", "essdPl0")])
def test_a_claims_volume_is_priced_at_the_level_of_the_stacks_csi_storage_class(
    level: str | None, price: str
) -> None:
    claim = s("kubernetes:core/v1:PersistentVolumeClaim", "data",
              spec={"resources": {"requests": {"storage": "20Gi"}}})  # fmt: skip
    classes = [] if level is None else [
        s("kubernetes:storage.k8s.io/v1:StorageClass", "essd",
          provisioner="diskplugin.csi.alibabacloud.com",
          parameters={"type": "cloud_essd", "performanceLevel": level})]  # fmt: skip
    (line,) = [x for x in estimate([ALI_PROVIDER, *classes, claim], "cn-shanghai").lines
               if x.name == "data"]  # fmt: skip
    # Without a class of the stack's own: ACK's default class, PL1.
    assert line.monthly == pytest.approx(20 * _price(price), abs=0.01)
    assert f"ESSD {level or 'PL1'}" in line.detail


@pytest.mark.parametrize(
    ("type_", "what"),
    [("alicloud:alb/loadBalancer:LoadBalancer", "ALB"),
     ("alicloud:nlb/loadBalancer:LoadBalancer", "NLB")],
)  # fmt: skip
def test_alb_and_nlb_are_reported_unpriced_and_block_where_the_estimate_must_be_complete(
    type_: str, what: str
) -> None:
    lb = s(type_, "lb", addressType="Internet")
    line = _line(lb)
    assert line.status == "unpriced" and f"{what} prices are not in the catalogue" in line.detail
    (rule,) = [r for r in COST_RULES if r.id == "cost-estimate-complete"]
    assert rule.stack_check is not None
    params = {"defaultRegion": "cn-shanghai"}
    [finding] = list(rule.stack_check([ALI_PROVIDER, lb], params))
    assert "'lb'" in finding.message and type_ in finding.message


@pytest.mark.parametrize(
    "type_", ["alicloud:fc/function:Function", "alicloud:fc/v3Function:V3Function"]
)
def test_function_compute_is_usage_not_zero(type_: str) -> None:
    line = _line(s(type_, "fn"))
    assert line.status == "usage" and "invocations" in line.detail


def test_docs_name_exactly_the_verified_prices() -> None:
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "cost.md").read_text()
    listed = re.search(r"Verified: (.*?)\. Every other item", doc, re.S)
    assert listed is not None
    verified = {k for k, v in catalogue("alicloud")["items"].items() if v["verifiedBy"]}
    assert set(re.findall(r"`([^`]+)`", listed.group(1))) == verified
