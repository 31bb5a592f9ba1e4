"""`python -m planner.monitoring_validate --bin DIR [stack...]` (run through
`./tasks monitoring-validate`): the upstream validators over what the stacks deploy.

For each stack (default: every `Pulumi.<stack>.yaml`) the offline plan runs in-process and this
exports the Alertmanager configuration the stack deploys (the `alertmanager-config` Secret, or
kube-prometheus-stack's `alertmanager.config` value) and every PrometheusRule's groups, into a
temporary directory (they can hold webhook URLs and keys: never written under the project), then
runs `amtool check-config` and `promtool check rules` on them (built from the Go module proxy by
tools/monitoring-validators/build); also on what the stacks do not exercise (`examples`: every
receiver kind, the rules of every metrics source and convention), built by the same functions. Negative controls: a deliberately broken rule file and a
configuration routing to an undefined receiver must make the validators fail, else the check
itself is broken. Exit 0 when every file passes and both controls fail; 1 otherwise; 2 when the
validators are missing or a stack cannot be planned.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from planner.stackfile import StackFileError, read_stack_file, stack_names

HELM = "kubernetes:helm.sh/v3:Release"
SECRET = "kubernetes:core/v1:Secret"  # noqa: S105 (a type token)
RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
EXIT_OK, EXIT_FAILED, EXIT_SETUP = 0, 1, 2

BROKEN_RULES = {
    "groups": [
        {
            "name": "negative-control",
            "rules": [
                {"alert": "Broken", "expr": "sum(rate(http_requests_total[5m])", "for": "5m"}
            ],
        }
    ]
}
"""Unbalanced parentheses: promtool must refuse it."""
BROKEN_CONFIG = {
    "route": {"receiver": "nowhere"},
    "receivers": [{"name": "null"}],
}
"""Routes to a receiver that does not exist: amtool must refuse it."""


@dataclass
class Exported:
    """What one stack deploys for the validators, by name."""

    alertmanager: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    rules: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    tests: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """`promtool test rules` groups, by the name of the rules they test (planner/rule_tests.py)."""
    controls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Test groups promtool must fail, by the name of the rules they test."""


def _inputs(r: Any) -> Mapping[str, Any]:
    return r.inputs if isinstance(r.inputs, Mapping) else {}


def export(recorded: Iterable[Any]) -> Exported:
    """The Alertmanager configurations and PrometheusRule groups among recorded resources."""
    from components.kubernetes.platform.monitoring import (  # noqa: PLC0415 (imports the SDK)
        ALERTMANAGER_CONFIG_KEY as CONFIG_KEY,
    )
    from components.kubernetes.platform.monitoring_spec import (  # noqa: PLC0415
        ALERTMANAGER_CONFIG_SECRET as CONFIG_SECRET,
    )

    found = Exported()
    for r in recorded:
        inputs = _inputs(r)
        if r.type == SECRET and (inputs.get("metadata") or {}).get("name") == CONFIG_SECRET:
            text = (inputs.get("stringData") or {}).get(CONFIG_KEY)
            found.alertmanager[r.name] = yaml.safe_load(text) if isinstance(text, str) else {}
        elif r.type == HELM and inputs.get("chart") == "kube-prometheus-stack":
            config = ((inputs.get("values") or {}).get("alertmanager") or {}).get("config")
            if config is not None:
                found.alertmanager[r.name] = config
        elif r.type == RULE:
            found.rules[r.name] = {"groups": (inputs.get("spec") or {}).get("groups", [])}
    return found


def examples() -> Exported:
    """What the stacks' files do not exercise (they hold no secrets; their services read the
    Gateway's request metrics or none): every receiver kind, and the rules of every metrics
    source and convention."""
    from components.kubernetes.platform.gateway_metrics import GatewayProxies  # noqa: PLC0415
    from components.kubernetes.platform.workload_monitoring import alert_rules  # noqa: PLC0415
    from components.kubernetes.platform.workload_monitoring_spec import (  # noqa: PLC0415
        WorkloadMetricsArgs,
    )
    from components.monitoring import (  # noqa: PLC0415
        AlertRouting,
        ChatRelay,
        SeverityChannels,
        SmtpRelay,
        Webhook,
        alertmanager_config,
    )
    from planner.rule_tests import mismatched_control, rule_tests  # noqa: PLC0415

    routing = AlertRouting(
        severities={
            "P0": SeverityChannels(pages=True, sms=("+4915112345678",), webhooks=("ops",)),
            "P1": SeverityChannels(pages=True, webhooks=("dingtalk",)),
            "P2": SeverityChannels(emails=("team@example.com",), webhooks=("chat",)),
            "P3": SeverityChannels(emails=("team@example.com",)),
        },
        webhooks={
            "ops": Webhook("https", "https://hooks.example.com/ops"),
            "dingtalk": Webhook("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=x"),
            "chat": Webhook("slack", "https://hooks.slack.com/services/T0/B0/x"),
        },
        pagerduty_key="0123456789abcdef0123456789abcdef",
    )
    topics = {
        s: f"arn:aws:sns:eu-west-1:123456789012:alerts-{s.lower()}" for s in routing.severities
    }
    relay = SmtpRelay("smtpdm.aliyun.com", 465, "alerts@example.com", "alerts@example.com", "pw")
    found = Exported(
        alertmanager={
            "every-receiver-kind": alertmanager_config(routing, topics, "eu-west-1"),
            # No topics (Alibaba Cloud): email through an SMTP relay.
            "email-through-smtp": alertmanager_config(routing, smtp=relay),
            # Alibaba Cloud: DingTalk/WeCom to the alert relay's endpoint with a bearer token.
            "chat-through-relay": alertmanager_config(
                routing,
                smtp=relay,
                chat_relay=ChatRelay("https://relay.cn-shanghai-vpc.fcapp.run", "t0ken"),
            ),
        }
    )
    proxies = GatewayProxies(namespace="gateway", pod_labels={"app": "envoy"})
    sources = {
        "app": WorkloadMetricsArgs(source="app"),
        "app-opentelemetry": WorkloadMetricsArgs(source="app", convention="opentelemetry"),
        "gateway": WorkloadMetricsArgs(source="gateway", gateway=proxies),
        "none": WorkloadMetricsArgs(source="none"),
    }
    for key, args in sources.items():
        rules = alert_rules("example", "apps", args)
        found.rules[f"source-{key}"] = {"groups": [{"name": f"apps.example.{key}", "rules": rules}]}
        if tests := rule_tests("example", "apps", args):
            found.tests[f"source-{key}"] = tests
    found.controls["source-gateway"] = mismatched_control("example", "apps", sources["gateway"])
    return found


def _write(path: Path, data: Mapping[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(dict(data), sort_keys=False))
    return path


def _test_rules(
    promtool: str, path: Path, rules: Path, tests: list[dict[str, Any]]
) -> tuple[bool, str]:
    from planner.rule_tests import test_file  # noqa: PLC0415

    _write(path, test_file(rules.name, tests))
    return _run([promtool, "test", "rules", str(path)])


def _run(cmd: Sequence[str]) -> tuple[bool, str]:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    return done.returncode == 0, (done.stdout + done.stderr).strip()


@dataclass
class Tally:
    passed: int = 0
    failed: list[str] = field(default_factory=list)

    def record(self, what: str, ok: bool, output: str) -> None:
        if ok:
            self.passed += 1
            print(f"  ok    {what}")
        else:
            self.failed.append(what)
            print(
                f"  FAIL  {what}\n" + "\n".join(f"        {line}" for line in output.splitlines())
            )


def check(bin_dir: Path, stacks: Mapping[str, Exported], work: Path) -> Tally:
    """Run the validators on every exported file and the two negative controls."""
    amtool, promtool = str(bin_dir / "amtool"), str(bin_dir / "promtool")
    tally = Tally()
    for stack, found in stacks.items():
        print(f"== {stack}: {len(found.alertmanager)} Alertmanager config(s), "
              f"{len(found.rules)} PrometheusRule(s)")  # fmt: skip
        for name, config in found.alertmanager.items():
            path = _write(work / f"{stack}-{name}-alertmanager.yaml", config)
            tally.record(
                f"amtool check-config {stack}/{name}", *_run([amtool, "check-config", str(path)])
            )
        for name, rules in found.rules.items():
            path = _write(work / f"{stack}-{name}-rules.yaml", rules)
            tally.record(
                f"promtool check rules {stack}/{name}",
                *_run([promtool, "check", "rules", str(path)]),
            )
            if tests := found.tests.get(name):
                tally.record(
                    f"promtool test rules {stack}/{name} ({len(tests)} cases)",
                    *_test_rules(promtool, work / f"{stack}-{name}-test.yaml", path, tests),
                )
            if control := found.controls.get(name):
                failed, output = _test_rules(
                    promtool, work / f"{stack}-{name}-control.yaml", path, control
                )
                tally.record(
                    f"promtool test rules refuses {stack}/{name} alerting on another "
                    "service's series",
                    not failed,
                    output,
                )
    print("== negative controls (each must be refused)")
    refused, output = _run(
        [promtool, "check", "rules", str(_write(work / "broken-rules.yaml", BROKEN_RULES))]
    )
    tally.record("promtool refuses a broken rule", not refused, output)
    refused, output = _run(
        [amtool, "check-config", str(_write(work / "broken-am.yaml", BROKEN_CONFIG))]
    )
    tally.record("amtool refuses a route to an undefined receiver", not refused, output)
    return tally


def plan(project_dir: Path, stack: str) -> Exported:
    from planner.runner import run_program  # noqa: PLC0415 (the SDK: only when planning)

    return export(run_program(project_dir, read_stack_file(project_dir, stack)).recorded)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", type=Path, required=True, help="directory with amtool, promtool")
    parser.add_argument("--project-dir", type=Path, default=Path())
    parser.add_argument("stacks", nargs="*")
    args = parser.parse_args(argv)
    missing = [t for t in ("amtool", "promtool") if not (args.bin / t).is_file()]
    if missing:
        print(f"error: {', '.join(missing)} not found in {args.bin} "
              "(tools/monitoring-validators/build builds them; it needs Go)", file=sys.stderr)  # fmt: skip
        return EXIT_SETUP
    project_dir = args.project_dir.resolve()
    stacks = args.stacks or stack_names(project_dir)
    try:
        exported = {s: plan(project_dir, s) for s in stacks}
    except StackFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SETUP
    if not any(e.alertmanager or e.rules for e in exported.values()):
        print("error: no stack deploys an Alertmanager configuration or a PrometheusRule: "
              "nothing to validate", file=sys.stderr)  # fmt: skip
        return EXIT_FAILED
    exported["components"] = examples()
    with tempfile.TemporaryDirectory(prefix="monitoring-validate-") as tmp:
        tally = check(args.bin, exported, Path(tmp))
    print(f"{tally.passed} passed, {len(tally.failed)} failed")
    return EXIT_OK if not tally.failed else EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
