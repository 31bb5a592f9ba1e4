"""In-cluster alert delivery on Alibaba Cloud (issue #12 on the cn stacks): the Alertmanager mails
each severity's `emails` from a DirectMail sender the stack creates with a generated SMTP password
(TLS required), from the same `groundwork:alerting` section that CloudMonitor's contacts come from;
config refuses a severity whose in-cluster alerts would reach nobody."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from components.kubernetes.platform.monitoring import network_policy_specs
from components.monitoring import SEVERITIES, alertmanager_config
from components.monitoring.alicloud_mail_spec import AlertMailSenderArgs, validate_mail_sender
from infra import ConfigError, parse_config
from infra.build import build
from infra.config import AlicloudStackConfig
from infra.layers import metrics_args
from planner.cli import EXIT_OK, main
from planner.recorder import RecordingMonitor
from tests.conftest import PROJECT_DIR, built, raw_stack_config, run_mocked
from tests.test_metrics_stack import alertmanager_config_of

CONTACT = "alicloud:cms/alarmContact:AlarmContact"
GROUP = "alicloud:cms/alarmContactGroup:AlarmContactGroup"
MAIL = "alicloud:directmail/mailAddress:MailAddress"
PASSWORD = "random:index/randomPassword:RandomPassword"


def build_cn(stack: str, alerting: dict[str, Any]) -> RecordingMonitor:
    cfg = parse_config({**raw_stack_config(stack), "alerting": alerting})
    return run_mocked(lambda: build(cfg), stack=stack)


def receiver(config: dict[str, Any], severity: str) -> dict[str, Any]:
    return next(rc for rc in config["receivers"] if rc["name"] == severity)


def refused(stack: str, alerting: dict[str, Any], **more: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config({**raw_stack_config(stack), "alerting": alerting, **more})
    return caught.value.problems


# -- what the cn stacks deploy ------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev-cn", "prod-cn"])
def test_each_severitys_emails_get_the_cluster_alerts_through_directmail_over_tls(
    stack: str,
) -> None:
    monitor = built(stack)
    config, secret_paths = alertmanager_config_of(monitor)
    assert secret_paths == ["stringData"]  # the config, password inside, only as a secret
    smtp = config["global"]
    assert smtp["smtp_smarthost"] == "smtpdm.aliyun.com:465"  # TLS from the first byte
    assert smtp["smtp_require_tls"] is True
    assert smtp["smtp_from"] == smtp["smtp_auth_username"] == "alerts@mail.acme.example"
    section = raw_stack_config(stack)["alerting"]["severities"]
    for severity in SEVERITIES:
        (mail,) = receiver(config, severity)["email_configs"]
        assert mail["to"] == ", ".join(section[severity]["emails"])
        assert mail["send_resolved"] is True
    assert "sns_configs" not in str(config)
    # The whole configuration is what the one alerting section gives, with the sender's relay.
    (sender,) = monitor.by_type(MAIL)
    assert config == alertmanager_config(
        parse_config(raw_stack_config(stack)).alerting.routing(),
        smtp=metrics_relay(config),
    )
    assert sender.inputs["accountName"] == "alerts@mail.acme.example"


def metrics_relay(config: dict[str, Any]) -> Any:
    from components.monitoring import SmtpRelay

    g = config["global"]
    host, port = g["smtp_smarthost"].split(":")
    return SmtpRelay(host, int(port), g["smtp_from"], g["smtp_auth_username"],
                     g["smtp_auth_password"])  # fmt: skip


def test_the_smtp_password_is_generated_secret_and_the_senders() -> None:
    monitor = built("prod-cn")
    (sender,) = monitor.by_type(MAIL)
    assert sender.inputs["sendtype"] == "trigger"
    assert "password" in sender.secret_paths
    (password,) = [
        r for r in monitor.by_type(PASSWORD) if r.name == "acme-prod-alert-mail-smtp-password"
    ]
    assert password.inputs["length"] == 20 and password.inputs["special"] is False
    assert any(password.urn in urns for urns in sender.property_dependencies.values())
    # DirectMail's mainland region, not the stack's.
    assert str(sender.provider).endswith("::pulumi:providers:alicloud::alicloud-mail-cn-hangzhou")
    (secret,) = [
        r for r in monitor.by_type("kubernetes:core/v1:Secret")
        if r.inputs["metadata"]["name"] == "alertmanager-config"
    ]  # fmt: skip
    config, _ = alertmanager_config_of(monitor)
    assert config["global"]["smtp_auth_password"] == password.outputs["result"]
    # Generated, not written in the program: the mandatory k8s-no-plaintext-secret holds.
    assert sender.urn in {u for urns in secret.property_dependencies.values() for u in urns}


def test_alertmanager_may_reach_the_relays_port_and_https_only() -> None:
    cfg = parse_config(raw_stack_config("prod-cn"))
    wiring = metrics_args.AlertmanagerWiring(config={}, notify_ports=(443, 465))
    specs = network_policy_specs(metrics_args.stack_args(cfg, "alicloud-disk-essd", 20, wiring))
    ports = specs["allow-alertmanager-notify"]["egress"][0]["ports"]
    assert ports == [{"protocol": "TCP", "port": 443}, {"protocol": "TCP", "port": 465}]
    (recorded,) = [
        r for r in built("prod-cn").by_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
        if r.inputs["metadata"]["name"] == "allow-alertmanager-notify"
    ]  # fmt: skip
    assert recorded.inputs["spec"]["egress"][0]["ports"] == ports


def test_one_channel_change_changes_the_cloudmonitor_contacts_and_the_alertmanager_receiver() -> (
    None
):
    def both(address: str) -> tuple[set[str], list[str], str]:
        section = copy.deepcopy(raw_stack_config("prod-cn")["alerting"])
        section["severities"]["P1"]["emails"] = [address]
        monitor = build_cn("prod-cn", section)
        mails = {str(c.inputs["channelsMail"]) for c in monitor.by_type(CONTACT)
                 if "channelsMail" in c.inputs}  # fmt: skip
        (p1,) = [g for g in monitor.by_type(GROUP) if g.name.endswith("-p1")]
        config, _ = alertmanager_config_of(monitor)
        to = str(receiver(config, "P1")["email_configs"][0]["to"])
        return mails, list(p1.inputs["contacts"]), to

    before_mails, before_group, before_to = both("oncall@acme.example")
    after_mails, after_group, after_to = both("night-shift@acme.example")
    assert "night-shift@acme.example" not in before_mails
    assert "night-shift@acme.example" in after_mails
    assert [c.split("-email-")[1][:8] for c in before_group + after_group] == [
        "oncall-a",
        "night-sh",
    ]  # fmt: skip  (the P1 group's one contact, named after its address)
    assert (before_to, after_to) == ("oncall@acme.example", "night-shift@acme.example")


# -- config refuses what would tell nobody --------------------------------------------------------


def _without_mail(stack: str) -> dict[str, Any]:
    section = copy.deepcopy(raw_stack_config(stack)["alerting"])
    del section["directMail"]
    return section


def test_without_directmail_every_email_only_severity_is_refused_naming_it() -> None:
    problems = refused("dev-cn", _without_mail("dev-cn"))
    assert [p.split(": ", 1)[0] for p in problems] == [
        f"groundwork:alerting.severities.{s}" for s in SEVERITIES
    ]
    assert "its emails need alerting.directMail" in problems[0]
    assert "allowed: emails with alerting.directMail.sender set" in problems[0]


@pytest.mark.parametrize(
    ("p0", "webhooks", "why"),
    [
        ({"sms": ["+8613800000000"]}, {}, "Alertmanager sends no SMS"),
    ],
)  # fmt: skip
def test_a_severity_the_alertmanager_cannot_reach_is_refused_even_with_directmail(
    p0: dict[str, Any], webhooks: dict[str, Any], why: str
) -> None:
    section = copy.deepcopy(raw_stack_config("prod-cn")["alerting"])
    section["severities"]["P0"] = p0
    section["webhooks"] = webhooks
    (problem,) = refused("prod-cn", section)
    assert problem.startswith("groundwork:alerting.severities.P0: the in-cluster Alertmanager")
    assert why in problem


@pytest.mark.parametrize("kind", ["https", "slack", "dingtalk", "wecom"])
def test_a_webhook_reaches_someone_without_directmail(kind: str) -> None:
    """DingTalk and WeCom through the alert relay (tests/test_alert_relay_alicloud.py)."""
    section = _without_mail("dev-cn")
    section["severities"] = {s: {"webhooks": ["ops"]} for s in SEVERITIES}
    section["webhooks"] = {"ops": {"kind": kind, "url": "https://hooks.acme.example/x"}}
    cfg = parse_config({**raw_stack_config("dev-cn"), "alerting": section})
    assert isinstance(cfg, AlicloudStackConfig) and cfg.alerting.direct_mail is None


def test_without_an_alertmanager_the_in_cluster_check_does_not_apply() -> None:
    cfg = parse_config(
        {
            **raw_stack_config("dev-cn"),
            "alerting": _without_mail("dev-cn"),
            "metrics": {"enabled": False},
        }
    )
    assert cfg.alerting.configured


@pytest.mark.parametrize(
    ("mail", "key", "message"),
    [
        ({"sender": "Alerts@mail.acme.example"}, "alerting.directMail.sender", "lower-case"),
        ({"sender": "a.b@mail.acme.example"}, "alerting.directMail.sender", "local@domain"),
        ({"sender": "alerts@mail.acme.example", "port": 587}, "alerting.directMail.port",
         "allowed: 465, 25, 80"),
        ({"sender": "alerts@mail.acme.example", "region": "cn-shanghai"},
         "alerting.directMail.region", "cn-hangzhou"),
        ({"sender": "alerts@mail.acme.example", "region": "ap-southeast-1"},
         "alerting.directMail.region", "outside mainland China"),
    ],
)  # fmt: skip
def test_bad_directmail_config_is_refused_naming_the_key(
    mail: dict[str, Any], key: str, message: str
) -> None:
    section = {**raw_stack_config("prod-cn")["alerting"], "directMail": mail}
    problems = refused("prod-cn", section)
    assert any(p.startswith(f"groundwork:{key}: ") and message in p for p in problems), problems


def test_directmail_is_alibaba_only() -> None:
    section = {**raw_stack_config("prod")["alerting"],
               "directMail": {"sender": "alerts@mail.acme.example"}}  # fmt: skip
    problems = refused("prod", section)
    assert any(p.startswith("groundwork:alerting.directMail") for p in problems), problems


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (AlertMailSenderArgs(sender="alerts@mail.acme.example", port=587), "port"),
        (AlertMailSenderArgs(sender="alerts@mail.acme.example", region="cn-shanghai"), "region"),
        (AlertMailSenderArgs(sender="Alerts@Mail"), "sender"),
    ],
)
def test_the_component_refuses_what_directmail_would(args: AlertMailSenderArgs, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        validate_mail_sender(args)


@pytest.mark.slow
def test_the_offline_plan_never_shows_the_smtp_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR, project,
        ignore=shutil.ignore_patterns(".venv*", ".git", "out", "__pycache__", "tests", "docs"),
    )  # fmt: skip
    shutil.copy(PROJECT_DIR / "Pulumi.prod-cn.yaml", project / "Pulumi.case.yaml")
    code = main(["case", "--project-dir", str(project), "--quiet"])
    printed = capsys.readouterr()
    assert code == EXIT_OK, printed.out + printed.err
    report = json.loads((project / "out" / "plan-case.json").read_text())
    (sender,) = [r for r in report["resources"] if r["type"] == MAIL]
    assert sender["secretInputs"] == ["password"] and sender["inputs"]["password"] == "[secret]"
    (secret,) = [
        r for r in report["resources"]
        if r["type"] == "kubernetes:core/v1:Secret" and r["name"].endswith("alertmanager-config")
    ]  # fmt: skip
    assert secret["inputs"]["stringData"] == "[secret]"
    everything = printed.out + printed.err + json.dumps(report)
    everything += (project / "out" / "plan-case.md").read_text()
    assert "smtp_auth_password" not in everything  # the configuration never leaves its Secret
