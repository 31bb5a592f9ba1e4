"""Container logs and traces: Fluent Bit ships into a log group we create, the OpenTelemetry
Collector samples and exports traces, and workloads reach it over exactly the OTLP path."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import ConfigError, parse_config
from infra.build import build
from tests.conftest import built, of_type, one, raw_stack_config, run_mocked, stack_config

RELEASE = "kubernetes:helm.sh/v3:Release"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"


def _release(stack: str, chart: str) -> dict[str, Any]:
    (found,) = [r for r in of_type(built(stack), RELEASE) if r.inputs["chart"] == chart]
    return found.inputs


def _policy_of(stack: str, role_suffix: str) -> list[dict[str, Any]]:
    policy = one(
        built(stack),
        "aws:iam/rolePolicy:RolePolicy",
        f"acme-{stack}-telemetry-{role_suffix}-policy",
    )
    return json.loads(policy.inputs["policy"])["Statement"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_container_logs_go_to_our_encrypted_group_of_the_application_class(stack: str) -> None:
    group = one(built(stack), LOG_GROUP, f"acme-{stack}-telemetry-container-logs").inputs
    assert group["name"] == f"/aws/eks/acme-{stack}/containers"
    assert group["kmsKeyId"]  # its own rotated key
    assert group["tags"]["log-class"] == "application"
    cfg = stack_config(stack)
    assert group["retentionInDays"] == cfg.logs.retention.application
    values = _release(stack, "aws-for-fluent-bit")["values"]
    out = values["cloudWatchLogs"]
    assert out["logGroupName"] == group["name"]
    assert out["autoCreateGroup"] is False  # never a group without key or retention
    assert out["logGroupTemplate"] is None
    assert all(values[o] == {"enabled": False} for o in ("cloudWatch", "firehose", "kinesis"))


def test_fluent_bit_may_only_write_to_that_group() -> None:
    (statement,) = _policy_of("prod", "fluent-bit-irsa")
    assert set(statement["Action"]) == {"logs:CreateLogStream", "logs:PutLogEvents",
                                        "logs:DescribeLogStreams"}  # fmt: skip
    assert all("/aws/eks/acme-prod/containers" in r for r in statement["Resource"])
    trust = one(built("prod"), "aws:iam/role:Role", "acme-prod-telemetry-fluent-bit-irsa")
    sub = json.loads(trust.inputs["assumeRolePolicy"])["Statement"][0]["Condition"]["StringEquals"]
    assert "system:serviceaccount:kube-system:aws-for-fluent-bit" in sub.values()


def test_collector_samples_from_config_and_exports_to_xray_by_default() -> None:
    values = _release("prod", "opentelemetry-collector")["values"]
    config = values["config"]
    assert config["processors"]["probabilistic_sampler"]["sampling_percentage"] == 10.0
    assert config["exporters"] == {"awsxray": {"region": "eu-west-1"}}
    assert config["service"]["pipelines"]["traces"]["exporters"] == ["awsxray"]
    assert config["service"]["pipelines"]["traces"]["receivers"] == ["otlp"]
    assert [p for p, v in values["ports"].items() if v["enabled"]] == ["otlp"]
    (statement,) = _policy_of("prod", "collector-irsa")
    assert all(a.startswith(("xray:Put", "xray:GetSampling")) for a in statement["Action"])
    dev = _release("dev", "opentelemetry-collector")["values"]["config"]
    assert dev["processors"]["probabilistic_sampler"]["sampling_percentage"] == 5.0  # dev preset


def test_an_otlp_endpoint_replaces_xray_and_needs_no_role() -> None:
    cfg = stack_config("prod", tracing={"exporter": "otlp",
                                         "endpoint": "https://jaeger.acme.example:4317",
                                         "samplingRatio": 0.25})  # fmt: skip
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    (collector,) = [r for r in of_type(monitor, RELEASE)
                    if r.inputs["chart"] == "opentelemetry-collector"]  # fmt: skip
    config = collector.inputs["values"]["config"]
    assert config["exporters"] == {"otlp": {"endpoint": "https://jaeger.acme.example:4317"}}
    assert config["processors"]["probabilistic_sampler"]["sampling_percentage"] == 25.0
    assert not [r for r in of_type(monitor, "aws:iam/role:Role") if "collector-irsa" in r.name]


@pytest.mark.parametrize(
    ("tracing", "key", "fragment"),
    [
        ({"exporter": "otlp"}, "groundwork:tracing.endpoint", "required by exporter otlp"),
        (
            {"endpoint": "https://x.example:4317"},
            "groundwork:tracing.endpoint",
            "only for exporter otlp",
        ),
        (
            {"exporter": "otlp", "endpoint": "http://x.example:4317"},
            "groundwork:tracing.endpoint",
            "https",
        ),
        ({"samplingRatio": 0}, "groundwork:tracing.samplingRatio", "greater than 0"),
        ({"samplingRatio": 1.5}, "groundwork:tracing.samplingRatio", "less than or equal to 1"),
    ],
)
def test_bad_tracing_is_refused_naming_the_key(
    tracing: dict[str, Any], key: str, fragment: str
) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({**raw_stack_config("dev"), "tracing": tracing})
    lines = [p for p in err.value.problems if p.startswith(f"{key}:")]
    assert lines and fragment in lines[0], err.value.problems


def test_workloads_get_the_endpoint_and_exactly_the_otlp_path() -> None:
    monitor = built("prod")
    deployment = one(monitor, DEPLOYMENT, "web-deployment").inputs
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env == {
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://opentelemetry-collector.monitoring.svc.cluster.local:4317",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
    }
    egress = one(monitor, NETPOL, "web-netpol").inputs["spec"]["egress"]
    to_collector = [e for e in egress if e["to"][0].get("namespaceSelector", {}).get("matchLabels", {})
                    .get("kubernetes.io/metadata.name") == "monitoring"]  # fmt: skip
    (rule,) = to_collector
    assert rule["ports"] == [{"protocol": "TCP", "port": 4317}]
    assert (
        rule["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
        == "opentelemetry-collector"
    )
    admit = one(monitor, NETPOL, "acme-prod-telemetry-collector-otlp").inputs["spec"]
    assert admit["policyTypes"] == ["Ingress"]
    (ingress,) = admit["ingress"]
    assert ingress["ports"] == [{"protocol": "TCP", "port": 4317}]
    names = ingress["from"][0]["namespaceSelector"]["matchExpressions"][0]["values"]
    assert names == ["apps"]


def test_without_tracing_no_collector_no_env_no_path() -> None:
    cfg = stack_config("dev", tracing={"enabled": False})
    monitor = run_mocked(lambda: build(cfg), stack="dev")
    assert not [
        r for r in of_type(monitor, RELEASE) if r.inputs["chart"] == "opentelemetry-collector"
    ]
    (container,) = one(monitor, DEPLOYMENT, "web-deployment").inputs["spec"]["template"]["spec"][
        "containers"
    ]
    assert "env" not in container
    egress = one(monitor, NETPOL, "web-netpol").inputs["spec"]["egress"]
    assert all("podSelector" not in e["to"][0] for e in egress)


def test_the_collector_may_export_out_of_its_default_deny_namespace() -> None:
    export = one(built("prod"), NETPOL, "acme-prod-telemetry-collector-export").inputs["spec"]
    assert (
        export["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "opentelemetry-collector"
    )
    assert export["egress"] == [
        {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 443}]}
    ]  # X-Ray, STS
    cfg = stack_config(
        "prod", tracing={"exporter": "otlp", "endpoint": "https://jaeger.acme.example:4317"}
    )
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    spec = one(monitor, NETPOL, "acme-prod-telemetry-collector-export").inputs["spec"]
    assert spec["egress"][0]["ports"] == [{"protocol": "TCP", "port": 4317}]
