"""Reading what the engine wrote: `pulumi stack export` (plain values, secrets, what the engine
registered) and the event log (what the policy pack did)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from planner.report import MASK

SIG = "4dabf18193072939515e22adb298388d"
SECRET = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 (wire marker)
RESOURCE_REF = "5cf8f73096256a8f31e491e813e4eb8e"
ASSET = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE = "0def7320c3a5731c473e5ecbe6d01bc7"


ENGINE_PROVIDER_KEYS = {"version", "__internal"}
"""Inputs the engine itself adds to a provider resource (the plugin version the SDK sends beside
the inputs, and its own bookkeeping); the program never registered them."""


def plain(value: Any) -> Any:
    """A state value as the offline plan's report shows inputs: each secret as the report's mask
    (so the engine must hold a secret exactly where the plan does), resource references as their
    URN, assets and archives without the hash the engine adds, integral numbers as ints."""
    if isinstance(value, dict):
        sig = value.get(SIG)
        if sig == SECRET:
            return MASK
        if sig == RESOURCE_REF:
            return value.get("urn")
        if sig in (ASSET, ARCHIVE):  # the engine adds the content hash; the program sent none
            return {k: plain(v) for k, v in value.items() if k != "hash"}
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def secrets(value: Any) -> list[str]:
    """Every secret's plaintext in a `--show-secrets` export."""
    if isinstance(value, dict):
        if value.get(SIG) == SECRET:
            return [value["plaintext"]]
        return [s for v in value.values() for s in secrets(v)]
    if isinstance(value, list):
        return [s for v in value for s in secrets(v)]
    return []


def leaves(value: Any) -> list[str]:
    """The strings inside a decoded secret: a secret may be a map (a Kubernetes Secret's `data`)."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in leaves(v)]
    if isinstance(value, list):
        return [s for v in value for s in leaves(v)]
    return [value] if isinstance(value, str) else []


def registered(export: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """URN -> inputs of every resource the program registered (not the root stack resource)."""
    registered = {}
    for r in export["deployment"].get("resources", []):
        if r["type"] == "pulumi:pulumi:Stack":
            continue
        inputs = plain(r.get("inputs", {}))
        if r["type"].startswith("pulumi:providers:"):
            inputs = {k: v for k, v in inputs.items() if k not in ENGINE_PROVIDER_KEYS}
        registered[r["urn"]] = inputs
    return registered


DEFERRED = "can't run policy"
"""How the engine words a policy it hands on to the update (a value unknown during a preview)."""


@dataclass(frozen=True)
class PolicyRun:
    """What the policy pack did in one engine run, from its event log (`--event-log`)."""

    packs: set[str]
    analysed: set[str]
    """URNs of the resources the pack's resource policies ran on."""
    findings: set[tuple[str, str]]
    """(rule, URN or "" for a stack-level finding) of every violation the pack reported."""
    deferred: set[str]
    """Rules the engine could not run during a preview (unknown values) and runs at the update."""


def policy_run(log: str) -> PolicyRun:
    events = [json.loads(line) for line in log.splitlines() if line.strip()]
    packs = {e["policyAnalyzeStackSummaryEvent"]["policyPackName"]
             for e in events if "policyAnalyzeStackSummaryEvent" in e}  # fmt: skip
    analysed = {e["policyAnalyzeSummaryEvent"]["resourceUrn"]
                for e in events if "policyAnalyzeSummaryEvent" in e}  # fmt: skip
    violations = [e["policyEvent"] for e in events if "policyEvent" in e]
    found = [v for v in violations if not v["message"].startswith(DEFERRED)]
    return PolicyRun(
        packs=packs,
        analysed=analysed,
        findings={(v["policyName"], v.get("resourceUrn", "")) for v in found},
        deferred={v["policyName"] for v in violations if v["message"].startswith(DEFERRED)},
    )
