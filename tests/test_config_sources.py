"""One source per fact: presets only override defaults, config limits come from the policy config,
and every problem of a stack file is reported at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from components.monitoring import SEVERITIES
from infra import ConfigError, parse_config
from infra import config as config_module
from infra.config import MINIMUMS, VARIANTS, AwsStackConfig
from infra.policy_limits import PolicyLimits, policy_limits
from infra.presets import CLOUD_PRESETS, PRESETS, deep_merge
from tests.conftest import raw_stack_config

ESSENTIALS = {
    "name": "acme",  # the default `groundwork` is too long for staging's generated names
    "region": "eu-west-1",
    "tags": {"owner": "o", "costCenter": "c"},
    "cluster": {"adminRoleArns": ["arn:aws:iam::123456789012:role/admin"]},
    "cdn": {"domain": {"name": "assets.example.com"}},
    "alerting": {"severities": {s: {"emails": ["oncall@example.com"]} for s in SEVERITIES}},
    "budget": {"monthlyLimit": 1000},
}


def _leaves(tree: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in tree.items():
        if isinstance(value, dict) and value:
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _at(tree: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(tree, dict) or part not in tree:
            return KeyError
        tree = tree[part]
    return tree


@pytest.mark.parametrize("environment", sorted(PRESETS))
def test_presets_only_override_model_defaults(
    environment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The defaults of a stack that sets only what has no default, with no preset applied; field
    # validation only (without its preset, dev's defaults break dev's limits: why it has one).
    monkeypatch.setattr(config_module, "all_problems", lambda section: iter(()))
    defaults = AwsStackConfig.model_validate({"environment": environment, **ESSENTIALS})
    dumped = defaults.model_dump(by_alias=True, mode="json")
    preset = deep_merge(PRESETS[environment], CLOUD_PRESETS["aws"][environment])
    restated = [
        path for path, value in _leaves(preset)
        if (default := _at(dumped, path)) is not KeyError and default == value
    ]  # fmt: skip
    assert not restated, (
        f"{environment} preset restates defaults (state a default once): {restated}"
    )


def test_a_restated_default_would_be_caught() -> None:
    dumped = {"postgres": {"readers": 2}}
    assert _at(dumped, "postgres.readers") == 2  # the comparison the test above relies on
    assert _at(dumped, "postgres.missing") is KeyError


def test_every_cloud_has_a_preset_per_environment() -> None:
    assert set(CLOUD_PRESETS) == set(VARIANTS)
    for per_env in CLOUD_PRESETS.values():
        assert set(per_env) == set(PRESETS)


@pytest.mark.parametrize("minimum", MINIMUMS, ids=[m.rule for m in MINIMUMS])
def test_config_limits_follow_the_policy_config(
    minimum: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raising a threshold in policies/config/prod.json raises the config's own check with it:
    the number lives in one place."""
    prod = policy_limits("prod")
    rule = prod.enforced(minimum.rule)
    assert rule is not None, f"{minimum.rule} should be mandatory in prod"
    cfg = parse_config(raw_stack_config("prod"))
    value = minimum.value(cfg)
    assert value is not None and value >= rule[minimum.param]  # the prod stack passes today

    stricter = dict(prod.pack_config)
    entry = stricter.get(minimum.rule)
    base = dict(entry) if isinstance(entry, dict) else {"enforcementLevel": "mandatory"}
    stricter[minimum.rule] = {**base, minimum.param: value + 1}
    monkeypatch.setattr(config_module, "policy_limits", lambda env: PolicyLimits(env, stricter))
    with pytest.raises(ConfigError) as err:
        parse_config(raw_stack_config("prod"))
    assert any(
        p.startswith(f"groundwork:{minimum.key}: prod needs at least {value + 1} ")
        for p in err.value.problems
    ), err.value.problems


def test_a_rule_that_is_not_mandatory_does_not_bind_the_config() -> None:
    dev = parse_config({**raw_stack_config("dev"), "network": {"cidr": "10.10.0.0/16"}})
    assert len(dev.network.zones) == 2  # k8s-multi-zone-nodes is disabled in dev
    assert policy_limits("dev").enforced("k8s-multi-zone-nodes") is None
    assert policy_limits("prod").enforced("k8s-multi-zone-nodes") == {"exclude": [], "minZones": 3}


def test_every_problem_is_reported_together() -> None:
    raw = {
        **raw_stack_config("prod"),
        "network": {"cidr": "10.20.0.0/16", "zones": ["a", "b"]},
        "postgres": {"readers": 0, "backupRetentionDays": 3, "backupWindow": "04:00-05:00",
                     "maintenanceWindow": "sun:04:00-sun:05:00"},
        "redis": {"replicas": 0, "multiAz": True, "shards": 2},
        "storage": {"forceDestroy": True},
        "cluster": {"nodeGroups": {"general": {"capacityType": "SPOT", "minSize": 5,
                                               "instanceTypes": ["m7i.large"]}}},
    }  # fmt: skip
    with pytest.raises(ConfigError) as err:
        parse_config(raw)
    keys = {p.split(": ")[0] for p in err.value.problems}
    assert keys == {
        "groundwork:network.zones",
        "groundwork:postgres.readers",
        "groundwork:postgres.backupRetentionDays",
        "groundwork:postgres.backupWindow",
        "groundwork:redis.replicas",
        "groundwork:redis.multiAz",
        "groundwork:redis.shards",
        "groundwork:storage.forceDestroy",
        "groundwork:cluster.nodeGroups.general",
        "groundwork:cluster.nodeGroups.general.instanceTypes",
        "groundwork:cluster.nodeGroups.general.capacityType",
        "groundwork:cluster.adminRoleArns",
    }, err.value.problems


def test_field_errors_of_different_sections_are_reported_together() -> None:
    raw = {
        **raw_stack_config("dev"),
        "network": {"cidr": "10.0.0.0/33"},
        "postgres": {"instanceClass": "m5.large"},
        "redis": {"nodeType": "db.r7g.large"},
        "cdn": {"priceClass": "PriceClass_1"},
    }
    with pytest.raises(ConfigError) as err:
        parse_config(raw)
    keys = [p.split(": ")[0] for p in err.value.problems]
    assert keys == [
        "groundwork:network.cidr",
        "groundwork:postgres.instanceClass",
        "groundwork:redis.nodeType",
        "groundwork:cdn.priceClass",
    ], err.value.problems
