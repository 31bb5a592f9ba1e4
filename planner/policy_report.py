"""Offline-plan analyzer for the policy pack.

The captured resources become real `pulumi_policy` objects (`PolicyResource` with
`PolicyResourceOptions`, props wrapped by `unknown_checking_proxy`), and the pack's own policies run
over them with the environment's policy config (policies/config/<environment>.json). Mandatory
violations block the plan; the rest is listed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
)
from pulumi_policy.proxy import unknown_checking_proxy

from planner.recorder import RecordedResource
from planner.report import PlanContext, Section
from policies.guardrails import config_path, load_pack_config
from policies.guardrails.engine import Violation, analyze

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _options(r: RecordedResource) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        r.protect,
        list(r.ignore_changes),
        r.delete_before_replace,
        [str(a) for a in r.aliases],
        PolicyCustomTimeouts(0, 0, 0),
        list(r.additional_secret_outputs),
        r.parent,
    )


def policy_resources(
    recorded: list[RecordedResource],
) -> tuple[list[PolicyResource], list[PolicyResource]]:
    """(as resource policies see them: inputs; as stack policies see them: outputs, linked)."""
    by_urn = {r.urn: r for r in recorded}
    providers = {
        r.urn: PolicyProviderResource(r.type, unknown_checking_proxy(dict(r.inputs)), r.urn, r.name)
        for r in recorded
        if r.type.startswith("pulumi:providers:")
    }

    def make(r: RecordedResource, props: dict[str, Any]) -> PolicyResource:
        provider = providers.get(r.provider) if r.provider else None
        return PolicyResource(
            r.type,
            unknown_checking_proxy(props),
            r.urn,
            r.name,
            _options(r),
            provider,
            None,
            [],
            {},
        )

    inputs = [make(r, dict(r.inputs)) for r in recorded]
    outputs = [make(r, {**r.inputs, **r.outputs}) for r in recorded]
    stack = {p.urn: p for p in outputs}
    for p in outputs:
        r = by_urn[p.urn]
        p.parent = stack.get(r.parent) if r.parent else None
        p.dependencies = [stack[u] for u in r.dependencies if u in stack]
        p.property_dependencies = {
            k: [stack[u] for u in v if u in stack] for k, v in r.property_dependencies.items()
        }
    return inputs, outputs


def policy_section(ctx: PlanContext) -> Section:
    path = config_path(ctx.config.environment)
    if not path.exists():
        reason = f"no policy config {path.name} for environment '{ctx.config.environment}' in policies/config/"
        return Section(key="policy", title="Policy pack", data={"config": None, "violations": []},
                       text=[f"  {reason}"], markdown=[reason], blocking=[reason])  # fmt: skip
    inputs, outputs = policy_resources(ctx.resources)
    found = analyze(inputs, outputs, load_pack_config(path))
    violations = [v for v in found if v.read_by_engine is None]
    engine_only = read_by_engine([v for v in found if v.read_by_engine is not None])
    mandatory = [v for v in violations if v.level == "mandatory"]
    advisory = [v for v in violations if v.level == "advisory"]
    text = [f"  config: {path.relative_to(path.parents[2])}  "
            f"({len(mandatory)} mandatory, {len(advisory)} advisory violation(s))"]  # fmt: skip
    markdown = [
        f"Policy config `{path.name}`: **{len(mandatory)} mandatory**, {len(advisory)} advisory.",
        "",
    ]
    for level, group in (("mandatory", mandatory), ("advisory", advisory)):
        by_severity: dict[str, list[Violation]] = defaultdict(list)
        for v in group:
            by_severity[v.rule.severity].append(v)
        for severity in sorted(by_severity, key=SEVERITY_ORDER.__getitem__):
            text.append(f"  [{level}] {severity}:")
            for v in sorted(by_severity[severity], key=lambda v: (v.rule.id, v.resource)):
                text.append(f"    {v.rule.id}  {v.resource}: {_first_line(v.message)}")
                markdown.append(
                    f"- **{level}** `{v.rule.id}` ({severity}) `{v.resource}`: {_first_line(v.message)}"
                )
    if not violations:
        text.append("  no violations")
    if engine_only:
        text.append("  checked by the engine (the offline plan cannot read these manifests):")
        markdown += ["", "Checked by the engine (the offline plan cannot read these manifests):"]
    for item in engine_only:
        line = _engine_line(item)
        text.append(f"    {item['resource']}: {line}")
        markdown.append(f"- `{item['resource']}`: {line}")
    return Section(
        key="policy",
        title="Policy pack",
        data={
            "config": str(path.name),
            "violations": [
                {
                    "rule": v.rule.id,
                    "level": v.level,
                    "severity": v.rule.severity,
                    "group": v.rule.group,
                    "urn": v.urn,
                    "message": v.message,
                }
                for v in violations
            ],
            "readByEngine": engine_only,
        },
        text=text,
        markdown=markdown,
        blocking=[
            f"policy {v.rule.id} (mandatory) on {v.resource}: {_first_line(v.message)}"
            for v in mandatory
        ],
    )


def read_by_engine(deferred: list[Violation]) -> list[dict[str, Any]]:
    """One entry per component whose manifest only the engine's provider reads: its source and
    every rule that will check its objects there (as resources of their own)."""
    by_urn: dict[str | None, list[Violation]] = defaultdict(list)
    for v in deferred:
        by_urn[v.urn].append(v)
    return [
        {
            "urn": urn,
            "resource": group[0].resource,
            "source": group[0].read_by_engine,
            "rules": sorted({v.rule.id for v in group}),
        }
        for urn, group in sorted(by_urn.items(), key=lambda item: str(item[0]))
    ]


def _engine_line(item: dict[str, Any]) -> str:
    rules = item["rules"]
    return (
        f"manifest {item['source']} is read by the engine only; there its objects are resources "
        f"of their own, checked by {len(rules)} rule(s): {', '.join(rules)}"
    )


def _first_line(message: str) -> str:
    return message.split(". Fix:", 1)[0]
