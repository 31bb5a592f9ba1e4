"""The PR / MR comment: golden renderings of the dev and prod plans, and how it fits the limit.

A changed golden file means reviewers would see a different comment. If intended, regenerate
with `GROUNDWORK_UPDATE_GOLDEN=1 ./tasks test tests/test_comment.py` and commit the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from planner import comment
from planner.analyzers import ANALYZERS
from planner.report import PlanContext, build_report, markdown_summary
from tests.conftest import PROJECT_DIR, built, stack_config

GOLDEN = PROJECT_DIR / "tests" / "golden"


def summary(stack: str) -> str:
    monitor = built(stack)
    ctx = PlanContext("groundwork", stack, PROJECT_DIR, monitor, stack_config(stack))
    sections = [analyze(ctx) for analyze in ANALYZERS]
    return markdown_summary(build_report(ctx, sections), monitor.recorded, sections)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_comment_matches_the_golden_rendering(stack: str) -> None:
    rendered = comment.render([summary(stack)])
    path = GOLDEN / f"comment-{stack}.md"
    if os.environ.get("GROUNDWORK_UPDATE_GOLDEN") == "1":
        path.write_text(rendered)
    assert rendered == path.read_text(), f"comment for {stack} changed; see the module docstring"


def test_comment_starts_with_the_marker_ci_searches_for() -> None:
    rendered = comment.render([summary("dev")])
    assert rendered.startswith(comment.MARKER + "\n## Offline plan `groundwork/dev`: ✅ passes")


def test_every_stack_fits_by_dropping_collapsed_blocks_last_stack_first() -> None:
    stacks = ["dev", "prod"]
    full = comment.render([summary(s) for s in stacks], limit=10**9)
    assert full.count("<details>") == 4 and comment.OMITTED not in full
    limit = len(full) - 1000  # too long by a little: only prod's blocks go
    fitted = comment.render([summary(s) for s in stacks], limit=limit)
    assert len(fitted) <= limit
    dev_part, prod_part = fitted.split("## Offline plan `groundwork/prod`")
    assert dev_part.count("<details>") == 2 and comment.OMITTED not in dev_part
    assert prod_part.count("<details>") == 0 and comment.OMITTED in prod_part
    # Status, policy and cost of every stack survive.
    assert "### Policy pack" in prod_part and "### Cost estimate" in prod_part


def test_a_comment_too_long_even_without_blocks_is_cut_with_a_note() -> None:
    rendered = comment.render(["## Offline plan `x`\n" + "y" * 5000], limit=1000)
    assert len(rendered) <= 1000
    assert rendered.endswith(comment.CUT.format(limit=1000))


def test_cli_renders_files_and_rejects_a_missing_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan-dev.md"
    plan.write_text("## Offline plan `groundwork/dev`: ✅ passes\n")
    assert comment.main([str(plan)]) == 0
    assert capsys.readouterr().out.startswith(comment.MARKER)
    assert comment.main([str(plan), str(plan.with_name("plan-nope.md"))]) == 2
    assert "plan-nope.md" in capsys.readouterr().err


def test_comment_tools_need_only_the_standard_library() -> None:
    # `./tasks comment` and `./tasks mr-note` run with a bare Python (no .venv) in CI jobs.
    import subprocess
    import sys

    for module in ("planner.comment", "planner.gitlab_note"):
        result = subprocess.run(
            [sys.executable, "-S", "-c", f"import {module}"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
