"""GitHub workflows: every action pinned to a commit SHA with its tag beside it, the same pin
everywhere, and the promotion dev + test -> staging -> prod with prod behind its environment.
(`./tasks actionlint`, run by .ci/run, checks the workflows' syntax and expressions.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import PROJECT_DIR, STACKS

WORKFLOWS = sorted((PROJECT_DIR / ".github" / "workflows").glob("*.yml"))
_USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?:\s+#\s*(?P<comment>.*))?$")
_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
_TAG = re.compile(r"^v\d+\.\d+\.\d+$")


def pin_problems(text: str) -> list[str]:
    """One line per `uses:` that is not `owner/repo@<40-hex sha>  # vX.Y.Z` (local `./` excepted)."""
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _USES.match(line)
        if not match or match["ref"].startswith("./"):
            continue
        ref, tag = match["ref"], (match["comment"] or "").strip()
        if not _PINNED.match(ref):
            problems.append(f"line {number}: {ref} is not pinned to a commit SHA")
        elif not _TAG.match(tag):
            problems.append(f"line {number}: {ref} has no `# vX.Y.Z` tag comment")
    return problems


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def _all_uses(data: dict[str, Any]) -> list[str]:
    found = []
    for job in data["jobs"].values():
        if "uses" in job:
            found.append(job["uses"])
        found += [step["uses"] for step in job.get("steps", []) if "uses" in step]
    return found


def test_there_are_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= {"pr.yml", "deploy.yml", "drift.yml", "up.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_sha_with_its_tag(path: Path) -> None:
    text = path.read_text()
    assert pin_problems(text) == []
    # The line scan saw every `uses:` the YAML has (none hides in flow style).
    scanned = [m["ref"] for line in text.splitlines() if (m := _USES.match(line))]
    assert sorted(scanned) == sorted(_all_uses(_load(path)))


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("      - uses: actions/checkout@v4", "not pinned to a commit SHA"),
        ("      - uses: actions/checkout@main", "not pinned to a commit SHA"),
        ("      - uses: actions/checkout@3d3c42e", "not pinned to a commit SHA"),
        (
            "      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1",
            "no `# vX.Y.Z`",
        ),
        ("    uses: org/repo/.github/workflows/x.yml@v1  # v1.0.0", "not pinned to a commit SHA"),
    ],
)
def test_a_tag_only_or_unlabelled_pin_is_reported(line: str, problem: str) -> None:
    (found,) = pin_problems(f"jobs:\n  x:\n    steps:\n{line}\n")
    assert problem in found


def test_each_action_has_one_pin_across_workflows() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            match = _USES.match(line)
            if match and not match["ref"].startswith("./"):
                action, sha = match["ref"].split("@")
                pins.setdefault(action, set()).add(f"{sha} {match['comment']}")
    assert {a: s for a, s in pins.items() if len(s) > 1} == {}


def test_pulumi_cli_version_comes_from_the_pinned_file() -> None:
    for path in WORKFLOWS:
        for job in _load(path)["jobs"].values():
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("pulumi/actions@"):
                    assert step["with"]["pulumi-version-file"] == ".pulumi.version", path.name


def test_previews_and_drift_cover_every_shipped_stack() -> None:
    for name, job in (("pr.yml", "preview"), ("drift.yml", "drift")):
        matrix = _load(PROJECT_DIR / ".github" / "workflows" / name)["jobs"][job]["strategy"]
        assert sorted(matrix["matrix"]["stack"]) == sorted(STACKS), name


def test_main_promotes_dev_and_test_then_staging_then_prod() -> None:
    jobs = _load(PROJECT_DIR / ".github" / "workflows" / "deploy.yml")["jobs"]
    stacks = {name: job["with"]["stack"] for name, job in jobs.items() if "with" in job}
    assert sorted(stacks.values()) == sorted(STACKS)
    needs = {name: {job["needs"]} if isinstance(job["needs"], str) else set(job["needs"])
             for name, job in jobs.items() if "needs" in job}  # fmt: skip
    assert needs["up-dev"] == needs["up-test"] == {"test"}
    assert needs["up-staging"] == {"up-dev", "up-test"}
    assert needs["up-prod"] == {"up-staging"}
    assert jobs["up-staging"]["with"].get("verify") is True  # staging validates before prod
    assert jobs["up-prod"]["with"].get("backup-state") is True


def test_deploys_run_in_the_stacks_environment_and_never_overlap() -> None:
    # The environment carries the approval (required reviewers on prod) and puts
    # `environment:<stack>` into the OIDC subject the deploy role's trust policy checks.
    job = _load(PROJECT_DIR / ".github" / "workflows" / "up.yml")["jobs"]["up"]
    assert job["environment"] == "${{ inputs.stack }}"
    assert job["concurrency"] == {
        "group": "deploy-${{ inputs.stack }}",
        "cancel-in-progress": False,
    }
    assert job["permissions"] == {"contents": "read", "id-token": "write"}


def test_pulumi_cloud_token_by_oidc_or_secret_wherever_pulumi_runs() -> None:
    for path in WORKFLOWS:
        for job in _load(path)["jobs"].values():
            steps = job.get("steps", [])
            runs_pulumi = any(str(s.get("uses", "")).startswith("pulumi/actions@") for s in steps)
            if not runs_pulumi:
                continue
            auth = [s for s in steps if str(s.get("uses", "")).startswith("pulumi/auth-actions@")]
            assert len(auth) == 1, path.name
            assert auth[0]["if"] == "vars.PULUMI_OIDC == 'true'"
            assert auth[0]["with"]["export-environment-variables"] is False
            assert job["permissions"]["id-token"] == "write"
            text = yaml.safe_dump(steps)
            assert (
                "steps.pulumi-auth.outputs.pulumi-access-token || secrets.PULUMI_ACCESS_TOKEN"
                in text
            )


def test_checkouts_do_not_persist_the_token() -> None:
    for path in WORKFLOWS:
        for job in _load(path)["jobs"].values():
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, path.name
