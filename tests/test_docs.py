"""The numbers the README and docs/cost.md quote are the numbers the plan produces."""

from __future__ import annotations

import re

import pytest

from planner.cost_report import cost_section
from planner.report import PlanContext
from tests.conftest import PROJECT_DIR, any_stack_config, built, stack_config

README = (PROJECT_DIR / "README.md").read_text()
COST_DOC = (PROJECT_DIR / "docs" / "cost.md").read_text()


def _context(stack: str) -> PlanContext:
    return PlanContext("groundwork", stack, PROJECT_DIR, built(stack), stack_config(stack))


def _money(value: float) -> str:
    return f"{value:,.2f}"


def test_readme_resource_counts_match_the_plans() -> None:
    row = re.search(r"\| resources \(offline plan\) \| (\d+) \| (\d+) \|", README)
    assert row, "README lost its resource-count row"
    assert (int(row.group(1)), int(row.group(2))) == (
        len(built("dev").recorded),
        len(built("prod").recorded),
    )


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_quoted_monthly_estimates_match_the_plan(stack: str) -> None:
    total = _money(cost_section(_context(stack)).data["total"])
    assert f"**${total}**" in README, f"README should quote ${total} for {stack}"
    assert f"| {stack} | ${total} |" in COST_DOC, f"docs/cost.md should quote ${total} for {stack}"


def test_readme_alicloud_counts_and_estimates_match_the_plans() -> None:
    row = re.search(r"\| resources \(offline plan, Alibaba Cloud\) \| (\d+) \| (\d+) \|", README)
    assert row, "README lost its Alibaba Cloud resource-count row"
    assert (int(row.group(1)), int(row.group(2))) == (
        len(built("dev-cn").recorded),
        len(built("prod-cn").recorded),
    )
    for stack in ("dev-cn", "prod-cn"):
        ctx = PlanContext("groundwork", stack, PROJECT_DIR, built(stack), any_stack_config(stack))
        data = cost_section(ctx).data
        assert data["currency"] == "CNY"
        assert f"**CNY {_money(data['total'])}**" in README, stack
        assert f"| {stack} | CNY {_money(data['total'])} |" in COST_DOC, stack
        assert f"(limit CNY {_money(data['budget']).removesuffix('.00')})" in README, stack
