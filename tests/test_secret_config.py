"""`accountId` and `secure:` values: they validate, plan clean, and are never printed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest

from infra import ConfigError
from infra.config import config_from_values
from infra.secret_inputs import mark_secret_inputs
from planner.cli import EXIT_OK, main
from planner.stackfile import SECRET_PLACEHOLDER
from tests.conftest import PROJECT_DIR, run_mocked, stack_file

ACCOUNT_STAND_IN = "111122223333"  # the accountId field's example
EMAIL_STAND_IN = "platform@example.com"  # the acmeEmail field's default


def _dev_values(**extra: str) -> dict[str, str]:
    return {**stack_file("dev").config, **extra}


@pytest.mark.parametrize("text", ["123456789012", "012345678901"])
def test_account_id_stays_text(text: str) -> None:
    """The CLI hands `"123456789012"` and `123456789012` over as the same text; it must not
    become a number (and lose a leading zero) on the way into the model."""
    config, _ = config_from_values(_dev_values(**{"groundwork:accountId": text}))
    assert config.account_id == text


def _project_with(tmp_path: Path, extra: str) -> Path:
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR, project,
        ignore=shutil.ignore_patterns(".venv*", ".git", "out", "__pycache__", "tests", "docs"),
    )  # fmt: skip
    (project / "Pulumi.case.yaml").write_text((PROJECT_DIR / "Pulumi.dev.yaml").read_text() + extra)
    return project


def _plan(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, dict, str]:  # type: ignore[type-arg]
    code = main(["case", "--project-dir", str(project), "--quiet"])
    out = capsys.readouterr()
    report = (project / "out" / "plan-case.json").read_text()
    return (
        code,
        out.out + out.err,
        json.loads(report),
        (project / "out" / "plan-case.md").read_text(),
    )


def test_a_quoted_account_id_plans_clean_and_pins_every_provider(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project_with(tmp_path, '  groundwork:accountId: "123456789012"\n')
    code, output, report, _ = _plan(project, capsys)
    assert code == EXIT_OK, output
    providers = [r for r in report["resources"] if r["type"] == "pulumi:providers:aws"]
    assert len(providers) >= 2
    for provider in providers:
        assert json.loads(provider["inputs"]["allowedAccountIds"]) == ["123456789012"]


@pytest.mark.slow
def test_secure_values_plan_clean_as_secrets_and_are_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = "  groundwork:accountId:\n    secure: v1:AAABAKciphertext==\n"
    project = _project_with(tmp_path, extra)
    stack = project / "Pulumi.case.yaml"
    stack.write_text(
        stack.read_text().replace(
            "    acmeEmail: platform-team@acme.example\n",
            "    acmeEmail:\n      secure: v1:AAAB==\n",
        )
    )
    code, output, report, markdown = _plan(project, capsys)
    assert code == EXIT_OK, output
    everything = output + json.dumps(report) + markdown
    for stand_in in (ACCOUNT_STAND_IN, EMAIL_STAND_IN, SECRET_PLACEHOLDER):
        assert stand_in not in everything
    resources = report["resources"]
    providers = [r for r in resources if r["type"] == "pulumi:providers:aws"]
    assert providers and all("allowedAccountIds" in p["secretInputs"] for p in providers)
    issuer = next(
        r for r in resources if r["type"] == "kubernetes:cert-manager.io/v1:ClusterIssuer"
    )
    assert issuer["secretInputs"] == ["spec"] and issuer["inputs"]["spec"] == "[secret]"


def test_only_texts_can_be_secret_offline() -> None:
    values = _dev_values(**{"groundwork:protectStatefulResources": SECRET_PLACEHOLDER})
    with pytest.raises(ConfigError) as caught:
        config_from_values(values, ["groundwork:protectStatefulResources"])
    (problem,) = caught.value.problems
    assert problem.startswith(
        "groundwork:protectStatefulResources: only text can be a secure value"
    )


def test_a_secret_no_stand_in_fits_is_one_line() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_values(_dev_values(**{"groundwork:region": SECRET_PLACEHOLDER}))
    (problem,) = caught.value.problems
    assert problem.startswith("groundwork:region: the offline plan knows no stand-in text")


def test_a_secret_list_item_gets_a_stand_in_of_its_field() -> None:
    cluster = json.loads(stack_file("dev").config["groundwork:cluster"])
    cluster["adminRoleArns"].append(SECRET_PLACEHOLDER)
    config, secrets = config_from_values(_dev_values(**{"groundwork:cluster": json.dumps(cluster)}))
    stand_in = config.cluster.admin_role_arns[-1]
    assert stand_in != SECRET_PLACEHOLDER and stand_in.startswith("arn:aws:iam::")
    assert stand_in in secrets and "arn:aws:iam::123456789012:role/platform-admin" not in secrets


def test_a_secret_key_marks_all_its_texts_secret_in_a_real_run() -> None:
    """With the real value decrypted, only the key is known to be secret: all its texts are."""
    config, secrets = config_from_values(_dev_values(), ["groundwork:platform"])
    assert "platform-team@acme.example" in secrets
    platform_texts = json.dumps(config.platform.model_dump())
    assert all(json.dumps(t) in platform_texts for t in secrets)
    assert "eu-west-1" not in secrets and "acme" not in secrets


def test_inputs_containing_a_secret_text_become_secret() -> None:
    def program() -> None:
        mark_secret_inputs(frozenset({"s3cr3t-value"}))
        opts = pulumi.ResourceOptions(provider=aws.Provider("aws", region="eu-west-1"))
        aws.ec2.Vpc("plain", cidr_block="10.0.0.0/16", tags={"name": "plain"}, opts=opts)
        aws.ec2.Vpc(
            "inline", cidr_block="10.0.0.0/16", tags={"name": "has s3cr3t-value"}, opts=opts
        )
        later = pulumi.Output.from_input("s3cr3t-value").apply(lambda s: f"arn:{s}")
        aws.ec2.Vpc("deferred", cidr_block="10.0.0.0/16", tags={"name": later}, opts=opts)

    monitor = run_mocked(program)
    by_name = {r.name: r for r in monitor.recorded}
    assert by_name["plain"].secret_paths == []
    assert by_name["inline"].secret_paths == ["tags"]
    assert by_name["deferred"].secret_paths == ["tags"]
    assert by_name["deferred"].inputs["tags"] == {"name": "arn:s3cr3t-value"}


def test_a_secret_text_field_kept_out_of_reprs_can_be_secure_offline() -> None:
    """Webhook URLs and keys are `SecretStr` fields: a `secure:` value there plans with a stand-in
    that is then a secret text (before, only plain `str` fields could be secure offline)."""
    values = {**stack_file("dev-cn").config}
    alerting = json.loads(values["groundwork:alerting"])
    alerting["webhooks"] = {"ops": {"kind": "https", "url": SECRET_PLACEHOLDER}}
    alerting["severities"]["P0"]["webhooks"] = ["ops"]
    values["groundwork:alerting"] = json.dumps(alerting)
    config, secrets = config_from_values(values)
    stand_in = config.alerting.webhooks["ops"].url.get_secret_value()
    assert stand_in != SECRET_PLACEHOLDER and stand_in in secrets
