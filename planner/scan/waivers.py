"""policies/checkov-waivers.yaml: the Checkov checks we accept failing, each with its reason.

An entry waives one check, optionally only for some resources (glob on Checkov's resource id)
and some stacks. A failing check no entry covers fails the scan, and so does an entry that
matches nothing (the finding it waived is gone: the waiver must go too).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from planner.scan.findings import Finding

KEYS = {"check", "reason", "resources", "stacks"}


class WaiverFileError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Waiver:
    index: int
    check: str
    reason: str
    resources: tuple[str, ...] = ("*",)
    stacks: tuple[str, ...] | None = None
    """None: every stack."""

    def applies_to(self, stack: str) -> bool:
        return self.stacks is None or stack in self.stacks

    def matches(self, stack: str, finding: Finding) -> bool:
        return (
            self.applies_to(stack)
            and finding.check_id == self.check
            and any(fnmatch.fnmatchcase(finding.resource, pat) for pat in self.resources)
        )

    def label(self) -> str:
        return f"waivers[{self.index}] ({self.check})"


def _strings(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


def parse_waivers(
    data: Any, source: str, known_stacks: Collection[str] | None = None
) -> list[Waiver]:
    """`known_stacks`: the stacks a `stacks` entry may name (a misspelt stack would make a waiver
    that never applies and so is never reported stale)."""
    if not isinstance(data, dict) or not isinstance(data.get("waivers"), list):
        raise WaiverFileError([f"{source}: expected a mapping with a `waivers` list"])
    problems: list[str] = []
    waivers: list[Waiver] = []
    for i, entry in enumerate(data["waivers"]):
        where = f"{source}: waivers[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping with check and reason")
            continue
        problems += [f"{where}.{k}: unknown key; allowed: {', '.join(sorted(KEYS))}"
                     for k in sorted(set(entry) - KEYS)]  # fmt: skip
        if not isinstance(entry.get("check"), str) or not entry["check"].startswith("CKV"):
            problems.append(
                f"{where}.check: a Checkov check id such as CKV_AWS_144 (got {entry.get('check')!r})"
            )
        if not isinstance(entry.get("reason"), str) or len(entry["reason"].split()) < 5:
            problems.append(
                f"{where}.reason: say why the check does not apply (a sentence, got {entry.get('reason')!r})"
            )
        for key in ("resources", "stacks"):
            if key in entry and not _strings(entry[key]):
                problems.append(f"{where}.{key}: a non-empty list of strings (got {entry[key]!r})")
        if known_stacks is not None and _strings(entry.get("stacks")):
            problems += [f"{where}.stacks: no stack {s!r}; stacks: {', '.join(sorted(known_stacks))}"
                         for s in entry["stacks"] if s not in known_stacks]  # fmt: skip
        if not problems:
            waivers.append(Waiver(i, entry["check"], " ".join(entry["reason"].split()),
                                  tuple(entry.get("resources", ["*"])),
                                  tuple(entry["stacks"]) if "stacks" in entry else None))  # fmt: skip
    if problems:
        raise WaiverFileError(problems)
    return waivers


def load_waivers(path: Path, known_stacks: Collection[str] | None = None) -> list[Waiver]:
    try:
        data = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise WaiverFileError([f"{path}: not found"]) from None
    except yaml.YAMLError as exc:
        raise WaiverFileError([f"{path}: not valid YAML: {exc}"]) from None
    return parse_waivers(data, str(path), known_stacks)


@dataclass
class Verdict:
    waived: list[tuple[Finding, Waiver]]
    unwaived: list[Finding]
    stale: list[Waiver]
    """Waivers for this stack that matched no failing check."""


def judge(stack: str, failed: list[Finding], waivers: list[Waiver]) -> Verdict:
    waived: list[tuple[Finding, Waiver]] = []
    unwaived: list[Finding] = []
    used: set[int] = set()
    for finding in failed:
        waiver = next((w for w in waivers if w.matches(stack, finding)), None)
        if waiver is None:
            unwaived.append(finding)
        else:
            waived.append((finding, waiver))
            used.add(waiver.index)
    stale = [w for w in waivers if w.applies_to(stack) and w.index not in used]
    return Verdict(waived, unwaived, stale)
