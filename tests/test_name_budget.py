"""Config refuses a `name` that makes a generated cloud name too long, from the budget the shipped
stacks measure (infra/name_budget.json), before the program runs; the exact check in the offline
plan agrees with it on the longest name config accepts."""

from __future__ import annotations

import json
import os

import pytest

from infra.cloud_names import name_problems, physical_names
from infra.config import ConfigError, parse_config
from infra.name_budget import BUDGET_PATH, measure, merge, section_of
from tests.conftest import ALL_STACKS, any_stack_config, built, raw_stack_config, run_mocked


def _measured() -> list[dict[str, object]]:
    per_stack = []
    for stack in ALL_STACKS:  # both clouds
        monitor = built(stack)
        pairs = [(r.urn, found) for r in monitor.recorded for found in physical_names([r])]
        per_stack.append(measure(any_stack_config(stack).prefix, pairs))
    return merge(*per_stack)


def test_the_budget_file_is_what_the_program_generates() -> None:
    measured = _measured()
    if os.environ.get("GROUNDWORK_UPDATE_GOLDEN") == "1":
        BUDGET_PATH.write_text(json.dumps(measured, indent=2) + "\n")
    assert json.loads(BUDGET_PATH.read_text()) == measured, (
        "regenerate with GROUNDWORK_UPDATE_GOLDEN=1 and review the diff"
    )
    assert any(e["type"] == "aws:iam/role:Role" for e in measured)


def test_a_name_that_makes_an_iam_role_too_long_is_refused_by_config() -> None:
    raw = {**raw_stack_config("prod"), "name": "acme-webapp-platform-x"}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    lines = [p for p in caught.value.problems if p.startswith("groundwork:name:")]
    assert lines and any("IAM role name" in line and "at most 64" in line for line in lines)
    assert all("fits" in line for line in lines)


def test_the_longest_accepted_name_passes_the_exact_check() -> None:
    from infra.build import build

    raw = raw_stack_config("prod")
    accepted = None
    for length in range(len(raw["name"]), 40):
        candidate = ("acme" + "x" * 40)[:length]
        try:
            parse_config({**raw, "name": candidate})
        except ConfigError:
            break
        accepted = candidate
    assert accepted is not None and len(accepted) > len(raw["name"])
    cfg = parse_config({**raw, "name": accepted})
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    assert name_problems(monitor.recorded) == []


def test_a_section_turned_off_generates_no_names() -> None:
    raw = {**raw_stack_config("dev"), "name": "acme-webapp-platform-x"}
    with pytest.raises(ConfigError):
        parse_config(raw)
    off = {
        **raw,
        "cluster": {"enabled": False},
        "registry": {"enabled": False},
        "apps": {},
    }
    problems: list[str] = []
    try:
        parse_config(off)
    except ConfigError as err:
        problems = [p for p in err.problems if "IAM role" in p]
    assert problems == []


def test_another_clouds_names_never_count() -> None:
    from infra.name_budget import budget_problems

    # 59 characters: too long for Alibaba's 63-character SLS project names, not for any AWS name
    # an AWS stack without a cluster generates... but the AWS budget would still refuse it for
    # its own reasons; compare only the Alibaba lines.
    name = "a" * 50
    aws = [p for p in budget_problems(name, f"{name}-prod", "aws", ["network"]) if "SLS" in p]
    ali = [p for p in budget_problems(name, f"{name}-prod", "alicloud", ["network"]) if "SLS" in p]
    assert aws == [] and ali


def test_sections_come_from_the_top_level_component() -> None:
    urn = (
        "urn:pulumi:prod::groundwork::groundwork:aws/kubernetes:PlatformAddons$aws:iam/role:Role::r"
    )
    assert section_of(urn) == "cluster"
    assert section_of("urn:pulumi:prod::groundwork::aws:s3/bucket:Bucket::b") is None


@pytest.mark.parametrize("stack", ALL_STACKS)
def test_the_default_name_fits_every_shipped_stack(stack: str) -> None:
    # A new user who keeps the default `name` must not be refused in any environment.
    raw = {k: v for k, v in raw_stack_config(stack).items() if k != "name"}
    assert parse_config(raw).name == "groundwork"
