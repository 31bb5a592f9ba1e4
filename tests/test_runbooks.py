"""The runbooks name real stack outputs: every `pulumi stack output` / `out <name>` they use exists
in the outputs of the prod program as the language host runs it."""

from __future__ import annotations

import re
from functools import cache

import pytest

from planner.recorder import RecordingMonitor
from planner.runner import run_program
from tests.conftest import PROJECT_DIR, stack_file

RUNBOOKS = sorted((PROJECT_DIR / "docs" / "runbooks").glob("*.md"))
NAMED = re.compile(r"(?:\bout|pulumi stack output(?: --stack \S+)?) ([a-zA-Z][a-zA-Z0-9]+)")


@cache
def _prod() -> RecordingMonitor:
    return run_program(PROJECT_DIR, stack_file("prod"))


def test_the_runbooks_exist() -> None:
    assert {p.name for p in RUNBOOKS} >= {"dr-failover.md", "restore-from-backup.md"}


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda p: p.name)
def test_every_output_a_runbook_uses_exists_in_prod(runbook: object) -> None:
    text = runbook.read_text()  # type: ignore[attr-defined]
    names = set(NAMED.findall(text)) - {"for"}
    assert len(names) >= 5, names  # the pattern finds them (a broken pattern would find none)
    missing = sorted(n for n in names if n not in _prod().stack_outputs)
    assert not missing, f"{runbook}: no such stack output in prod: {missing}"
