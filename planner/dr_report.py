"""Offline-plan analyzer for the DR posture: per tier, the recovery objective the stack declares
(`groundwork:dr.targets`) against the RPO/RTO its captured resources imply for the loss of the
primary region (policies/guardrails/dr_posture.py). Blocking is the policy's job
(`dr-objectives-met`, mandatory in prod); this section shows the figures."""

from __future__ import annotations

from planner.policy_report import policy_resources
from planner.report import PlanContext, Section
from policies.guardrails import subject_of_resource
from policies.guardrails.dr_posture import (
    MECHANISMS,
    TIERS,
    declared_targets,
    format_seconds,
    misses,
    posture,
)


def dr_section(ctx: PlanContext) -> Section:
    _, outputs = policy_resources(ctx.resources)
    subjects = [subject_of_resource(p) for p in outputs]
    seen, targets = posture(subjects), declared_targets(subjects)
    rows, data = [], {}
    for tier in TIERS:
        implied, target = seen.get(tier), (targets or {}).get(tier)
        if implied is None:
            continue
        missed = misses(target, implied) if target else []
        verdict = (
            "no target" if target is None else ("MISSES " + "+".join(missed) if missed else "meets")
        )
        rows.append((
            tier,
            f"{format_seconds(target.rpo_seconds)} / {format_seconds(target.rto_seconds)}"
            if target else "-",
            f"{format_seconds(implied.rpo_seconds)} / {format_seconds(implied.rto_seconds)}",
            implied.mechanism,
            verdict,
        ))  # fmt: skip
        data[tier] = {
            "targetRpoSeconds": target.rpo_seconds if target else None,
            "targetRtoSeconds": target.rto_seconds if target else None,
            "impliedRpoSeconds": implied.rpo_seconds,
            "impliedRtoSeconds": implied.rto_seconds,
            "mechanism": implied.mechanism,
            "basis": MECHANISMS[implied.mechanism].basis if implied.mechanism in MECHANISMS else "",
            "verdict": verdict,
        }
    head = ("tier", "target RPO / RTO", "implied RPO / RTO", "mechanism", "")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(5)]
    text = ["  Region loss: " + ("objectives from groundwork:dr.targets"
                                 if targets is not None else "no objectives declared (groundwork:dr)")]  # fmt: skip
    text += ["    " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in [head, *rows]]  # fmt: skip
    markdown = [
        "| Tier | Target RPO / RTO | Implied RPO / RTO | Mechanism | |",
        "|---|---|---|---|---|",
    ]
    markdown += [f"| {' | '.join(r)} |" for r in rows]
    return Section(
        key="dr",
        title="DR posture (loss of the primary region)",
        data={"declared": targets is not None, "tiers": data},
        text=text,
        markdown=markdown,
    )
