"""The runbooks name real stack outputs: every `pulumi stack output` / `out <name>` they use exists
in the outputs of the prod program as the language host runs it, or, for the steps of a DR option
prod does not turn on (the runbook says which), in the outputs of prod with that option."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pulumi
import pytest

from infra.build import build
from planner.recorder import RecordingMonitor
from planner.runner import run_program
from tests.conftest import PROJECT_DIR, raw_stack_config, run_mocked, stack_config, stack_file

RUNBOOKS = sorted((PROJECT_DIR / "docs" / "runbooks").glob("*.md"))
NAMED = re.compile(r"(?:\bout|pulumi stack output(?: --stack \S+)?) ([a-zA-Z][a-zA-Z0-9]+)")


OPTIONS: dict[str, dict[str, Any]] = {
    "replicated cache": {"redis": {"nodeType": "cache.m7g.large"}, "dr": {"cache": "replicated"}},
    "rds replica": {
        "postgres": {"engine": "postgres", "readers": 1, "serverless": None,
                     "instanceClass": "db.m7g.large"},
        "dr": {"postgres": "warm"},
    },
    "warm standby": {"dr": {"compute": "warm", "network": {"cidr": "10.21.0.0/16",
                                                         "nat": "single"}}},
}  # fmt: skip
"""The DR options whose failover steps the runbook has, as overrides of prod."""


@cache
def _prod() -> RecordingMonitor:
    return run_program(PROJECT_DIR, stack_file("prod"))


@cache
def _outputs() -> frozenset[str]:
    """Prod's outputs and those of prod with each option."""
    names = set(_prod().stack_outputs)
    for overrides in OPTIONS.values():
        dr = {**raw_stack_config("prod")["dr"], **overrides.get("dr", {})}
        cfg = stack_config("prod", **{**overrides, "dr": dr})

        def program(cfg: Any = cfg) -> None:
            for key, value in build(cfg).items():
                pulumi.export(key, value)

        names |= set(run_mocked(program, stack="prod").stack_outputs)
    return frozenset(names)


def test_the_runbooks_exist() -> None:
    assert {p.name for p in RUNBOOKS} >= {"dr-failover.md", "restore-from-backup.md"}


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda p: p.name)
def test_every_output_a_runbook_uses_exists_in_prod(runbook: object) -> None:
    text = runbook.read_text()  # type: ignore[attr-defined]
    names = set(NAMED.findall(text)) - {"for"}
    assert len(names) >= 5, names  # the pattern finds them (a broken pattern would find none)
    missing = sorted(n for n in names if n not in _outputs())
    assert not missing, f"{runbook}: no such stack output in prod (or its DR options): {missing}"


def test_the_options_add_the_outputs_their_failover_steps_use() -> None:
    """Each option's outputs are its own: prod alone does not have them."""
    prod = set(_prod().stack_outputs)
    assert {"drCacheReplicationGroupId", "drPostgresReplicaIdentifier", "drClusterName"} <= (
        _outputs() - prod
    )
