"""The real Pulumi engine end to end against the local fake cloud, for dev and prod.

Runs in file order: preview with the policy pack, up, the engine's registrations equal the offline
plan's, a second preview and a refresh find no changes, then the negative cases and the teardown.
Each test brings its stack up itself if an earlier one has not (so `-k` works alone).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from e2e import state
from e2e.workspace import ROOT, Result, Workspace

STACKS = ["dev", "prod"]

# A stack-config change the mandatory rule `cost-instance-class-allowlist` rejects in dev
# (tests/test_policy_plan.py checks the same through the offline plan).
VIOLATION = (
    "groundwork:postgres",
    {"instanceClass": "db.r7g.4xlarge", "serverless": None},
    "cost-instance-class-allowlist",
)


class Deployments:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.up: dict[str, Result] = {}
        self.plans: dict[str, dict[str, Any]] = {}

    def init(self, stack: str) -> None:
        if (self.ws.backend / ".pulumi" / "stacks" / "groundwork" / f"{stack}.json").exists():
            return
        result = self.ws.pulumi(stack, "stack", "init", stack, "--secrets-provider", "passphrase")
        assert result.code == 0, result.tail()

    def ensure_up(self, stack: str) -> Result:
        if stack not in self.up:
            self.init(stack)
            self.up[stack] = self.ws.pulumi(
                stack,
                "up",
                "--yes",
                "--skip-preview",
                "--stack",
                stack,
                *self.ws.policy_args(stack),
            )
        return self.up[stack]

    def plan(self, stack: str) -> dict[str, Any]:
        if stack not in self.plans:
            self.plans[stack] = self.ws.offline_plan(stack)
        return self.plans[stack]


@pytest.fixture(scope="session")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    workspace = Workspace(tmp_path_factory.mktemp("e2e"))
    # The policy pack's own virtualenv, made by the language host from policies/requirements.txt.
    installed = workspace.pulumi("dev", "install", cwd=ROOT / "policies")
    assert installed.code == 0, installed.tail()
    (workspace.project / "policies" / "venv").symlink_to(ROOT / "policies" / "venv")
    return workspace


@pytest.fixture(scope="session")
def deployments(ws: Workspace) -> Deployments:
    return Deployments(ws)


PACK = "groundwork-guardrails"


def plan_findings(plan: dict[str, Any]) -> set[tuple[str, str]]:
    """(rule, URN) of every finding of the policy pack in the offline plan, but the ones it could
    not verify offline (a manifest the provider fetches: the engine checks its objects instead)."""
    return {
        (v["rule"], v.get("urn") or "")
        for v in plan["sections"]["policy"]["violations"]
        if not v["message"].startswith(state.DEFERRED)
    }


@pytest.mark.parametrize("stack", STACKS)
def test_preview_with_the_policy_pack_passes(
    stack: str, ws: Workspace, deployments: Deployments
) -> None:
    deployments.init(stack)
    result, pack = ws.with_pack(stack, "preview")
    assert result.code == 0, result.tail()
    plan = deployments.plan(stack)
    # The pack really ran, on every resource the offline plan has.
    assert pack.packs == {PACK}, result.tail()
    assert {r["urn"] for r in plan["resources"]} <= pack.analysed
    # The engine reports no finding the offline plan does not; each of the plan's findings it
    # reports too, or defers to the update (a value the preview cannot know yet).
    expected = plan_findings(plan)
    assert pack.findings <= expected, pack.findings - expected
    missed = {(rule, urn) for rule, urn in expected - pack.findings if rule not in pack.deferred}
    assert not missed, f"findings of the offline plan the engine's preview lacks: {missed}"


def test_a_policy_pack_without_its_virtualenv_fails_naming_it(
    ws: Workspace, deployments: Deployments
) -> None:
    """Not a hang (the language host checks the pack's virtualenv before starting it)."""
    stack = "dev"
    deployments.init(stack)
    pack = ws.tmp / "pack-without-venv"
    shutil.copytree(ROOT / "policies", pack, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    result = ws.pulumi(
        stack, "preview", "--stack", stack, "--policy-pack", str(pack),
        "--policy-pack-config", f"policies/config/{stack}.json",
    )  # fmt: skip
    assert result.code != 0, result.tail()
    assert f'"{pack / "venv"}" doesn\'t exist' in result.out, result.tail()


@pytest.mark.parametrize("stack", STACKS)
def test_up_creates_every_resource_in_the_fake_cloud(
    stack: str, ws: Workspace, deployments: Deployments
) -> None:
    result = deployments.ensure_up(stack)
    assert result.code == 0, result.tail()
    resources = deployments.plan(stack)["resources"]
    created = re.search(r"\+ (\d+) created", result.out)
    assert created, result.tail()
    assert int(created.group(1)) == len(resources) + 1, result.tail()  # + the root stack
    in_cloud = [
        r["urn"] for r in resources if r["custom"] and not r["type"].startswith("pulumi:providers:")
    ]
    assert sorted(r.urn for r in ws.cloud(stack)) == sorted(in_cloud)


@pytest.mark.parametrize("stack", STACKS)
def test_engine_registers_the_offline_plans_urns_and_inputs(
    stack: str, ws: Workspace, deployments: Deployments
) -> None:
    assert deployments.ensure_up(stack).code == 0
    engine = state.registered(ws.export(stack, show_secrets=True))
    plan = {r["urn"]: r["inputs"] for r in deployments.plan(stack)["resources"]}
    assert sorted(engine) == sorted(plan)
    different = {urn: (engine[urn], plan[urn]) for urn in plan if engine[urn] != plan[urn]}
    assert not different, json.dumps(dict(list(different.items())[:3]), indent=1)[:4000]


@pytest.mark.parametrize("stack", STACKS)
def test_a_second_preview_changes_nothing(
    stack: str, ws: Workspace, deployments: Deployments
) -> None:
    assert deployments.ensure_up(stack).code == 0
    result, pack = ws.with_pack(stack, "preview", "--expect-no-changes")
    assert result.code == 0, result.tail()
    # Everything is known now: the pack defers nothing and finds exactly what the offline plan does.
    assert pack.deferred == set(), pack.deferred
    assert pack.findings == plan_findings(deployments.plan(stack))


@pytest.mark.parametrize("stack", STACKS)
def test_refresh_finds_the_fake_cloud_unchanged(
    stack: str, ws: Workspace, deployments: Deployments
) -> None:
    assert deployments.ensure_up(stack).code == 0
    result = ws.pulumi(stack, "refresh", "--yes", "--expect-no-changes", "--stack", stack)
    assert result.code == 0, result.tail()


def test_a_config_change_violating_a_mandatory_rule_blocks_the_preview(
    ws: Workspace, deployments: Deployments
) -> None:
    stack, (key, changes, rule) = "dev", VIOLATION
    assert deployments.ensure_up(stack).code == 0
    stack_file = ws.project / f"Pulumi.{stack}.yaml"
    saved = stack_file.read_text()
    edited = yaml.safe_load(saved)
    edited["config"][key] = {**edited["config"].get(key, {}), **changes}
    try:
        stack_file.write_text(yaml.safe_dump(edited))
        result, pack = ws.with_pack(stack, "preview")
    finally:
        stack_file.write_text(saved)
    assert result.code != 0, result.tail()
    assert rule in result.out, result.tail()
    assert "mandatory" in result.out, result.tail()
    assert "db.r7g.4xlarge" in result.out, result.tail()
    assert rule in {r for r, _ in pack.findings}, pack.findings


@pytest.mark.parametrize("stack", STACKS)
def test_stack_export_holds_no_plaintext_secret(
    stack: str, ws: Workspace, deployments: Deployments
) -> None:
    assert deployments.ensure_up(stack).code == 0
    revealed = {
        leaf
        for plaintext in state.secrets(ws.export(stack, show_secrets=True))
        for leaf in state.leaves(json.loads(plaintext))
        if len(leaf) >= 8
    }
    assert revealed, "the stack has no secrets to check"
    exported = json.dumps(ws.export(stack, show_secrets=False))
    assert "ciphertext" in exported
    leaked = [s for s in revealed if json.dumps(s)[1:-1] in exported]
    assert not leaked, f"{len(leaked)} secret value(s) in plaintext"


def test_prod_destroy_refuses_the_protected_resources(
    ws: Workspace, deployments: Deployments
) -> None:
    stack = "prod"
    assert deployments.ensure_up(stack).code == 0
    protected = [r["urn"] for r in deployments.plan(stack)["resources"] if r["protect"]]
    assert protected
    before = {r.urn for r in ws.cloud(stack)}
    result = ws.pulumi(stack, "destroy", "--yes", "--stack", stack)
    assert result.code != 0, result.tail()
    assert "protected" in result.out, result.tail()
    assert any(urn in result.out for urn in protected), result.tail()
    assert {urn for urn in protected if urn in before} <= {r.urn for r in ws.cloud(stack)}


def _rename_target(plan: dict[str, Any]) -> dict[str, str]:
    """The first protected custom resource (stateful): renaming it must never replace it."""
    target = next(
        r for r in plan["resources"]
        if r["protect"] and r["custom"] and not r["type"].startswith("pulumi:providers:")
    )  # fmt: skip
    return {"type": target["type"], "name": target["name"], "newName": target["name"] + "-renamed"}


def test_a_rename_with_an_alias_updates_in_place(ws: Workspace, deployments: Deployments) -> None:
    stack = "prod"
    assert deployments.ensure_up(stack).code == 0
    target = _rename_target(deployments.plan(stack))
    old_urn = next(
        r["urn"] for r in deployments.plan(stack)["resources"]
        if (r["type"], r["name"]) == (target["type"], target["name"])
    )  # fmt: skip
    new_urn = old_urn.rsplit("::", 1)[0] + "::" + target["newName"]
    old_id = next(r.id for r in ws.cloud(stack) if r.urn == old_urn)

    main = ws.project / "__main__.py"
    saved = main.read_text()
    (ws.project / "_e2e_rename.py").write_text(
        (Path(__file__).parent / "rename_hook.py").read_text()
    )
    main.write_text("import _e2e_rename  # noqa: F401\n" + saved)
    env = {"GROUNDWORK_E2E_RENAME": json.dumps(target)}
    try:
        preview = ws.pulumi(stack, "preview", "--json", "--stack", stack, env=env)
        up = ws.pulumi(stack, "up", "--yes", "--skip-preview", "--stack", stack, env=env)
    finally:
        main.write_text(saved)
    assert preview.code == 0, preview.tail()
    # Every step is "same": no create, delete, replace or update, for the renamed resource or any other.
    summary = json.loads(preview.out)["changeSummary"]
    assert set(summary) == {"same"}, summary
    assert up.code == 0, up.tail()
    assert not re.search(r"\b(created|deleted|replaced)\b", up.out), up.tail()
    renamed = [r for r in ws.cloud(stack) if r.id == old_id]
    assert [(r.type, r.urn) for r in renamed] == [(target["type"], old_urn)]  # the cloud kept it
    engine = state.registered(ws.export(stack, show_secrets=True))
    assert new_urn in engine
    assert old_urn not in engine


def test_dev_destroy_leaves_the_fake_cloud_empty(ws: Workspace, deployments: Deployments) -> None:
    stack = "dev"
    assert deployments.ensure_up(stack).code == 0
    assert ws.cloud(stack)
    result = ws.pulumi(stack, "destroy", "--yes", "--stack", stack)
    assert result.code == 0, result.tail()
    assert ws.cloud(stack) == []
