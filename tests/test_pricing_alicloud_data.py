"""Prices of the Alibaba Cloud data types: RDS (HA pair or Basic node, read-only instances) by
class hours plus ESSD storage, KVStore by class; the storage, edge and monitoring types are
usage-based or free, never unpriced."""

from __future__ import annotations

import pytest

from policies.guardrails import Subject
from policies.guardrails.pricing import catalogue, estimate
from tests.test_alicloud_defaults import recorded
from tests.test_pricing_alicloud import ALI_PROVIDER, _price, s


def test_rds_is_class_hours_plus_storage() -> None:
    pg = s("alicloud:rds/instance:Instance", "pg", instanceType="pg.n2.medium.2c",
           instanceStorage=100, dbInstanceStorageType="cloud_essd")  # fmt: skip
    ro = s("alicloud:rds/readOnlyInstance:ReadOnlyInstance", "ro",
           instanceType="pgro.n2.medium.1c", instanceStorage=100)  # fmt: skip
    lines = {x.name: x for x in estimate([ALI_PROVIDER, pg, ro], "cn-shanghai").lines}
    storage = 100 * _price("rdsEssdPl1")
    assert lines["pg"].monthly == pytest.approx(_price("rds:pg.n2.medium.2c") + storage, abs=0.01)
    assert lines["ro"].monthly == pytest.approx(_price("rds:pgro.n2.medium.1c") + storage, abs=0.01)


def test_kvstore_is_class_hours() -> None:
    kv = s("alicloud:kvstore/instance:Instance", "kv", instanceClass="redis.master.small.default")
    (line,) = [x for x in estimate([ALI_PROVIDER, kv], "cn-shanghai").lines if x.name == "kv"]
    assert line.monthly == pytest.approx(_price("kvstore:redis.master.small.default"), abs=0.01)


def test_an_unknown_class_is_unpriced_not_zero() -> None:
    kv = s("alicloud:kvstore/instance:Instance", "kv", instanceClass="tair.rdb.64g")
    (line,) = [x for x in estimate([ALI_PROVIDER, kv], "cn-shanghai").lines if x.name == "kv"]
    assert line.status == "unpriced" and line.monthly is None


def _region(provider: str | None) -> str:
    """WAF 3.0 runs under its own region's provider; everything else in the primary region."""
    return "cn-hangzhou" if "alicloud-edge-cn-hangzhou" in (provider or "") else "cn-shanghai"


def test_every_type_the_components_create_is_priced_usage_or_free() -> None:
    subjects = [
        Subject(type=r.type, name=r.name, urn=r.urn, props={**r.inputs, **r.outputs},
                region=_region(r.provider) if r.type.startswith("alicloud:") else None)
        for r in recorded()
        if r.custom
    ]  # fmt: skip
    est = estimate(subjects, "cn-shanghai")
    assert est.currency == "CNY"
    assert [(x.name, x.type, x.detail) for x in est.by_status("unpriced")] == []
    assert catalogue("alicloud")["currencies"]["cn-shanghai"] == "CNY"
