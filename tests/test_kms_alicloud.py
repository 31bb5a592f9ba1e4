"""KMS on Alibaba Cloud (docs/alicloud-kms.md): every customer master key of prod-cn lives in a
KMS instance of its own region; dev-cn's explicit `kms.keys: default` shares the region's free
default key between every purpose; the config refuses what the policy pack or the components
cannot do, and the estimate prices the instance."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from components.alicloud.key_store import KeyStore
from components.alicloud.key_store_spec import KeyStoreArgs
from infra import ConfigError, parse_config
from planner.recorder import RecordedResource
from tests.conftest import (
    PROJECT_DIR,
    any_stack_config,
    built,
    of_type,
    one,
    raw_stack_config,
    run_mocked,
)

INSTANCE = "alicloud:kms/instance:Instance"
KEY = "alicloud:kms/key:Key"
SWITCH = "alicloud:vpc/switch:Switch"


def _region(r: RecordedResource) -> str:
    assert r.provider is not None, r.name
    return r.provider.rsplit("::", 1)[1].split("::")[0]


def test_every_key_of_prod_cn_lives_in_the_instance_of_its_region() -> None:
    m = built("prod-cn")
    instances = of_type(m, INSTANCE)
    assert sorted(i.name for i in instances) == ["acme-prod-dr-keys-kms", "acme-prod-keys-kms"]
    by_id = {i.id: i for i in instances}
    keys = of_type(m, KEY)
    assert len(keys) >= 7  # cluster, database, cache, four buckets (+ DR replicas, DR logs)
    for key in keys:
        home = by_id.get(key.inputs.get("dkmsInstanceId"))
        assert home is not None, f"{key.name} is outside every instance"
        assert _region(home) == _region(key), key.name  # KMS instances are regional
    replicas = [k for k in keys if "-dr" in k.name or "replica" in k.name]
    assert replicas and all(by_id[k.inputs["dkmsInstanceId"]].name == "acme-prod-dr-keys-kms"
                            for k in replicas)  # fmt: skip


def test_the_instance_is_software_pay_as_you_go_in_two_data_switches_and_protected() -> None:
    m = built("prod-cn")
    inst = one(m, INSTANCE, "acme-prod-keys-kms")
    assert (inst.inputs["productVersion"], inst.inputs["paymentType"]) == ("3", "PayAsYouGo")
    assert inst.inputs["deletionProtection"] is True and inst.protect
    assert inst.inputs["forceDeleteWithoutBackup"] == "false"
    zones = inst.inputs["zoneIds"]
    assert zones == ["cn-shanghai-e", "cn-shanghai-f"]
    data = {s.inputs["zoneId"]: s.id for s in of_type(m, SWITCH)
            if s.name.startswith("acme-prod-data-")}  # fmt: skip
    assert inst.inputs["vswitchIds"] == [data[z] for z in zones]
    vpc = one(m, "alicloud:vpc/network:Network", "acme-prod-vpc")
    assert inst.inputs["vpcId"] == vpc.id


def test_dev_cn_shares_the_regions_default_key_between_every_purpose() -> None:
    m = built("dev-cn")
    assert of_type(m, INSTANCE) == []
    key = one(m, KEY)
    assert not key.inputs.get("dkmsInstanceId")
    assert (key.inputs["automaticRotation"], key.inputs["rotationInterval"]) == (
        "Enabled",
        "31536000s",
    )
    users = {
        "ack": one(m, "alicloud:cs/managedKubernetes:ManagedKubernetes").inputs["encryptionProviderKey"],
        "rds": one(m, "alicloud:rds/instance:Instance").inputs["encryptionKey"],
        "redis": one(m, "alicloud:kvstore/instance:Instance").inputs["encryptionKey"],
        **{f"pool {p.name}": p.inputs["systemDiskKmsKey"]
           for p in of_type(m, "alicloud:cs/nodePool:NodePool")},
        **{f"oss {b.name}": b.inputs["kmsMasterKeyId"]
           for b in of_type(m, "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption")},
    }  # fmt: skip
    assert len(users) >= 8
    assert dict.fromkeys(users, key.id) == users


def _problems(stack: str, **changes: Any) -> list[str]:
    raw = copy.deepcopy(raw_stack_config(stack))
    raw.update(changes)
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    return caught.value.problems


def test_prod_refuses_the_default_key_naming_the_key_and_the_rule() -> None:
    problems = _problems("prod-cn", kms={"keys": "default"})
    mine = [p for p in problems if p.startswith("groundwork:kms.keys:")]
    assert any("policy alicloud-kms-key-in-instance" in p for p in mine), problems
    # and with DR replicas the default key cannot encrypt them, whatever the environment
    assert any("cannot encrypt the DR replicas" in p for p in mine), problems


def test_dev_refuses_the_default_key_only_where_it_cannot_work() -> None:
    raw = raw_stack_config("prod-cn")
    problems = _problems("dev-cn", dr=raw["dr"], network=raw["network"])
    assert any(p.startswith("groundwork:kms.keys:") and "DR replicas" in p for p in problems)
    assert not any("alicloud-kms-key-in-instance" in p for p in problems), problems


def test_an_unknown_placement_is_refused_naming_what_is_allowed() -> None:
    problems = _problems("dev-cn", kms={"keys": "hsm"})
    assert any(p.startswith("groundwork:kms.keys:") and "'instance'" in p and "'default'" in p
               for p in problems), problems  # fmt: skip


def test_the_key_store_refuses_an_instance_it_cannot_place() -> None:
    with pytest.raises(ValueError, match="switch_ids: a KMS instance spans 2 zones"):
        run_mocked(lambda: KeyStore("k", KeyStoreArgs(vpc_id="vpc-1", switch_ids={"z-a": "vsw"})))
    with pytest.raises(ValueError, match="vpc_id"):
        run_mocked(lambda: KeyStore("k", KeyStoreArgs(switch_ids={"a": "1", "b": "2"})))


def _cost(stack: str) -> tuple[dict[str, Any], list[str]]:
    """(estimate lines by resource name, the cost section's terminal lines) of a real stack."""
    from planner.cost_report import cost_section
    from planner.policy_report import policy_resources
    from planner.report import PlanContext
    from policies.guardrails import subject_of_resource
    from policies.guardrails.pricing import estimate

    m = built(stack)
    _, outputs = policy_resources(m.recorded)
    est = estimate([subject_of_resource(p) for p in outputs], "cn-shanghai")
    ctx = PlanContext("groundwork", stack, PROJECT_DIR, m, any_stack_config(stack))
    return {line.name: line for line in est.lines}, cost_section(ctx).text


def test_the_estimate_prices_the_instances_and_the_keys_in_them() -> None:
    from policies.guardrails.pricing import catalogue

    items = catalogue("alicloud")["items"]
    lines, text = _cost("prod-cn")
    instance = items["kmsInstanceSoftware"]["prices"]["cn-shanghai"]
    for name in ("acme-prod-keys-kms", "acme-prod-dr-keys-kms"):
        assert (lines[name].status, lines[name].monthly) == ("priced", pytest.approx(instance))
    key = lines["acme-prod-postgres-key"]
    assert (key.status, key.monthly) == (
        "priced",
        pytest.approx(items["kmsKey"]["prices"]["cn-shanghai"]),
    )
    assert any(t.strip().startswith("acme-prod-keys (KeyStore)") and f"{instance:,.2f}" in t
               for t in text), text  # fmt: skip
    lines, text = _cost("dev-cn")
    shared = lines["acme-dev-keys-key"]
    assert (shared.status, shared.monthly) == ("priced", 0.0)  # the default key is free
    assert not any("UNPRICED" in t for t in text), text


@pytest.mark.parametrize("order", [("a", "b", "c"), ("c", "a", "b")])
def test_every_default_key_of_a_region_is_named_whatever_the_registration_order(
    order: tuple[str, ...],
) -> None:
    """Registration order is not stable between runs: the verdict must not depend on it."""
    from policies.guardrails.alicloud_kms import RULES as KMS_RULES
    from policies.guardrails.core import Subject, evaluate_stack

    rule = next(r for r in KMS_RULES if r.id == "alicloud-kms-one-default-key")
    keys = [Subject(KEY, n, f"urn:{n}", {}, region="cn-shanghai") for n in order]
    placed = Subject(KEY, "placed", "urn:placed", {"dkmsInstanceId": "kst-1"}, region="cn-shanghai")
    findings = evaluate_stack(rule, [*keys, placed], {})
    assert sorted(f.urn or "" for f in findings) == ["urn:a", "urn:b", "urn:c"]
    assert "'b', 'c'" in next(f.message for f in findings if f.urn == "urn:a")
