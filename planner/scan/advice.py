"""What to do about a failing scan, printed under the verdict: whoever adds a resource the scan
rejects (a new component, another engineer's change) gets the exact next step, not just the id."""

from __future__ import annotations

import json
from collections import defaultdict

from planner.export.mapping import TABLE, snake
from planner.scan.findings import Finding
from planner.scan.waivers import Waiver

WAIVER_FILE = "policies/checkov-waivers.yaml"


def unwaived_advice(stack: str, unwaived: list[Finding], waivers: list[Waiver]) -> list[str]:
    """For each failing check: fix it in the component, or a ready-to-edit waiver entry (and the
    existing entries of the same check that could simply take this stack too)."""
    if not unwaived:
        return []
    by_check: dict[str, list[str]] = defaultdict(list)
    for f in unwaived:
        by_check[f.check_id].append(f.resource)
    lines = [
        "  To pass: fix each FAILED resource in its component (preferred; docs/scanning.md lists "
        "the findings fixed so far), or,",
        f"  if the check does not apply or the risk is accepted on purpose, waive it in {WAIVER_FILE}",
        "  with a reason a reviewer can check (scope it to the stacks and resources it is true for):",
    ]
    for check, resources in sorted(by_check.items()):
        same = [w for w in waivers if w.check == check and not w.applies_to(stack)]
        lines += [
            f"    - check: {check}",
            f"      stacks: [{stack}]",
            f"      resources: {json.dumps(sorted(set(resources)))}",
            "      reason: >-",
            "        <why the check does not apply here, or why the risk is accepted>",
        ]
        lines += [
            f"      (or add {stack} to the stacks of {w.label()} if its reason holds here: {w.reason[:90]}...)"
            for w in same
        ]
    return lines


def stale_advice(stack: str, stale: list[Waiver]) -> list[str]:
    if not stale:
        return []
    return [
        f"  A STALE waiver's finding is gone from {stack}: delete the entry from {WAIVER_FILE}, or",
        f"  drop {stack} from its `stacks` if other stacks still need it.",
    ]


def _guess(token: str) -> str:
    """A starting point only: the bridge usually names the Terraform type <pkg>_<module>_<name>,
    but not always (aws:ec2/instance:Instance is aws_instance)."""
    pkg, rest = token.split(":", 1)
    module, name = rest.rsplit(":", 1)
    module = module.split("/", 1)[0]
    return f"{pkg}_{module}_{snake(name)}"


def unmapped_advice(stack: str, unmapped: tuple[str, ...]) -> list[str]:
    """A type missing from the mapping table is absent from tfplan.json: nothing would scan it."""
    if not unmapped:
        return []
    lines = [f"  UNMAPPED in {stack} (left out of tfplan.json, so Checkov never sees them):"]
    lines += [f"    {t}" for t in unmapped]
    lines += [
        f'  Add each to {TABLE.relative_to(TABLE.parents[2])} under "types" with its Terraform '
        "resource type (the name in the",
        "  provider's Terraform docs; the guesses below follow the usual pattern, check them):",
    ]
    lines += [f'    "{t}": {{"type": "{_guess(t)}"}},' for t in unmapped]
    lines += [
        '  plus "renames" for blocks the Pulumi bridge pluralised (origins -> origin) and "maps" '
        "for map-typed inputs;",
        '  or, if it has no Terraform resource at all, under "unmappable" with the reason. '
        "tests/test_export_mapping.py",
        "  checks the entry against the pinned SDK; then rerun ./tasks scan and fix or waive what "
        "Checkov finds on it.",
    ]
    return lines
