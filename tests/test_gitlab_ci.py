"""`.gitlab-ci.yml`: stages, `needs`, which jobs each kind of pipeline runs (rules evaluated, not
string-matched), the deploy chain with a manual prod, OIDC instead of keys, and that every `./tasks`
command a job runs exists."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest
import yaml

from infra.presets import deep_merge
from tests.conftest import PROJECT_DIR, STACKS

CI = yaml.safe_load((PROJECT_DIR / ".gitlab-ci.yml").read_text())
KEYWORDS = {"stages", "workflow", "default", "variables", "include", "image", "cache"}


def resolve(name: str) -> dict[str, Any]:
    """A job with its `extends` applied the way GitLab does (deep merge of hashes, in order)."""
    job = CI[name]
    parents = job.get("extends", [])
    merged: dict[str, Any] = {}
    for parent in [parents] if isinstance(parents, str) else parents:
        merged = deep_merge(merged, resolve(parent))
    return deep_merge(merged, {k: v for k, v in job.items() if k != "extends"})


JOBS = {n: resolve(n) for n in CI if n not in KEYWORDS and not n.startswith(".")}


# --- a small evaluator for the `if:` expressions this file uses -------------------------------
_TOKEN = re.compile(r'\s*(&&|\|\||==|!=|\(|\)|\$\w+|"[^"]*"|\'[^\']*\')')


def evaluate(expression: str, env: dict[str, str]) -> bool:
    """GitLab `rules:if`: `$VAR` (set and non-empty), `==`/`!=` with variables or quoted strings,
    `&&` binding tighter than `||`, and parentheses. Anything else is a test failure."""
    tokens, pos = [], 0
    while pos < len(expression):
        match = _TOKEN.match(expression, pos)
        assert match, f"cannot parse {expression[pos:]!r}"
        tokens.append(match.group(1))
        pos = match.end()

    def value(token: str) -> str | None:
        if token.startswith("$"):
            return env.get(token[1:]) or None
        return token[1:-1]

    def primary(i: int) -> tuple[bool, int]:
        if tokens[i] == "(":
            result, i = disjunction(i + 1)
            assert tokens[i] == ")"
            return result, i + 1
        left = value(tokens[i])
        if i + 1 < len(tokens) and tokens[i + 1] in ("==", "!="):
            right = value(tokens[i + 2])
            return (left == right) == (tokens[i + 1] == "=="), i + 3
        return left is not None, i + 1

    def conjunction(i: int) -> tuple[bool, int]:
        result, i = primary(i)
        while i < len(tokens) and tokens[i] == "&&":
            right, i = primary(i + 1)
            result = result and right
        return result, i

    def disjunction(i: int) -> tuple[bool, int]:
        result, i = conjunction(i)
        while i < len(tokens) and tokens[i] == "||":
            right, i = conjunction(i + 1)
            result = result or right
        return result, i

    result, end = disjunction(0)
    assert end == len(tokens), f"trailing tokens in {expression!r}"
    return result


def first_match(rules: list[dict[str, Any]], env: dict[str, str]) -> dict[str, Any] | None:
    for rule in rules:
        if "if" not in rule or evaluate(rule["if"], env):
            return rule
    return None


def pipeline(env: dict[str, str]) -> dict[str, str]:
    """Jobs a pipeline with these predefined variables runs: name -> `when`."""
    created = first_match(CI["workflow"]["rules"], env)
    if created is None or created.get("when") == "never":
        return {}
    runs = {}
    for name, job in JOBS.items():
        rule = first_match(job["rules"], env) if "rules" in job else {}
        if rule is not None and rule.get("when") != "never":
            runs[name] = rule.get("when", "on_success")
    return runs


MAIN = {"CI_DEFAULT_BRANCH": "main"}
MR = {**MAIN, "CI_PIPELINE_SOURCE": "merge_request_event", "CI_PROJECT_ID": "7",
      "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "7", "GITLAB_NOTE_TOKEN": "x"}  # fmt: skip
PUSH_MAIN = {**MAIN, "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main"}
SCHEDULE = {**MAIN, "CI_PIPELINE_SOURCE": "schedule", "CI_COMMIT_BRANCH": "main"}
CHECKS = {"test", "actionlint", "offline-plan"}
DEPLOYS = {"deploy-dev", "deploy-test", "deploy-staging", "deploy-prod"}


def test_the_evaluator_follows_gitlab_semantics() -> None:
    env = {"A": "1", "B": "", "S": "push"}
    assert evaluate("$A", env) and not evaluate("$B", env) and not evaluate("$C", env)
    assert evaluate('$S == "push" && $A', env) and not evaluate('$S != "push"', env)
    assert evaluate('$C || $S == "push" && $A', env)  # && binds tighter
    assert not evaluate('($C || $S == "push") && $B', env)
    assert evaluate("$C == $D", env)  # two unset variables are equal (both null)


def test_stages_match_the_github_path() -> None:
    assert CI["stages"] == ["test", "preview", "deploy", "drift"]
    assert {job["stage"] for job in JOBS.values()} == set(CI["stages"])


def test_needs_name_jobs_in_the_same_or_an_earlier_stage() -> None:
    order = {stage: i for i, stage in enumerate(CI["stages"])}
    for name, job in JOBS.items():
        for need in job.get("needs", []):
            need_name = need if isinstance(need, str) else need["job"]
            assert need_name in JOBS, f"{name} needs unknown job {need_name}"
            assert order[JOBS[need_name]["stage"]] <= order[job["stage"]], (name, need_name)


def test_a_merge_request_runs_checks_note_and_previews_but_never_deploys() -> None:
    assert pipeline(MR) == dict.fromkeys(CHECKS | {"plan-note", "preview"}, "on_success")


def test_a_fork_merge_request_gets_no_preview_and_a_branch_with_an_mr_no_second_pipeline() -> None:
    fork = {**MR, "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "8"}
    assert "preview" not in pipeline(fork) and set(pipeline(fork)) >= CHECKS
    branch = {**MAIN, "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature",
              "CI_OPEN_MERGE_REQUESTS": "group/groundwork!3"}  # fmt: skip
    assert pipeline(branch) == {}


def test_the_default_branch_deploys_with_prod_manual_and_blocking() -> None:
    runs = pipeline(PUSH_MAIN)
    assert set(runs) == CHECKS | DEPLOYS
    assert runs["deploy-prod"] == "manual"
    assert first_match(JOBS["deploy-prod"]["rules"], PUSH_MAIN)["allow_failure"] is False  # type: ignore[index]
    assert {runs[d] for d in DEPLOYS - {"deploy-prod"}} == {"on_success"}


def test_a_schedule_only_checks_drift() -> None:
    assert pipeline(SCHEDULE) == {"drift": "on_success"}


def test_promotion_chain_and_one_update_per_stack_at_a_time() -> None:
    needs = {d: set(JOBS[d]["needs"]) for d in DEPLOYS}
    assert needs["deploy-dev"] == needs["deploy-test"] == CHECKS
    assert needs["deploy-staging"] == {"deploy-dev", "deploy-test"}
    assert needs["deploy-prod"] == {"deploy-staging"}
    for deploy in DEPLOYS:
        stack = deploy.removeprefix("deploy-")
        job = JOBS[deploy]
        assert job["environment"]["name"] == job["resource_group"] == stack
        assert job["interruptible"] is False
        assert f"./tasks up {stack}" in job["script"]
    assert "./tasks drift staging" in JOBS["deploy-staging"]["script"]  # validated before prod
    assert JOBS["deploy-prod"]["script"][0].startswith("./tasks state-export prod")


def test_every_stack_is_planned_previewed_and_drift_checked() -> None:
    for name in ("offline-plan", "preview", "drift"):
        (matrix,) = JOBS[name]["parallel"]["matrix"]
        assert sorted(matrix["STACK"]) == sorted(STACKS), name
    note = JOBS["plan-note"]["script"][0]
    assert sorted(re.findall(r"out/plan-(\w+)\.md", note)) == sorted(STACKS)


def test_cloud_access_is_oidc_with_the_right_role_and_no_static_keys() -> None:
    text = (PROJECT_DIR / ".gitlab-ci.yml").read_text()
    assert "AWS_ACCESS_KEY_ID" not in text and "AWS_SECRET_ACCESS_KEY" not in text
    roles = {"preview": "$AWS_PREVIEW_ROLE_ARN", "drift": "$AWS_PREVIEW_ROLE_ARN"}
    roles |= dict.fromkeys(DEPLOYS, "$AWS_DEPLOY_ROLE_ARN")
    for name, role in roles.items():
        job = JOBS[name]
        assert job["id_tokens"] == {"AWS_ID_TOKEN": {"aud": "sts.amazonaws.com"}}, name
        assert job["variables"]["AWS_ROLE_ARN"] == role, name
        assert any("AWS_WEB_IDENTITY_TOKEN_FILE" in line for line in job["before_script"])
    assert not any("id_tokens" in JOBS[n] for n in CHECKS | {"plan-note"})  # no cloud access


def _task_commands() -> set[str]:
    text = (PROJECT_DIR / "tasks").read_text()
    case = text[text.index('case "$cmd" in') :]
    return {c for label in re.findall(r"^  ([\w|-]+)\)", case, re.M) for c in label.split("|")}


@pytest.mark.parametrize("name", sorted(JOBS))
def test_every_job_runs_only_tasks_commands_that_exist(name: str) -> None:
    job, commands = JOBS[name], _task_commands()
    lines = job.get("before_script", []) + job["script"]
    invoked = [shlex.split(line)[1] for line in lines if line.startswith("./tasks ")]
    assert invoked, f"{name} runs no ./tasks command"
    assert [c for c in invoked if c not in commands] == []
    for line in job["script"]:  # the script itself is nothing but ./tasks commands
        assert line.startswith("./tasks "), f"{name}: {line}"


def test_tasks_commands_are_read_from_the_case_statement() -> None:
    assert {"plan", "test", "preview", "up", "drift", "comment", "mr-note"} <= _task_commands()
    assert "nonexistent" not in _task_commands()


def test_python_image_matches_python_version() -> None:
    version = (PROJECT_DIR / ".python-version").read_text().strip()
    assert CI["default"]["image"] == f"python:{version}-bookworm"
