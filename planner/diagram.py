"""A Mermaid architecture diagram of the plan: providers (regions) and the components they hold.

GitHub renders Mermaid in PR comments, so the markdown summary shows the shape of the stack.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from planner.recorder import RecordedResource


def _node(urn: str) -> str:
    return "n" + hashlib.sha256(urn.encode()).hexdigest()[:10]  # stable across runs


def mermaid(resources: list[RecordedResource]) -> list[str]:
    by_urn = {r.urn: r for r in resources}
    components = sorted((r for r in resources if not r.custom), key=lambda r: r.urn)
    providers = [r for r in resources if r.type.startswith("pulumi:providers:")]
    lines = ["```mermaid", "flowchart LR"]
    for p in sorted(providers, key=lambda r: r.name):
        region = p.inputs.get("region", "")
        lines.append(f'  {_node(p.urn)}(["{p.type.split(":")[-1]} {region}"])')
    for c in components:
        kids = Counter(r.type.split(":")[-1] for r in resources if r.parent == c.urn and r.custom)
        detail = "<br/>".join(f"{n} x {t}" for t, n in sorted(kids.items()))
        lines.append(f'  {_node(c.urn)}["<b>{c.type}</b><br/>{c.name}<br/>{detail}"]')
        if c.parent in by_urn and not by_urn[c.parent].custom:
            lines.append(f"  {_node(c.parent)} --> {_node(c.urn)}")
        used = {r.provider for r in resources if r.parent == c.urn and r.provider}
        lines += [f"  {_node(p)} -.-> {_node(c.urn)}" for p in sorted(used) if p in by_urn]
    lines.append("```")
    return lines
