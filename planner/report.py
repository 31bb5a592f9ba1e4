"""The plan report: resources, counts and protection, plus sections that analyzers contribute
(policy results, cost, DR posture) in one JSON document and one markdown summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.diagram import mermaid
from planner.recorder import RecordedResource, RecordingMonitor

SCHEMA_VERSION = 1
MASK = "[secret]"


@dataclass
class Section:
    """What one analyzer adds to the report."""

    key: str
    """JSON key under `sections` (e.g. `policy`, `cost`, `dr`)."""
    title: str
    data: dict[str, Any]
    text: list[str] = field(default_factory=list)
    """Lines for the terminal."""
    markdown: list[str] = field(default_factory=list)
    """Lines for the PR comment."""
    blocking: list[str] = field(default_factory=list)
    """Reasons this plan must fail (e.g. mandatory policy violations); empty when it may pass."""


@dataclass
class PlanContext:
    project: str
    stack: str
    project_dir: Path
    monitor: RecordingMonitor
    config: Any
    """The validated StackConfig of the stack."""
    baseline: dict[str, Any] | None = None
    """The JSON report of the same stack on the base branch, to show what this change adds."""

    @property
    def resources(self) -> list[RecordedResource]:
        return self.monitor.recorded


Analyzer = Callable[[PlanContext], Section]


def masked(value: Any, secret_paths: Iterable[str], path: str = "") -> Any:
    """Copy of `value` with every secret path replaced by MASK."""
    secrets = set(secret_paths)
    if path in secrets:
        return MASK
    if isinstance(value, dict):
        return {k: masked(v, secrets, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, secrets, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


def build_report(ctx: PlanContext, sections: list[Section]) -> dict[str, Any]:
    # Registration order depends on async scheduling; sort so reports diff cleanly between runs.
    resources = sorted(ctx.resources, key=lambda r: r.urn)
    return {
        "schemaVersion": SCHEMA_VERSION,
        "project": ctx.project,
        "stack": ctx.stack,
        "resourceCount": len(resources),
        "countsByType": dict(sorted(Counter(r.type for r in resources).items())),
        "protected": [r.urn for r in resources if r.protect],
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "provider": r.provider,
                "custom": r.custom,
                "protect": r.protect,
                "retainOnDelete": r.retain_on_delete,
                "inputs": masked(r.inputs, r.secret_paths),
                "secretInputs": r.secret_paths,
            }
            for r in resources
        ],
        "outputs": masked(ctx.monitor.stack_outputs, ctx.monitor.stack_output_secrets),
        "sections": {s.key: s.data for s in sections},
        "blocking": [reason for s in sections for reason in s.blocking],
    }


def tree_lines(resources: list[RecordedResource]) -> list[str]:
    """The resource tree by component, children sorted by type then name."""
    children: dict[str | None, list[RecordedResource]] = {}
    urns = {r.urn for r in resources}
    for r in resources:
        parent = r.parent if r.parent in urns else None
        children.setdefault(parent, []).append(r)

    lines: list[str] = []

    def walk(parent: str | None, indent: str) -> None:
        kids = sorted(children.get(parent, []), key=lambda r: (r.custom, r.type, r.name))
        for i, r in enumerate(kids):
            last = i == len(kids) - 1
            flags = " [protected]" if r.protect else ""
            lines.append(f"{indent}{'└─' if last else '├─'} {r.type}  {r.name}{flags}")
            walk(r.urn, indent + ("   " if last else "│  "))

    walk(None, "")
    return lines


def text_summary(
    report: dict[str, Any], resources: list[RecordedResource], *, tree: bool
) -> list[str]:
    lines = [
        f"Offline plan: {report['project']} / {report['stack']}  ({report['resourceCount']} resources)",
        "",
    ]
    if tree:
        lines += ["Resources by component:", *tree_lines(resources), ""]
    lines.append("Counts by type:")
    width = max((len(t) for t in report["countsByType"]), default=0)
    lines += [f"  {t.ljust(width)}  {n:>4}" for t, n in report["countsByType"].items()]
    lines += ["", f"Protected resources ({len(report['protected'])}):"]
    lines += [
        f"  {urn.split('::')[-1]}  ({urn.split('::')[-2].split('$')[-1]})"
        for urn in report["protected"]
    ]
    if not report["protected"]:
        lines.append("  none")
    return lines


def markdown_summary(
    report: dict[str, Any], resources: list[RecordedResource], sections: list[Section]
) -> str:
    status = "❌ blocked" if report["blocking"] else "✅ passes"
    out = [
        f"## Offline plan `{report['project']}/{report['stack']}`: {status}",
        "",
        f"**{report['resourceCount']} resources**, {len(report['protected'])} protected.",
        "",
        "| Type | Count |",
        "|---|---:|",
        *[f"| `{t}` | {n} |" for t, n in report["countsByType"].items()],
        "",
    ]
    for section in sections:
        out += [f"### {section.title}", "", *section.markdown, ""]
    out += [
        "<details><summary>Architecture</summary>",
        "",
        *mermaid(resources),
        "",
        "</details>",
        "",
        "<details><summary>Resource tree</summary>",
        "",
        "```",
        *tree_lines(resources),
        "```",
        "",
        "</details>",
    ]
    return "\n".join(out) + "\n"
