"""`./tasks monitoring-validate` (planner/monitoring_validate.py): what it exports from a plan, and
that its verdict follows the validators, negative controls included. The real promtool and amtool
run in `.ci/run` (built with Go); here stand-in validators show the verdict logic, so these tests
run on a machine with only Python."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml

from planner.monitoring_validate import BROKEN_CONFIG, BROKEN_RULES, check, export, main
from tests.conftest import built


def test_every_stack_exports_its_alertmanager_config_and_rules() -> None:
    prod = export(built("prod").recorded)
    assert list(prod.alertmanager) == ["acme-prod-monitoring-alertmanager-config"]
    (config,) = prod.alertmanager.values()
    assert {r["name"] for r in config["receivers"]} == {"null", "P0", "P1", "P2", "P3"}
    assert list(prod.rules) == ["web-rules"]
    # web exports no request metrics and the ALB none either (`source: none`, opted out):
    # saturation and restarts only; the request rules are validated through `examples()`.
    assert {r["alert"] for r in prod.rules["web-rules"]["groups"][0]["rules"]} >= {
        "WorkloadCpuSaturated", "WorkloadPodRestarting",
    }  # fmt: skip
    prod_cn = export(built("prod-cn").recorded)  # the generated SMTP password: a Secret of its own
    assert list(prod_cn.alertmanager) == ["acme-prod-monitoring-alertmanager-config"]
    (cn_config,) = prod_cn.alertmanager.values()
    assert cn_config["global"]["smtp_smarthost"] == "smtpdm.aliyun.com:465"


def _validator(directory: Path, name: str, refuses: str) -> None:
    """A stand-in that fails when the checked file contains `refuses`."""
    path = directory / name
    path.write_text(f'#!/bin/sh\nfor f; do :; done\ngrep -q "{refuses}" "$f" && exit 1\nexit 0\n')
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_the_verdict_needs_clean_files_and_both_negative_controls_refused(tmp_path: Path) -> None:
    bins = tmp_path / "bin"
    bins.mkdir()
    found = {"prod": export(built("prod").recorded)}
    _validator(bins, "promtool", "sum(rate(http_requests_total\\[5m\\])$")
    _validator(bins, "amtool", "receiver: nowhere")
    tally = check(bins, found, tmp_path)
    assert tally.failed == [] and tally.passed == 4  # 1 config, 1 rule file, 2 controls
    # A promtool that accepts everything makes the negative control, and so the task, fail.
    _validator(bins, "promtool", "never-matches")
    assert check(bins, found, tmp_path).failed == ["promtool refuses a broken rule"]
    _validator(bins, "amtool", "receivers")  # refuses every config, the stack's too
    assert (
        "amtool check-config prod/acme-prod-monitoring-alertmanager-config"
        in check(bins, found, tmp_path).failed
    )


def test_the_negative_controls_are_broken_for_the_reason_named() -> None:
    expr = BROKEN_RULES["groups"][0]["rules"][0]["expr"]
    assert expr.count("(") == expr.count(")") + 1
    names = {r["name"] for r in BROKEN_CONFIG["receivers"]}
    assert BROKEN_CONFIG["route"]["receiver"] not in names
    assert yaml.safe_dump(BROKEN_CONFIG)  # writable as the validators read it


def test_without_the_validators_it_exits_2_naming_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--bin", str(tmp_path), "dev"]) == 2
    assert "amtool, promtool not found" in capsys.readouterr().err


def test_the_examples_cover_every_receiver_kind_and_metrics_source() -> None:
    from planner.monitoring_validate import examples

    found = examples()
    kinds = {
        k
        for config in found.alertmanager.values()
        for r in config["receivers"]
        for k in r
        if k.endswith("_configs")
    }
    assert kinds == {
        "pagerduty_configs", "slack_configs", "webhook_configs", "sns_configs", "email_configs",
    }  # fmt: skip
    assert set(found.rules) == {
        "source-app", "source-app-opentelemetry", "source-gateway", "source-none",
    }  # fmt: skip
    # The relay's bearer token is an http_config amtool checks too.
    relayed = next(r for r in found.alertmanager["chat-through-relay"]["receivers"] if r["name"] == "P1")  # fmt: skip
    assert relayed["webhook_configs"][0]["http_config"]["authorization"]["type"] == "Bearer"


def test_the_rule_unit_tests_run_and_their_control_must_be_refused(tmp_path: Path) -> None:
    from planner.monitoring_validate import examples

    bins = tmp_path / "bin"
    bins.mkdir()
    _validator(bins, "amtool", "receiver: nowhere")
    # A promtool passing every rule test: the control (alerts expected from another service's
    # series) passes too, so the verdict fails on it.
    _validator(bins, "promtool", "sum(rate(http_requests_total\\[5m\\])$")
    tally = check(bins, {"components": examples()}, tmp_path)
    control = (
        "promtool test rules refuses components/source-gateway alerting on another service's series"
    )
    assert tally.failed == [control]
    # One refusing the control (and the broken rule): every rule test and the control pass.
    _validator(bins, "promtool", "name: control\\|sum(rate(http_requests_total\\[5m\\])$")
    found = examples()
    tally = check(bins, {"components": found}, tmp_path)
    assert tally.failed == []
    assert len(found.tests) == 3 and len(found.controls) == 1  # app x2 conventions, gateway
    # Every config and rule file, the 3 rule tests, their control, the 2 negative controls.
    assert tally.passed == len(found.alertmanager) + len(found.rules) + 3 + 1 + 2
