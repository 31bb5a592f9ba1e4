"""Checkov's JSON report, reduced to what the scan decides on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

FRAMEWORKS = ("terraform_plan", "kubernetes")


@dataclass(frozen=True)
class Finding:
    framework: str
    check_id: str
    check_name: str
    resource: str
    """Checkov's resource id: a Terraform address, or `Kind.namespace.name` for Kubernetes."""


@dataclass
class FrameworkResult:
    framework: str
    resource_count: int
    parsing_errors: list[str]
    passed: list[Finding] = field(default_factory=list)
    failed: list[Finding] = field(default_factory=list)


def _findings(framework: str, checks: list[dict[str, Any]]) -> list[Finding]:
    return [
        Finding(framework, c["check_id"], c.get("check_name") or "", c["resource"]) for c in checks
    ]


def parse_report(text: str) -> dict[str, FrameworkResult]:
    """Framework -> result. Checkov prints one object for one framework, a list for several, and
    an empty summary object when a framework found nothing to scan."""
    data = json.loads(text)
    reports = data if isinstance(data, list) else [data]
    out: dict[str, FrameworkResult] = {}
    for report in reports:
        framework = report.get("check_type")
        if not framework:
            continue
        results = report.get("results", {})
        out[framework] = FrameworkResult(
            framework=framework,
            resource_count=int(report.get("summary", {}).get("resource_count", 0)),
            parsing_errors=list(results.get("parsing_errors", [])),
            passed=_findings(framework, results.get("passed_checks", [])),
            failed=_findings(framework, results.get("failed_checks", [])),
        )
    return out
