"""The alert relay on Alibaba Cloud (issue #16, monitoring): a Function Compute 3.0 function that
CloudMonitor alarm rules invoke by ARN for the chats CloudMonitor cannot post to (WeCom, Slack,
signed DingTalk), with the same formatter as the AWS relay. Sample callbacks in, exact payloads
out; the plan's alarms of a severity with WeCom target the function; the targets are only ever a
KMS ciphertext; least privilege, bounded retries and a failure alarm; priced."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import shutil
import urllib.parse
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from components.monitoring.alicloud_relay import (
    CODE_DIR,
    CODE_FILES,
    HANDLER,
    HTTP_TRIGGER_CONFIG,
    RUNTIME,
)
from components.monitoring.relay.alicloud_handler import (
    REGION_ENV,
    TARGETS_ENV,
    alarm_severity,
    decrypt_request,
    is_http_request,
    relay,
    rpc_signature,
    serve_alertmanager,
)
from components.monitoring.relay.deliver import RelayError
from components.monitoring.relay.format import (
    parse_alertmanager_webhook,
    parse_cloudmonitor,
    payload,
)
from infra import ConfigError, parse_config
from infra.build import build
from planner.alarm_report import routing_rows
from planner.cli import EXIT_CONFIG, EXIT_OK, main
from planner.policy_report import policy_resources
from planner.recorder import RecordedResource, RecordingMonitor
from policies.guardrails import config_path, load_pack_config
from policies.guardrails.adapters import subject_of_resource
from policies.guardrails.engine import analyze
from policies.guardrails.pricing import estimate
from tests.conftest import PROJECT_DIR, built, raw_stack_config, run_mocked
from tests.test_metrics_stack import alertmanager_config_of

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-secret-key"
SLACK = "https://hooks.slack.com/services/T0/B0/slack-secret-path"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=ding-secret-token"
DINGTALK_SIGN = "SECding-signing-secret"
SECRETS = (WECOM, SLACK, DINGTALK, DINGTALK_SIGN)
FUNCTION = "alicloud:fc/v3Function:V3Function"
ALARM = "alicloud:cms/alarm:Alarm"
CONTACT = "alicloud:cms/alarmContact:AlarmContact"

# A CloudMonitor alarm rule's callback (the documented fields), as it invokes the function.
CALLBACK = {
    "userId": "1234567890123456",
    "alertName": "acme-prod-cache-memory-P1",
    "alertState": "ALERT",
    "timestamp": "1764417600000",
    "metricProject": "acs_kvstore",
    "metricName": "MemoryUsage",
    "curValue": "91.2",
    "dimensions": '[{"userId":"1234567890123456","instanceId":"r-0abc"}]',
    "expression": '[{"expression":"$Average>85","level":3,"times":3}]',
    "regionName": "cn-shanghai",
    "severity": "P1",
}
LINES = (
    "acs_kvstore/MemoryUsage = 91.2\n"
    "$Average>85 (3 times)\n"
    "instanceId=r-0abc\n"
    "cn-shanghai · 1234567890123456 · 1764417600000"
)
HEADLINE = "[P1] FIRING: acme-prod-cache-memory-P1"


# -- the formatter (shared with the AWS relay) ------------------------------------------------------


def test_a_cloudmonitor_alarm_becomes_each_chats_exact_payload() -> None:
    note = parse_cloudmonitor(CALLBACK, "P1")
    assert (note.source, note.status, note.headline) == ("cloudmonitor", "firing", HEADLINE)
    assert payload("wecom", note) == {
        "msgtype": "markdown",
        "markdown": {"content": f'**<font color="warning">{HEADLINE}</font>**\n{LINES}'},
    }
    assert payload("dingtalk", note) == {
        "msgtype": "markdown",
        "markdown": {"title": HEADLINE, "text": f"### {HEADLINE}\n\n" + LINES.replace("\n", "\n\n")},
    }  # fmt: skip
    assert payload("slack", note) == {"text": f"*{HEADLINE}*\n" + LINES.replace(">", "&gt;")}


@pytest.mark.parametrize(
    ("state", "status", "colour"),
    [("OK", "resolved", "info"), ("INSUFFICIENT_DATA", "insufficient-data", "comment")],
)
def test_an_ok_or_no_data_alarm_is_said_so(state: str, status: str, colour: str) -> None:
    note = parse_cloudmonitor({**CALLBACK, "alertState": state}, "P1")
    assert note.status == status
    assert payload("wecom", note)["markdown"]["content"].startswith(f'**<font color="{colour}">')


# -- the function: one alarm to its severity's targets ----------------------------------------------

ROUTES = {
    "severities": {
        "P1": [
            {"name": "wx", "kind": "wecom", "url": WECOM},
            {"name": "cn", "kind": "dingtalk", "url": DINGTALK, "secret": DINGTALK_SIGN},
        ],
        "P2": [{"name": "ops", "kind": "slack", "url": SLACK}],
    }
}


class Chats:
    """A fake `post`: records what each URL received; answers per URL prefix."""

    def __init__(self, answers: dict[str, tuple[int, str]] | None = None) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.answers = answers or {}

    def __call__(self, url: str, body: bytes) -> tuple[int, str]:
        self.sent.append((url, json.loads(body)))
        for prefix, answer in self.answers.items():
            if url.startswith(prefix):
                return answer
        return 200, '{"errcode":0,"errmsg":"ok"}'


def test_an_alarm_goes_to_every_chat_of_its_severity_in_its_format() -> None:
    chats = Chats()
    assert relay(CALLBACK, ROUTES, chats, now_ms=1700000000000) == ["wx", "cn"]
    (wecom_url, wecom), (ding_url, ding) = chats.sent
    assert (wecom_url, wecom) == (WECOM, payload("wecom", parse_cloudmonitor(CALLBACK, "P1")))
    assert ding_url.startswith(DINGTALK + "&timestamp=1700000000000&sign=")  # the robot signs
    assert ding["msgtype"] == "markdown"


def test_without_json_params_the_severity_comes_from_the_rule_name() -> None:
    callback = {k: v for k, v in CALLBACK.items() if k != "severity"}
    assert alarm_severity(callback) == "P1"
    assert alarm_severity({**callback, "alertName": "someone-elses-rule"}) is None


def test_a_failed_chat_raises_naming_it_never_its_url() -> None:
    chats = Chats({WECOM: (200, '{"errcode":93000,"errmsg":"invalid webhook url"}')})
    with pytest.raises(RelayError) as caught:
        relay(CALLBACK, ROUTES, chats, now_ms=1)
    assert "wx (wecom): errcode 93000" in str(caught.value)
    assert len(chats.sent) == 2  # the DingTalk robot was still told
    assert not any(s in str(caught.value) for s in SECRETS)


@pytest.mark.parametrize(
    "alarm",
    [{**CALLBACK, "severity": "P3"}, {"hello": "world"}],
    ids=["severity-without-chats", "not-a-cloudmonitor-alarm"],
)
def test_what_the_relay_cannot_place_is_a_failure(alarm: dict[str, Any]) -> None:
    with pytest.raises(RelayError):
        relay(alarm, ROUTES, Chats(), now_ms=1)


def test_the_rpc_signature_matches_alibabas_documented_example() -> None:
    params = {
        "AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
        "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0", "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26",
    }  # fmt: skip
    assert rpc_signature("GET", params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_the_targets_are_decrypted_with_the_roles_temporary_credentials() -> None:
    url, body = decrypt_request("CIPHER==", "cn-shanghai", ("STS.id", "sts-secret", "sts-token"),
                                nonce="n-1", timestamp="2026-11-29T12:00:00Z")  # fmt: skip
    sent = dict(urllib.parse.parse_qsl(body.decode()))
    assert url == "https://kms.cn-shanghai.aliyuncs.com/"
    assert (sent["Action"], sent["CiphertextBlob"], sent["SecurityToken"]) == (
        "Decrypt", "CIPHER==", "sts-token")  # fmt: skip
    signature = sent.pop("Signature")
    canonical = "&".join(f"{urllib.parse.quote(k, safe='~')}={urllib.parse.quote(v, safe='~')}"
                         for k, v in sorted(sent.items()))  # fmt: skip
    expected = hmac.new(b"sts-secret&", ("POST&%2F&" + urllib.parse.quote(canonical, safe="~")).encode(),
                        hashlib.sha1).digest()  # fmt: skip
    assert signature == base64.b64encode(expected).decode()


# -- the plan: a severity with WeCom ----------------------------------------------------------------


def chat_alerting(stack: str, **webhooks_of: list[str]) -> dict[str, Any]:
    """The stack's alerting section with WeCom `wx`, Slack `ops`, DingTalk `cn` (unsigned) and
    `sign` (signed) defined, and the named severities given those webhooks."""
    section = raw_stack_config(stack)["alerting"]
    sev = section["severities"]
    return {
        **section,
        "webhooks": {
            "wx": {"kind": "wecom", "url": WECOM},
            "ops": {"kind": "slack", "url": SLACK},
            "cn": {"kind": "dingtalk", "url": DINGTALK},
            "sign": {"kind": "dingtalk", "url": DINGTALK, "secret": DINGTALK_SIGN},
        },
        "severities": {s: {**sev[s], "webhooks": webhooks_of.get(s, [])} for s in sev},
    }


@cache
def plan(stack: str = "prod-cn", **webhooks_of: tuple[str, ...]) -> RecordingMonitor:
    alerting = chat_alerting(stack, **{s: list(w) for s, w in webhooks_of.items()})
    cfg = parse_config({**raw_stack_config(stack), "alerting": alerting})
    return run_mocked(lambda: build(cfg), stack=stack)


ALARMED = {"dev-cn": "P0", "prod-cn": "P1"}
"""A severity each stack has alarms of (dev-cn keeps P0 alarms only)."""


def wecom_on_p1(stack: str = "prod-cn") -> RecordingMonitor:
    """WeCom on a severity the stack has alarms of (P1; P0 in dev-cn)."""
    return plan(stack, **{ALARMED[stack]: ("wx",)})


def relay_of(monitor: RecordingMonitor, typ: str) -> list[RecordedResource]:
    return [r for r in monitor.by_type(typ) if "alert-relay" in r.name]


def the(monitor: RecordingMonitor, typ: str) -> RecordedResource:
    (found,) = relay_of(monitor, typ)
    return found


def targets_by_alarm(monitor: RecordingMonitor) -> dict[str, list[str]]:
    return {
        a.name: [t["arn"] for t in a.inputs.get("targets") or []] for a in monitor.by_type(ALARM)
    }


@pytest.mark.parametrize("stack", ["dev-cn", "prod-cn"])
def test_no_chat_only_the_relay_reaches_no_relay(stack: str) -> None:
    assert [r.name for r in built(stack).recorded if "alert-relay" in r.name] == []
    # An unsigned DingTalk robot stays CloudMonitor's own contact: no alarm invokes the relay,
    # which exists for the in-cluster Alertmanager only (it has no DingTalk receiver).
    monitor = plan(stack, P0=("cn",))
    assert any(r.name.endswith("-dingtalk-cn") for r in monitor.by_type(CONTACT))
    assert not any(targets_by_alarm(monitor).values())
    assert relay_of(monitor, "alicloud:fc/v3Trigger:V3Trigger")


def test_without_an_alertmanager_an_unsigned_dingtalk_needs_no_relay() -> None:
    # Only dev may switch the in-cluster metrics stack off (obs-metrics-stack-ha holds prod).
    alerting = chat_alerting("dev-cn", P0=["cn"])
    cfg = parse_config({**raw_stack_config("dev-cn"), "alerting": alerting, "metrics": {"enabled": False}})  # fmt: skip
    assert relay_of(run_mocked(lambda: build(cfg), stack="dev-cn"), FUNCTION) == []


@pytest.mark.parametrize("stack", ["dev-cn", "prod-cn"])
def test_the_alarms_of_a_severity_with_wecom_invoke_the_relay_by_arn(stack: str) -> None:
    monitor = wecom_on_p1(stack)
    arn = the(monitor, FUNCTION).outputs["functionArn"]
    assert arn.startswith("acs:fc:cn-shanghai:") and arn.endswith(
        ":functions/" + the(monitor, FUNCTION).inputs["functionName"]
    )
    severity = {a.name: a.inputs["name"].rsplit("-", 1)[1] for a in monitor.by_type(ALARM)}
    targets = targets_by_alarm(monitor)
    chosen = [n for n, s in severity.items() if s == ALARMED[stack] and "alert-relay" not in n]
    assert chosen, f"the stack has {ALARMED[stack]} alarms"
    assert {n: t for n, t in targets.items() if t} == {n: [arn] for n in chosen}
    for alarm in monitor.by_type(ALARM):
        for target in alarm.inputs.get("targets") or []:
            assert json.loads(target["jsonParams"]) == {"severity": ALARMED[stack]}
            assert (target["targetId"], target["level"]) == ("relay", "Critical")
    # No public way in: the only trigger is the in-cluster Alertmanager's, VPC-only.
    (trigger,) = relay_of(monitor, "alicloud:fc/v3Trigger:V3Trigger")
    assert json.loads(trigger.inputs["triggerConfig"])["disableURLInternet"] is True


def test_moving_a_channel_moves_what_reaches_it() -> None:
    before, after = plan("prod-cn", P1=("wx",)), plan("prod-cn", P2=("wx",))
    sev_of = {a.name: a.inputs["name"].rsplit("-", 1)[1] for a in after.by_type(ALARM)}
    targeted = {n for n, t in targets_by_alarm(after).items() if t}
    assert targeted and {sev_of[n] for n in targeted} == {"P2"}
    assert {n for n, t in targets_by_alarm(before).items() if t}.isdisjoint(targeted)
    # The encrypted document lists the webhook under its new severity only.
    documents = [json.loads(the(m, "alicloud:kms/ciphertext:Ciphertext").inputs["plaintext"]) for m in (before, after)]  # fmt: skip
    assert [sorted(d["severities"]) for d in documents] == [["P1"], ["P2"]]
    assert documents[1]["severities"]["P2"] == [{"name": "wx", "kind": "wecom", "url": WECOM}]


def test_a_signed_dingtalk_robot_is_posted_to_by_the_relay_not_cloudmonitor() -> None:
    monitor = plan("prod-cn", P1=("sign",))
    assert not any(r.name.endswith("-dingtalk-sign") for r in monitor.by_type(CONTACT))
    document = json.loads(the(monitor, "alicloud:kms/ciphertext:Ciphertext").inputs["plaintext"])
    assert document["severities"]["P1"] == [
        {"name": "sign", "kind": "dingtalk", "url": DINGTALK, "secret": DINGTALK_SIGN}
    ]


# -- security defaults -----------------------------------------------------------------------------


def test_no_webhook_url_or_signing_secret_is_in_a_plain_input() -> None:
    monitor = plan("prod-cn", P0=("ops",), P1=("wx", "sign"))
    ciphertext = the(monitor, "alicloud:kms/ciphertext:Ciphertext")
    for resource in monitor.recorded:
        for prop, value in resource.inputs.items():
            if prop in resource.secret_paths:
                continue  # secret in state (the ciphertext's plaintext, the Alertmanager Secret)
            assert not any(s in json.dumps(value) for s in SECRETS), (resource.name, prop)
    assert "plaintext" in ciphertext.secret_paths
    env = the(monitor, FUNCTION).inputs["environmentVariables"]
    assert env == {TARGETS_ENV: ciphertext.outputs["ciphertextBlob"], REGION_ENV: "cn-shanghai"}


@pytest.mark.parametrize(("stack", "own_key"), [("dev-cn", False), ("prod-cn", True)])
def test_the_targets_are_encrypted_with_the_stacks_key_placement(stack: str, own_key: bool) -> None:
    monitor = wecom_on_p1(stack)
    key_id = the(monitor, "alicloud:kms/ciphertext:Ciphertext").inputs["keyId"]
    keys = {k.name: k for k in monitor.by_type("alicloud:kms/key:Key")}
    if own_key:  # kms.keys: instance: a key of its own in the stack's KMS instance
        key = keys["acme-prod-alert-relay-key"]
        assert key.outputs["id"] == key_id and key.inputs["dkmsInstanceId"]
    else:  # kms.keys: default: the region's shared default key
        (shared,) = [k for k in keys.values() if k.name == "acme-dev-keys-key"]
        assert shared.outputs["id"] == key_id


def test_the_role_decrypts_with_its_key_and_writes_its_logstore_only() -> None:
    monitor = wecom_on_p1()
    role = the(monitor, "alicloud:ram/role:Role")
    trust = json.loads(role.inputs["assumeRolePolicyDocument"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": ["fc.aliyuncs.com"]}]
    policy = json.loads(the(monitor, "alicloud:ram/policy:Policy").inputs["policyDocument"])
    key_id = the(monitor, "alicloud:kms/ciphertext:Ciphertext").inputs["keyId"]
    function = the(monitor, FUNCTION)
    log = function.inputs["logConfig"]
    assert (log["project"], log["logstore"]) == ("acme-prod-app-logs", "alert-relay")
    assert [(s["Action"], s["Resource"]) for s in policy["Statement"]] == [
        (["kms:Decrypt"], [f"acs:kms:cn-shanghai:*:key/{key_id}"]),
        (["log:PostLogStoreLogs"], ["acs:log:cn-shanghai:*:project/acme-prod-app-logs/logstore/alert-relay"]),
    ]  # fmt: skip
    assert function.inputs["role"] == role.outputs["arn"]
    # The logstore exists in the stack's application log project, with its retention.
    (store,) = [s for s in monitor.by_type("alicloud:log/store:Store") if s.inputs["logstoreName"] == "alert-relay"]  # fmt: skip
    assert (
        store.inputs["retentionPeriod"]
        == parse_config(raw_stack_config("prod-cn")).logs.retention.application
    )


def test_retries_are_bounded_and_failures_alarm_the_contacts_not_the_relay() -> None:
    monitor = wecom_on_p1()
    config = the(monitor, "alicloud:fc/v3AsyncInvokeConfig:V3AsyncInvokeConfig").inputs
    assert (config["maxAsyncRetryAttempts"], config["maxAsyncEventAgeInSeconds"]) == (2, 3600)
    (alarm,) = [
        a for a in monitor.by_type(ALARM) if a.name == "acme-prod-alert-relay-delivery-failed"
    ]
    assert (alarm.inputs["project"], alarm.inputs["metric"]) == ("acs_fc", "FunctionFunctionErrors")
    assert alarm.inputs["contactGroups"] == ["acme-prod-alerts-p1"]
    assert not alarm.inputs.get("targets")  # a failing relay must not be asked to report itself


def test_the_deployed_code_is_the_tested_code() -> None:
    function = the(wecom_on_p1(), FUNCTION)
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(function.inputs["code"]["zipFile"]))) as z:
        assert {n: z.read(n).decode() for n in z.namelist()} == {
            f"relay/{f}": (CODE_DIR / f).read_text() for f in CODE_FILES
        }
    assert (function.inputs["runtime"], function.inputs["handler"]) == (RUNTIME, HANDLER)
    # The same code gives the same package: a plan shows no change.
    assert (
        the(plan("prod-cn", P1=("wx",), P2=()), FUNCTION).inputs["code"] == function.inputs["code"]
    )


def test_the_policy_pack_passes_with_the_relay() -> None:
    monitor = plan("prod-cn", P0=("ops",), P1=("wx", "sign"))
    inputs, outputs = policy_resources(list(monitor.recorded))
    found = analyze(inputs, outputs, load_pack_config(config_path("prod")))
    assert [v for v in found if v.level == "mandatory"] == []
    assert [(v.rule.id, v.resource) for v in found if "alert-relay" in v.resource] == []


@pytest.mark.parametrize(("stack", "line"), [("dev-cn", 0.0), ("prod-cn", 6.48)])
def test_the_relay_is_priced_and_its_usage_listed(stack: str, line: float) -> None:
    _, outputs = policy_resources(list(wecom_on_p1(stack).recorded))
    result = estimate([subject_of_resource(p) for p in outputs], "cn-shanghai")
    component = f"acme-{stack.removesuffix('-cn')}-alert-relay (AlertRelay)"
    lines = [x for x in result.lines if x.component == component]
    assert {x.type: x.status for x in lines if x.status != "priced"} == {
        FUNCTION: "usage", "alicloud:kms/ciphertext:Ciphertext": "usage",
    }  # fmt: skip
    # dev-cn: the shared default key, free; prod-cn: a key of its own in the KMS instance.
    assert result.by_component()[component] == pytest.approx(line)
    assert [x for x in result.lines if x.status == "unpriced"] == []


# -- the stack file, through the planner's CLI --------------------------------------------------------

CHATS_YAML = """    webhooks:
      wx: {kind: wecom, url: {secure: "v1:AAABwecom=="}}
      sign: {kind: dingtalk, url: {secure: "v1:AAABding=="}, secret: {secure: "v1:AAABsign=="}}
    directMail:
"""


def run_case(tmp_path: Path, capsys: pytest.CaptureFixture[str], p1: str, p2: str) -> tuple[int, str, Path]:  # fmt: skip
    """prod-cn with the chats above, P1 and P2 given `p1`/`p2` (flow YAML), planned offline."""
    project = tmp_path / "project"
    project.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        PROJECT_DIR, project,
        ignore=shutil.ignore_patterns(".venv*", ".git", "out", "__pycache__", "tests", "docs"),
    )  # fmt: skip
    text = (
        (PROJECT_DIR / "Pulumi.prod-cn.yaml")
        .read_text()
        .replace("    directMail:\n", CHATS_YAML, 1)
    )
    text = text.replace("      P1: {emails: [oncall@acme.example]}", f"      P1: {p1}")
    text = text.replace("      P2: {emails: [platform-team@acme.example]}", f"      P2: {p2}")
    (project / "Pulumi.case.yaml").write_text(text)
    code = main(["case", "--project-dir", str(project), "--quiet"])
    printed = capsys.readouterr()
    return code, printed.out + printed.err, project


def test_the_stack_file_plans_the_relay_with_every_secret_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, project = run_case(tmp_path, capsys,
                                  "{emails: [oncall@acme.example], webhooks: [wx, sign]}",
                                  "{emails: [platform-team@acme.example]}")  # fmt: skip
    assert code == EXIT_OK, out
    report = json.loads((project / "out" / "plan-case.json").read_text())
    (ciphertext,) = [r for r in report["resources"] if r["type"] == "alicloud:kms/ciphertext:Ciphertext"]  # fmt: skip
    assert ciphertext["inputs"]["plaintext"] == "[secret]"
    (function,) = [r for r in report["resources"] if r["type"] == FUNCTION]
    assert "https" not in json.dumps(function["inputs"]["environmentVariables"])


def test_a_severity_with_only_wecom_plans_and_one_with_only_sms_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The relay serves the in-cluster Alertmanager's DingTalk/WeCom alerts, so a severity with
    only WeCom is no longer refused; SMS still has no way from the cluster: exit 2, by key."""
    code, out, _ = run_case(tmp_path / "wecom", capsys,
                            "{emails: [oncall@acme.example], webhooks: [wx]}", "{webhooks: [wx]}")  # fmt: skip
    assert code == EXIT_OK, out
    code, out, _ = run_case(tmp_path / "sms", capsys,
                            "{emails: [oncall@acme.example], webhooks: [wx]}",
                            '{sms: ["+8613800000001"]}')  # fmt: skip
    assert code == EXIT_CONFIG, out
    assert "groundwork:alerting.severities.P2: the in-cluster Alertmanager would tell nobody" in out
    assert "Alertmanager sends no SMS" in out
    assert "groundwork:alerting.severities.P1" not in out


def test_the_relays_failure_alarm_is_tuned_by_key_and_a_wrong_key_refused() -> None:
    section = {**chat_alerting("prod-cn", P1=["wx"]),
               "alarms": {"relay.delivery-failed": {"severity": "P0"}}}  # fmt: skip
    cfg = parse_config({**raw_stack_config("prod-cn"), "alerting": section})
    monitor = run_mocked(lambda: build(cfg), stack="prod-cn")
    (alarm,) = [
        a for a in monitor.by_type(ALARM) if a.name == "acme-prod-alert-relay-delivery-failed"
    ]
    assert alarm.inputs["contactGroups"] == ["acme-prod-alerts-p0"]
    with pytest.raises(ConfigError) as caught:
        parse_config({**raw_stack_config("prod-cn"),
                      "alerting": {**section, "alarms": {"relay.queue-depth": {"threshold": 1}}}})  # fmt: skip
    (problem,) = caught.value.problems
    assert problem.startswith(
        "groundwork:alerting.alarms.relay.queue-depth: no such alarm on cloud alicloud"
    )
    assert "relay.delivery-failed" in problem


# -- the in-cluster Alertmanager: DingTalk and WeCom through the relay's VPC endpoint ----------------

AM_MESSAGE = {
    "version": "4",
    "receiver": "P1",
    "status": "firing",
    "commonLabels": {"alertname": "WorkloadPodRestarting", "severity": "P1"},
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "WorkloadPodRestarting", "namespace": "apps", "pod": "web-7d9"},
            "annotations": {"summary": "web-7d9 restarted 5 times in an hour"},
        }
    ],
}
AM_HEADLINE = "[P1] FIRING: WorkloadPodRestarting"
AM_LINE = "FIRING: web-7d9 restarted 5 times in an hour (namespace=apps pod=web-7d9)"
CLUSTER_ROUTES = {
    "severities": {},
    "cluster": {
        "P1": [
            {"name": "wx", "kind": "wecom", "url": WECOM},
            {"name": "cn", "kind": "dingtalk", "url": DINGTALK},
        ]
    },
    "token": "t0ken",
}


def http_event(body: dict[str, Any] | str, token: str | None = "t0ken", *, b64: bool = False) -> dict[str, Any]:  # fmt: skip
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "version": "v1",
        "rawPath": "/",
        "headers": {"Authorization": f"Bearer {token}"} if token else {},
        "body": base64.b64encode(text.encode()).decode() if b64 else text,
        "isBase64Encoded": b64,
        "requestContext": {"http": {"method": "POST"}},
    }


def test_an_alertmanager_message_becomes_each_chats_exact_payload() -> None:
    note = parse_alertmanager_webhook(AM_MESSAGE, "P1")
    assert (note.source, note.headline, note.lines) == ("alertmanager", AM_HEADLINE, (AM_LINE,))
    assert payload("wecom", note) == {
        "msgtype": "markdown",
        "markdown": {"content": f'**<font color="warning">{AM_HEADLINE}</font>**\n{AM_LINE}'},
    }
    assert payload("dingtalk", note)["markdown"] == {
        "title": AM_HEADLINE, "text": f"### {AM_HEADLINE}\n\n{AM_LINE}"}  # fmt: skip
    assert payload("slack", note) == {"text": f"*{AM_HEADLINE}*\n{AM_LINE}"}
    resolved = parse_alertmanager_webhook({**AM_MESSAGE, "status": "resolved"}, "P1")
    assert resolved.headline == "[P1] RESOLVED: WorkloadPodRestarting"


@pytest.mark.parametrize("b64", [False, True])
def test_the_endpoint_posts_the_receivers_chats(b64: bool) -> None:
    chats = Chats()
    answer = serve_alertmanager(http_event(AM_MESSAGE, b64=b64), CLUSTER_ROUTES, chats, now_ms=1)
    assert answer["statusCode"] == 200, answer
    note = parse_alertmanager_webhook(AM_MESSAGE, "P1")
    assert chats.sent == [(WECOM, payload("wecom", note)), (DINGTALK, payload("dingtalk", note))]
    assert is_http_request(http_event(AM_MESSAGE)) and not is_http_request(CALLBACK)


@pytest.mark.parametrize(
    ("event", "status"),
    [
        (http_event(AM_MESSAGE, token=None), 401),
        (http_event(AM_MESSAGE, token="guess"), 401),
        (http_event({**AM_MESSAGE, "receiver": "P3"}), 400),
        (http_event("not json"), 400),
    ],
    ids=["no-token", "wrong-token", "receiver-without-chats", "not-json"],
)
def test_the_endpoint_refuses_what_it_must_not_post(event: dict[str, Any], status: int) -> None:
    chats = Chats()
    assert serve_alertmanager(event, CLUSTER_ROUTES, chats, now_ms=1)["statusCode"] == status
    assert chats.sent == []


def test_a_failed_chat_is_a_502_naming_it_so_alertmanager_retries() -> None:
    chats = Chats({DINGTALK: (200, '{"errcode":310000,"errmsg":"keywords not in content"}')})
    answer = serve_alertmanager(http_event(AM_MESSAGE), CLUSTER_ROUTES, chats, now_ms=1)
    assert (answer["statusCode"], answer["body"]) == (502, "cn (dingtalk): errcode 310000: keywords not in content")  # fmt: skip


def in_cluster() -> RecordingMonitor:
    """prod-cn: P1 with WeCom and an unsigned DingTalk robot."""
    return plan("prod-cn", P1=("wx", "cn"))


def test_the_alertmanager_posts_dingtalk_and_wecom_alerts_to_the_relay_with_its_token() -> None:
    monitor = in_cluster()
    config, secret_paths = alertmanager_config_of(monitor)
    assert secret_paths == ["stringData"]  # the token and the SMTP password only in the Secret
    (trigger,) = relay_of(monitor, "alicloud:fc/v3Trigger:V3Trigger")
    (token,) = relay_of(monitor, "random:index/randomPassword:RandomPassword")
    receiver = next(r for r in config["receivers"] if r["name"] == "P1")
    assert receiver["webhook_configs"] == [{
        "url": trigger.outputs["httpTrigger"]["urlIntranet"],
        "send_resolved": True,
        "http_config": {"authorization": {"type": "Bearer", "credentials": token.outputs["result"]}},
    }]  # fmt: skip
    assert not any(s in json.dumps(config) for s in (WECOM, DINGTALK))
    # The relay knows the same token and the P1 robots, encrypted.
    document = json.loads(the(monitor, "alicloud:kms/ciphertext:Ciphertext").inputs["plaintext"])
    assert document["token"] == token.outputs["result"]
    assert document["cluster"] == {"P1": [{"name": "wx", "kind": "wecom", "url": WECOM},
                                          {"name": "cn", "kind": "dingtalk", "url": DINGTALK}]}  # fmt: skip
    assert document["severities"] == {"P1": [{"name": "wx", "kind": "wecom", "url": WECOM}]}


def test_the_endpoint_is_reachable_from_the_stacks_vpc_only() -> None:
    monitor = in_cluster()
    (trigger,) = relay_of(monitor, "alicloud:fc/v3Trigger:V3Trigger")
    assert json.loads(trigger.inputs["triggerConfig"]) == HTTP_TRIGGER_CONFIG
    assert HTTP_TRIGGER_CONFIG["disableURLInternet"] is True and HTTP_TRIGGER_CONFIG["methods"] == ["POST"]  # fmt: skip
    (binding,) = relay_of(monitor, "alicloud:fc/v3VpcBinding:V3VpcBinding")
    (vpc,) = [
        v for v in monitor.by_type("alicloud:vpc/network:Network") if v.name == "acme-prod-vpc"
    ]
    assert binding.inputs["vpcId"] == vpc.outputs["id"]
    assert binding.inputs["functionName"] == trigger.inputs["functionName"] == the(monitor, FUNCTION).inputs["functionName"]  # fmt: skip


def test_the_report_says_the_cluster_reaches_the_robots_but_not_the_phones() -> None:
    alerting = chat_alerting("prod-cn", P0=["wx"], P1=["cn"])
    cfg = parse_config({**raw_stack_config("prod-cn"), "alerting": alerting})
    rows = {r["severity"]: r for r in routing_rows(cfg)}
    assert rows["P1"]["inCluster"] == rows["P1"]["channels"] == ["email:oncall@acme.example", "dingtalk:cn"]  # fmt: skip
    # P0's SMS number is texted by CloudMonitor only: the report says whom the cluster misses.
    assert "sms:+8613800000000" in rows["P0"]["channels"]
    assert rows["P0"]["inCluster"] == ["email:oncall@acme.example", "wecom:wx"]
