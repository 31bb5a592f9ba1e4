"""Offline-plan analyzer for the cost estimate: on demand and with 1-year commitments, the
disaster-recovery add-on apart, unpriced resources always listed, and the change against a base
report when one is given (`--compare-with`, `./tasks cost --against`)."""

from __future__ import annotations

from typing import Any, NamedTuple

from planner.policy_report import policy_resources
from planner.report import PlanContext, Section
from policies.guardrails import Subject, config_path, load_pack_config, subject_of_resource
from policies.guardrails.cost import stack_budget
from policies.guardrails.pricing import Estimate, catalogue, estimate
from policies.guardrails.pricing._catalogue import CATALOGUES

ROOT = CATALOGUES["aws"].parents[3]


class _View(NamedTuple):
    est: Estimate
    on_demand: dict[str, float]
    committed: dict[str, float]
    budget: float
    base: dict[str, Any] | None
    change: dict[str, float]


def _budget(environment: str, subjects: list[Subject], currency: str) -> float:
    """The limit the budget policy applies: the stack's declared budget, else the config's (in
    the estimate's currency; 0 when the config has no limit in it)."""
    path = config_path(environment)
    entry = load_pack_config(path).get("cost-stack-budget", {}) if path.exists() else {}
    params = {"maxMonthlyCost": 0, **entry} if isinstance(entry, dict) else {"maxMonthlyCost": 0}
    found = stack_budget(subjects, params, currency)
    return found[0] if found else 0.0


def deltas(current: dict[str, float], base: dict[str, float]) -> dict[str, float]:
    """Per component: this plan minus the base (components on one side only count from zero)."""
    keys = sorted(set(current) | set(base))
    changed = {k: round(current.get(k, 0.0) - base.get(k, 0.0), 2) for k in keys}
    return {k: v for k, v in changed.items() if v != 0.0}


MONITORING = "monitoring"
"""Its own line: what alerting, logs, traces and health checks add (components/monitoring/)."""


DR_ROW = "DR add-on (not in TOTAL)"
WITH_DR_ROW = "TOTAL with DR add-on"
BUDGET_SCOPE = (
    "the budget covers TOTAL, the primary region and its edge; the DR add-on is estimated "
    "apart and capped at maxDrShare of TOTAL (cost-stack-budget)"
)
"""How every stack, on either cloud, compares its estimate with its budget."""


def _signed(value: float) -> str:
    return f"{value:+,.2f}"


def cost_section(ctx: PlanContext) -> Section:
    _, outputs = policy_resources(ctx.resources)
    subjects = [subject_of_resource(p) for p in outputs]
    est = estimate(subjects, ctx.config.region)
    budget = _budget(ctx.config.environment, subjects, est.currency)
    on_demand, committed = est.by_component(), est.by_component(committed=True)
    base = (ctx.baseline or {}).get("sections", {}).get("cost")
    change = deltas(on_demand, base["byComponent"]) if base else {}
    view = _View(est, on_demand, committed, budget, base, change)
    text, markdown = _text(view), _markdown(view)
    return Section(
        key="cost",
        title="Cost estimate",
        data={
            "currency": est.currency,
            "total": est.total,
            "committedTotal": est.committed_total,
            "drTotal": est.dr_total,
            "budget": budget,
            "budgetCovers": "primary",
            "byComponent": on_demand,
            "committedByComponent": committed,
            "drByComponent": est.by_component(scope="dr"),
            "monitoring": est.of_capability(MONITORING),
            "commitments": {k: v["kind"] for k, v in catalogue(est.cloud)["commitments"].items()},
            "unpriced": [
                {"urn": line.urn, "type": line.type, "detail": line.detail}
                for line in est.by_status("unpriced")
            ],
            **({"against": {"total": base["total"], "byComponentDelta": change}} if base else {}),
            "lines": [
                {
                    "urn": line.urn,
                    "type": line.type,
                    "region": line.region,
                    "scope": line.scope,
                    "status": line.status,
                    "monthly": line.monthly,
                    "committed": line.committed,
                    "detail": line.detail,
                    "component": line.component,
                }
                for line in est.lines
            ],
        },
        text=text,
        markdown=markdown,
    )


def _text(view: _View) -> list[str]:
    est, on_demand, committed, budget, base, change = view
    width = max([len(k) for k in on_demand] + [len(DR_ROW)])
    money = est.currency
    head = f"    {f'{money}/month'.ljust(width)}  {'on-demand':>10}  {'1-yr commit':>11}"
    text = [
        f"  Estimated monthly cost ({money} list prices; {CATALOGUES[est.cloud].relative_to(ROOT)}):",
        head + ("  vs base" if base else ""),
    ]
    for k, v in on_demand.items():
        row = f"    {k.ljust(width)}  {v:>10,.2f}  {committed[k]:>11,.2f}"
        text.append(row + (f"  {_signed(change[k])}" if k in change else ""))
    for k, delta in change.items():  # components the change removed
        if k not in on_demand:
            text.append(f"    {k.ljust(width)}  {0:>10,.2f}  {0:>11,.2f}  {_signed(delta)}")
    status = "within" if est.total <= budget else "OVER"
    total_row = f"    {'TOTAL'.ljust(width)}  {est.total:>10,.2f}  {est.committed_total:>11,.2f}"
    if base:
        total_row += f"  {_signed(est.total - base['total'])}"
    text.append(f"{total_row}   budget {budget:,.2f} ({status})")
    text.append(
        f"    {'of which monitoring'.ljust(width)}  {est.of_capability(MONITORING):>10,.2f}"
    )
    if est.scoped("dr"):
        share = est.dr_total / est.total if est.total else 0.0
        text.append(f"    {DR_ROW.ljust(width)}  {est.dr_total:>10,.2f}  ({share:.0%} of TOTAL)")
        with_dr = est.total + est.dr_total
        text.append(f"    {WITH_DR_ROW.ljust(width)}  {with_dr:>10,.2f}")
        text.append(f"  Budget: {BUDGET_SCOPE}.")
    text.append(
        "  1-yr commit: "
        + "; ".join(v["kind"] for v in catalogue(est.cloud)["commitments"].values())
        + " (steady instance hours only; Spot, storage and usage unchanged)"
    )
    usage = est.by_status("usage")
    if usage:
        kinds = sorted({line.type.rsplit(":", 1)[-1] for line in usage})
        text.append(f"  Usage-based, not in the total ({len(usage)}): " + ", ".join(kinds))
    for line in est.by_status("unpriced"):
        text.append(f"  UNPRICED (not in the total): {line.name} ({line.type}): {line.detail}")
    return text


def _markdown(view: _View) -> list[str]:
    est, on_demand, committed, budget, base, change = view
    if base:
        md = [
            f"| Component | {est.currency}/month | 1-yr commit | vs base |",
            "|---|---:|---:|---:|",
        ]
        md += [
            f"| {k} | {on_demand.get(k, 0.0):,.2f} | {committed.get(k, 0.0):,.2f} | "
            f"{_signed(change[k]) if k in change else ''} |"
            for k in [*on_demand, *[k for k in change if k not in on_demand]]
        ]
        md.append(
            f"| **Total** | **{est.total:,.2f}** (budget {budget:,.2f}) | "
            f"{est.committed_total:,.2f} | **{_signed(est.total - base['total'])}** |"
        )
    else:
        md = [f"| Component | {est.currency}/month | 1-yr commit |", "|---|---:|---:|"]
        md += [f"| {k} | {v:,.2f} | {committed[k]:,.2f} |" for k, v in on_demand.items()]
        md.append(
            f"| **Total** | **{est.total:,.2f}** (budget {budget:,.2f}) | {est.committed_total:,.2f} |"
        )
    md.append(f"| of which monitoring | {est.of_capability(MONITORING):,.2f} | |")
    if est.scoped("dr"):
        md.append(f"| DR add-on (not in Total) | {est.dr_total:,.2f} | |")
        md.append(f"| Total with DR add-on | {est.total + est.dr_total:,.2f} | |")
        md += ["", f"Budget: {BUDGET_SCOPE}."]
    unpriced = est.by_status("unpriced")
    if unpriced:
        md += ["", "**Unpriced** (not in the total): " + ", ".join(
            f"`{line.name}` ({line.type})" for line in unpriced)]  # fmt: skip
    return md
