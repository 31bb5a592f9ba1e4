"""The program runs exactly as Pulumi's Python language host runs it: `runpy.run_path` of the
project directory inside `run_in_stack`, config from `Pulumi.<stack>.yaml` in PULUMI_CONFIG."""

from __future__ import annotations

import json

import pytest

from planner.runner import run_program
from tests.conftest import PROJECT_DIR, STACKS, built, stack_config, stack_file


@pytest.mark.parametrize("stack", STACKS)
def test_program_runs_like_the_language_host(stack: str) -> None:
    monitor = run_program(PROJECT_DIR, stack_file(stack))
    # Same resources as building from the parsed config directly.
    assert sorted(r.urn for r in monitor.recorded) == sorted(r.urn for r in built(stack).recorded)
    outputs = monitor.stack_outputs
    assert outputs["environment"] == stack
    assert outputs["vpcId"].startswith("vpc-")
    assert len(outputs["privateSubnetIds"]) == len(outputs["zones"])
    assert outputs["cdnDomainName"].endswith(".cloudfront.net")
    # The edge WAF follows the stack's config: off in dev (and test, dev's footprint) unless a
    # stack asks for it, on in staging and prod.
    assert (":us-east-1:" in outputs.get("webAclArn", "")) is stack_config(stack).cdn.waf.enabled
    assert stack_config("prod").cdn.waf.enabled and not stack_config("dev").cdn.waf.enabled
    assert outputs["cdnTlsPolicyEnforced"] is True  # both stacks serve a custom domain with ACM
    assert {"assetsBucketName", "uploadsBucketName", "backupsBucketName", "logBucketName"} <= set(
        outputs
    )


def test_config_reaches_the_program_only_through_pulumi_config_env() -> None:
    sf = stack_file("dev")
    assert json.loads(sf.config["groundwork:network"]) == {"cidr": "10.10.0.0/16"}
    assert sf.config["groundwork:environment"] == "dev"
    assert sf.config["pulumi:disable-default-providers"] == '["*"]'


def test_preview_mode_leaves_computed_values_unknown_like_a_real_preview() -> None:
    from planner.recorder import UNKNOWN

    monitor = run_program(PROJECT_DIR, stack_file("dev"), preview=True)
    assert sorted(r.urn for r in monitor.recorded) == sorted(r.urn for r in built("dev").recorded)
    subnet = next(r for r in monitor.recorded if r.type == "aws:ec2/subnet:Subnet")
    assert subnet.inputs["vpcId"] == UNKNOWN  # the VPC id does not exist before `up`
    assert subnet.inputs["cidrBlock"].endswith("/20") or subnet.inputs["cidrBlock"].endswith("/24")
    assert monitor.stack_outputs["vpcCidr"] == "10.10.0.0/16"  # plain values stay known
