"""docs/policies.md is generated from the rule registry and the config files, and stays in sync."""

from __future__ import annotations

from policies.guardrails import RULES
from policies.guardrails.docs import DOC_PATH, render


def test_rule_table_is_in_sync_with_the_registry() -> None:
    assert DOC_PATH.read_text() == render(), (
        "run: .venv/bin/python -m policies.guardrails.docs --write"
    )


def test_every_rule_is_documented_with_both_levels() -> None:
    text = DOC_PATH.read_text()
    for rule in RULES:
        assert f"| `{rule.id}` | {rule.kind} | {rule.severity} |" in text
