"""Identity rules: who can assume a role through an OIDC provider (CI pipelines).

The trust policy is *evaluated* (`iam.py`) against web-identity tokens of a repository and a
project nobody in this organization owns: if such a token satisfies the role's `sub` conditions,
any GitHub repository or GitLab project on that issuer could assume the role.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from .core import Rule, Subject, need, plain
from .iam import conditions_match, statements

PROBE = "groundwork-policy-probe/any-repo"
PROBE_SUBJECTS = (
    f"repo:{PROBE}:ref:refs/heads/main",
    f"repo:{PROBE}:environment:prod",
    f"repo:{PROBE}:pull_request",
    f"repo:{PROBE}:environment:prod:ref:refs/heads/main",
    f"repo:{PROBE}:ref:refs/heads/main:ref:refs/heads/main",
    f"project_path:{PROBE}:ref_type:branch:ref:main",
    PROBE,
)
"""`sub` claims of a foreign workflow, in the default and customized GitHub formats and GitLab's."""
WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _federated(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    return (
        [str(p) for p in _as_list(principal.get("Federated"))]
        if isinstance(principal, Mapping)
        else []
    )


def _sub_conditions(statement: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for operator, keys in (statement.get("Condition") or {}).items():
        subs = {k: v for k, v in keys.items() if k.lower().endswith(":sub")}
        if subs:
            found[operator] = subs
    return found


def _oidc_trust_scoped(subject: Subject, _params: Mapping[str, Any]) -> Iterator[str]:
    document = need(subject.props, "assumeRolePolicy")
    policy = json.loads(document) if isinstance(document, str) else plain(document)
    for statement in statements(policy):
        actions = [str(a) for a in _as_list(statement.get("Action"))]
        if statement.get("Effect") != "Allow" or (
            WEB_IDENTITY not in actions and "sts:*" not in actions
        ):
            continue
        for provider in _federated(statement):
            if ":oidc-provider/" not in provider:
                continue  # SAML, Cognito
            issuer = provider.split(":oidc-provider/", 1)[1]
            subs = _sub_conditions(statement)
            if not subs:
                yield (f"role '{subject.name}' trusts every token of {issuer}: no condition on "
                       f"'{issuer}:sub', so any repository or project there can assume it")  # fmt: skip
                continue
            admitted = [p for p in PROBE_SUBJECTS
                        if conditions_match(subs, {f"{issuer}:sub": p})]  # fmt: skip
            if admitted:
                yield (f"role '{subject.name}' admits tokens of a foreign repository on {issuer} "
                       f"(e.g. sub '{admitted[0]}'): its '{issuer}:sub' condition is too broad")  # fmt: skip


RULES = [
    Rule(
        id="iam-oidc-trust-scoped",
        group="security",
        severity="critical",
        description="A role trusting an OIDC provider (GitHub Actions, GitLab CI) limits `sub` to named repositories/projects: evaluated against a foreign repository's tokens.",
        remediation="Condition the trust on `<issuer>:sub` with StringEquals (or StringLike without a wildcard owner), e.g. repo:OWNER/REPO:environment:prod:ref:refs/heads/main.",
        types=("aws:iam/role:Role",),
        resource_check=_oidc_trust_scoped,
        anchors="CKV_AWS_358 (GitHub OIDC sub), AWS IAM guidance for GitHub OIDC",
    ),
]
