"""Engine and Kubernetes versions AWS offers new resources. One table, dated: update it with AWS.

As of 2026-11, from the release calendars (Amazon EKS Kubernetes versions; Aurora PostgreSQL and
RDS for PostgreSQL release calendars; ElastiCache supported engine versions). A version outside
the table is refused before anything is created: the parameter-group family, add-on defaults and
the support policy all depend on it, and AWS would refuse it at create time, halfway through.
"""

from __future__ import annotations

AS_OF = "2026-11-29"

POSTGRES_MAJORS: dict[str, tuple[str, ...]] = {
    "aurora-postgresql": ("13", "14", "15", "16", "17"),
    "postgres": ("13", "14", "15", "16", "17", "18"),
}
"""Major versions each engine offers new clusters/instances (13: RDS Extended Support only)."""

CACHE_VERSIONS: dict[str, tuple[str, ...]] = {
    "valkey": ("7.2", "8.0", "8.1", "8.2", "9.0", "9.1"),
    "redis": ("6.2", "7.0", "7.1"),
}
"""Engine versions of ElastiCache replication groups (Redis OSS before 6.2 is end of life)."""

EKS_VERSIONS: dict[str, tuple[str, ...]] = {
    "STANDARD": ("1.34", "1.35", "1.36"),
    "EXTENDED": ("1.32", "1.33", "1.34", "1.35", "1.36"),
}
"""Kubernetes versions a new EKS cluster can run under each upgrade policy (a version past
standard support needs the EXTENDED policy). Checked against the EKS calendar: 1.31's extended
support ended 2026-11-26, 1.34's standard support ends 2026-12-02 (then it moves to EXTENDED)."""


def postgres_version_problem(engine: str, version: str) -> str | None:
    majors = POSTGRES_MAJORS.get(engine, ())
    parts = version.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return f"'{version}' is not a major.minor version such as 16.6"
    if parts[0] not in majors:
        return f"{engine} {parts[0]} is not offered (majors: {', '.join(majors)}; table of {AS_OF})"
    return None


def cache_version_problem(engine: str, version: str) -> str | None:
    offered = CACHE_VERSIONS.get(engine, ())
    if version not in offered:
        return (
            f"{engine} {version} is not offered (versions: {', '.join(offered)}; table of {AS_OF})"
        )
    return None


def eks_version_problem(version: str, support_type: str) -> str | None:
    offered = EKS_VERSIONS.get(support_type, ())
    if version not in offered:
        hint = (
            " (it is in extended support: set supportType EXTENDED)"
            if version in EKS_VERSIONS["EXTENDED"]
            else ""
        )
        return f"Kubernetes {version} is not offered with {support_type} support{hint}; versions: {', '.join(offered)} (table of {AS_OF})"
    return None
