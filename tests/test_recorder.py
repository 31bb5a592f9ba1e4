"""The offline run rejects what the real engine rejects, instead of planning it silently."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest

from planner.recorder import EngineRuleError, decode
from tests.conftest import run_mocked


def test_resource_without_explicit_provider_fails() -> None:
    with pytest.raises(EngineRuleError, match="'orphan' has no explicit provider"):
        run_mocked(lambda: aws.ec2.Vpc("orphan", cidr_block="10.0.0.0/16"))


def test_invoke_without_explicit_provider_fails() -> None:
    def program() -> None:
        provider = aws.Provider("p", region="eu-west-1")
        account = aws.get_caller_identity_output().account_id  # no provider: ambient account
        aws.ec2.Vpc("v", cidr_block="10.0.0.0/16", tags={"account": account},
                    opts=pulumi.ResourceOptions(provider=provider))  # fmt: skip

    with pytest.raises(
        EngineRuleError,
        match="invoke aws:index/getCallerIdentity:getCallerIdentity has no explicit provider",
    ):
        run_mocked(program)


def test_duplicate_urn_fails() -> None:
    def program() -> None:
        provider = aws.Provider("p", region="eu-west-1")
        opts = pulumi.ResourceOptions(provider=provider)
        aws.ec2.Vpc("same", cidr_block="10.0.0.0/16", opts=opts)
        aws.ec2.Vpc("same", cidr_block="10.1.0.0/16", opts=opts)

    with pytest.raises(EngineRuleError, match=r"duplicate resource URN .*::same"):
        run_mocked(program)


def test_invokes_answer_for_the_providers_region() -> None:
    def program() -> None:
        provider = aws.Provider("p", region="ap-southeast-2")
        region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(provider=provider)).region
        aws.ec2.Vpc("v", cidr_block="10.0.0.0/16", tags={"region": region},
                    opts=pulumi.ResourceOptions(provider=provider))  # fmt: skip

    monitor = run_mocked(program)
    assert monitor.by_type("aws:ec2/vpc:Vpc")[0].inputs["tags"] == {"region": "ap-southeast-2"}


def test_decode_unwraps_secrets_and_records_their_paths() -> None:
    secrets: list[str] = []
    sig = "4dabf18193072939515e22adb298388d"
    raw = {
        "a": {sig: "1b47061264138c4ac30d75fd1eb44270", "value": "s3cr3t"},
        "n": 5.0,
        "l": [{"b": 1.5}],
    }
    assert decode(raw, "", secrets) == {"a": "s3cr3t", "n": 5, "l": [{"b": 1.5}]}
    assert secrets == ["a"]
