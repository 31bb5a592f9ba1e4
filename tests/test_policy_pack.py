"""The pack entry point, the per-environment config files, and the engine's own level resolution."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import pulumi_policy
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy.policy import _PolicyAnalyzerServicer

from policies.guardrails import BY_ID, RULES, config_path, effective_level, load_pack_config
from policies.guardrails.adapters import build_policies
from policies.guardrails.config import ENVIRONMENTS, policy_config
from tests.conftest import PROJECT_DIR

ENVS = (*ENVIRONMENTS, "bootstrap")  # every config file: the stages and the account bootstrap


class RecordingPack:
    """Stands in for PolicyPack, whose constructor would start a gRPC server and block."""

    instances: ClassVar[list[RecordingPack]] = []

    def __init__(
        self, name: str, policies: list[Any], enforcement_level: Any = None, **kwargs: Any
    ) -> None:
        self.name, self.policies, self.enforcement_level, self.kwargs = (
            name,
            policies,
            enforcement_level,
            kwargs,
        )
        RecordingPack.instances.append(self)


def test_main_registers_every_rule_with_its_level(monkeypatch: pytest.MonkeyPatch) -> None:
    RecordingPack.instances = []
    monkeypatch.setattr(pulumi_policy, "PolicyPack", RecordingPack)
    runpy.run_path(str(PROJECT_DIR / "policies" / "__main__.py"), run_name="__main__")
    [pack] = RecordingPack.instances
    assert pack.name == "groundwork-guardrails"
    assert pack.enforcement_level == pulumi_policy.EnforcementLevel.ADVISORY
    by_name = {p.name: p for p in pack.policies}
    assert set(by_name) == {r.id for r in RULES}
    for rule in RULES:
        policy = by_name[rule.id]
        expected = "mandatory" if rule.group == "security" else "advisory"
        assert policy.enforcement_level.value == expected, rule.id
        assert policy.severity.value == rule.severity
        assert isinstance(policy, pulumi_policy.StackValidationPolicy) == (rule.kind == "stack")


def test_pack_files_pin_the_runtime_and_sdk() -> None:
    yaml_text = (PROJECT_DIR / "policies" / "PulumiPolicy.yaml").read_text()
    assert "name: python" in yaml_text and "virtualenv: venv" in yaml_text
    requirements = (PROJECT_DIR / "policies" / "requirements.txt").read_text().split()
    assert "pulumi-policy==1.21.0" in requirements and "pulumi==3.272.0" in requirements


@pytest.mark.parametrize("env", ENVS)
def test_config_file_is_valid_for_every_policy_schema(env: str) -> None:
    config = load_pack_config(config_path(env))
    assert config["all"] in ("mandatory", "advisory", "disabled")
    unknown = set(config) - {"all"} - set(BY_ID)
    assert not unknown, f"{env}.json names unknown rules {unknown}"
    schemas = {p.name: p.config_schema for p in build_policies()}
    for rule in RULES:
        props = policy_config(rule, config)
        schema = schemas[rule.id]
        assert schema is not None
        unknown_props = set(props) - set(schema.properties)
        assert not unknown_props, f"{env}.json {rule.id}: {unknown_props} not in the config schema"
        jsonschema.validate(props, {"type": "object", "properties": schema.properties})


def test_levels_follow_the_environment_split() -> None:
    configs = {e: load_pack_config(config_path(e)) for e in ENVS}
    dev, prod = configs["dev"], configs["prod"]
    for rule in RULES:
        if rule.group == "security":
            levels = {effective_level(rule, cfg) for cfg in configs.values()}
            assert levels == {"mandatory"}, rule.id
    assert effective_level(BY_ID["db-multi-az"], dev) == "disabled"
    assert effective_level(BY_ID["db-multi-az"], prod) == "mandatory"
    assert effective_level(BY_ID["stateful-resources-protected"], prod) == "mandatory"
    assert effective_level(BY_ID["cost-dev-footprint"], dev) == "mandatory"
    assert effective_level(BY_ID["cost-dev-footprint"], prod) == "disabled"
    for rule in ("dr-cross-region", "dr-backup-copies", "dr-objectives-met"):
        assert effective_level(BY_ID[rule], prod) == "mandatory"
        assert effective_level(BY_ID[rule], dev) == "disabled"
    assert effective_level(BY_ID["obs-alarms-for-stateful"], prod) == "mandatory"
    assert effective_level(BY_ID["cost-stack-budget"], prod) == "mandatory"


def test_level_resolution_order() -> None:
    rule = BY_ID["db-deletion-protection"]
    assert rule.group == "availability"
    assert effective_level(rule, {}) == "advisory"  # the level in code
    assert effective_level(BY_ID["db-cmk"], {}) == "mandatory"  # security: mandatory in code
    assert effective_level(rule, {"all": "mandatory"}) == "mandatory"
    assert (
        effective_level(rule, {"all": "mandatory", "db-deletion-protection": "disabled"})
        == "disabled"
    )
    assert (
        effective_level(
            rule, {"all": "disabled", "db-deletion-protection": {"enforcementLevel": "advisory"}}
        )
        == "advisory"
    )
    with pytest.raises(ValueError, match="db-deletion-protection"):
        effective_level(rule, {"db-deletion-protection": "blocking"})


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(value)
    return s


def _analyze(
    servicer: _PolicyAnalyzerServicer, type_: str, props: dict[str, Any]
) -> dict[str, int]:
    request = analyzer_pb2.AnalyzeRequest(
        type=type_, urn=f"urn:pulumi:x::groundwork::{type_}::r", name="r", properties=_struct(props)
    )
    return {d.policyName: d.enforcementLevel for d in servicer.Analyze(request, None).diagnostics}


def test_engine_servicer_runs_our_policies_with_config_from_the_file() -> None:
    """The real analyzer servicer: unconfigured it reports at the code levels; configured as the
    CLI does from dev.json (per-policy level + properties), dev's thresholds reach the rules."""
    servicer = _PolicyAnalyzerServicer(
        "groundwork-guardrails", "0.1.0", build_policies(), pulumi_policy.EnforcementLevel.ADVISORY
    )
    mandatory = servicer._map_enforcement_level(pulumi_policy.EnforcementLevel.MANDATORY)
    eks = {
        "version": "1.35",
        "vpcConfig": {"endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]},
        "encryptionConfig": {"resources": ["secrets"]},
        "enabledClusterLogTypes": ["api", "audit", "authenticator"],
        "tags": {"environment": "dev", "owner": "o", "cost-center": "c", "service": "s"},
    }
    assert (
        _analyze(servicer, "aws:kms/key:Key", {"enableKeyRotation": False})["kms-key-rotation"]
        == mandatory
    )
    assert "k8s-cluster-endpoint-not-open" in _analyze(servicer, "aws:eks/cluster:Cluster", eks)

    dev = load_pack_config(config_path("dev"))
    configs = {
        rule.id: analyzer_pb2.PolicyConfig(
            enforcementLevel=servicer._map_enforcement_level(
                pulumi_policy.EnforcementLevel(effective_level(rule, dev))
            ),
            properties=_struct(policy_config(rule, dev)),
        )
        for rule in RULES
    }
    servicer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=configs), None)
    assert "k8s-cluster-endpoint-not-open" not in _analyze(servicer, "aws:eks/cluster:Cluster", eks)
    request = analyzer_pb2.AnalyzeRequest(
        type="aws:kms/key:Key", urn="urn:pulumi:x::groundwork::aws:kms/key:Key::r", name="r",
        properties=_struct({"enableKeyRotation": "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"}),
    )  # fmt: skip
    unknown = [
        d for d in servicer.Analyze(request, None).diagnostics if d.policyName == "kms-key-rotation"
    ]
    # Unknown at preview: the engine's own "can't run policy during preview" diagnostic (the
    # policy runs again during the update with the value known), never a silent pass.
    assert len(unknown) == 1
    assert "can't run policy 'kms-key-rotation'" in unknown[0].message
    assert "enableKeyRotation" in unknown[0].message
    advisory = servicer._map_enforcement_level(pulumi_policy.EnforcementLevel.ADVISORY)
    assert unknown[0].enforcementLevel == advisory


def test_config_files_are_the_engine_format() -> None:
    for env in ENVS:
        data = json.loads(Path(config_path(env)).read_text())
        for key, value in data.items():
            assert isinstance(value, str) or "enforcementLevel" in value, f"{env}.json {key}"


def test_pack_starts_as_a_real_analyzer_and_answers_over_grpc() -> None:
    """Runs the pack the way the policy runtime does (`python .` in policies/, which prints the
    port and serves), then asks it over gRPC, like the engine, for its policies and a verdict."""
    import subprocess
    import sys

    import grpc
    from google.protobuf import empty_pb2
    from pulumi.runtime.proto import analyzer_pb2_grpc

    proc = subprocess.Popen(
        [sys.executable, "-u", "."],
        cwd=PROJECT_DIR / "policies",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        port = proc.stdout.readline().strip()
        assert port.isdigit(), proc.stderr.read() if proc.stderr else ""
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = analyzer_pb2_grpc.AnalyzerStub(channel)
            info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=20)
            assert info.name == "groundwork-guardrails"
            assert {p.name for p in info.policies} == {r.id for r in RULES}
            request = analyzer_pb2.AnalyzeRequest(
                type="aws:ec2/securityGroup:SecurityGroup",
                urn="urn:pulumi:dev::groundwork::aws:ec2/securityGroup:SecurityGroup::web",
                name="web",
                properties=_struct(
                    {
                        "ingress": [
                            {
                                "protocol": "tcp",
                                "fromPort": 22,
                                "toPort": 22,
                                "cidrBlocks": ["0.0.0.0/0"],
                            }
                        ]
                    }
                ),
            )
            names = {d.policyName for d in stub.Analyze(request, timeout=20).diagnostics}
            assert "net-sg-no-public-admin-ports" in names
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
