"""Environments: one list of lifecycle stages, each with a preset and a policy config, and every
shipped stack file planned against its own stage's policy config."""

from __future__ import annotations

from typing import get_args

from infra.config import Environment
from infra.presets import CLOUD_PRESETS, PRESETS
from policies.guardrails import config_path
from policies.guardrails.config import ENVIRONMENTS
from policies.guardrails.derived import DERIVED, render
from tests.conftest import STACKS, raw_stack_config, stack_config


def test_every_environment_has_a_preset_and_a_policy_config() -> None:
    environments = get_args(Environment)
    assert environments == ENVIRONMENTS  # same stages, same (promotion) order
    assert set(environments) == set(PRESETS)
    assert [e for e in environments if not config_path(e).is_file()] == []


def test_every_stage_of_the_promotion_ships_a_stack() -> None:
    assert {"dev", "test", "staging", "prod"} <= set(STACKS)


def test_each_stack_is_named_after_its_environment() -> None:
    # CI passes policies/config/<stack>.json to `pulumi preview`; that is the environment's file
    # only when the stack carries its environment's name.
    assert {s: raw_stack_config(s)["environment"] for s in STACKS} == {s: s for s in STACKS}


def test_test_preset_is_dev_plus_its_stated_differences() -> None:
    test = stack_config("test")
    dev = stack_config("dev")
    assert test.apps["web"].require_digest and test.app_defaults.require_digest
    assert not dev.apps["web"].require_digest
    # Same footprint as dev: what the cost-dev-footprint policy checks.
    assert test.network.nat == dev.network.nat and test.network.zones == dev.network.zones
    assert test.cluster.node_groups == dev.cluster.node_groups
    assert (test.postgres.instance_class, test.postgres.readers) == (
        dev.postgres.instance_class,
        dev.postgres.readers,
    )
    assert not test.protect_stateful_resources
    aws = CLOUD_PRESETS["aws"]
    # Sized like dev; keeps audit and flow logs longer (a failed test cycle is investigated).
    assert {k: v for k, v in aws["test"].items() if k != "logs"} == {
        k: v for k, v in aws["dev"].items() if k != "logs"
    }
    assert test.logs.retention.audit == 30 > dev.logs.retention.audit
    assert "requireDigest" not in PRESETS["test"]["appDefaults"]  # the model default: required


def test_staging_has_prods_shape_at_a_smaller_size() -> None:
    staging, prod = stack_config("staging"), stack_config("prod")
    assert len(staging.network.zones) == len(prod.network.zones) == 3
    assert staging.protect_stateful_resources
    assert staging.postgres.readers >= 1 and staging.redis.multi_az
    assert staging.apps["web"].require_digest


def test_derived_policy_configs_are_their_base_plus_the_stated_overrides() -> None:
    # Regenerate with `.venv/bin/python -m policies.guardrails.derived --write`.
    for name in DERIVED:
        assert config_path(name).read_text() == render(name), f"{name}.json is stale"
    assert DERIVED["test"][0] == "dev" and DERIVED["bootstrap"][0] == "prod"
