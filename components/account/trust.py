"""Who may assume the CI roles: OIDC subjects of GitHub Actions and GitLab CI, and trust policies.

AWS evaluates only the standard `sub` and `aud` claims of a web-identity token (no custom claims),
so everything a role requires must be in `sub`:

- GitHub: the repository's subject template is customized to `include_claim_keys: ["repo",
  "context", "ref"]` (`gh api -X PUT repos/OWNER/REPO/actions/oidc/customization/sub ...`,
  printed by the bootstrap as an output). A deploy job then presents
  `repo:OWNER/REPO:environment:prod:ref:refs/heads/main`: repository, environment and branch in one
  claim, checked with StringEquals.
- GitLab: the subject is `project_path:GROUP/PROJECT:ref_type:branch:ref:main`: project and branch.
  GitLab puts no environment in `sub` (its sub-claim components allow only project_path, ref_type
  and ref), so on GitLab the environment boundary is the protected environment and its scoped
  `AWS_DEPLOY_ROLE_ARN`; AWS enforces project and branch.

Plain functions and JSON: the tests evaluate these policies with an IAM evaluator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

GITHUB_ISSUER = "token.actions.githubusercontent.com"
GITHUB_CLAIM_KEYS = ("repo", "context", "ref")
"""The subject template the GitHub repository must use (`include_claim_keys`)."""
AUDIENCE = "sts.amazonaws.com"
"""`aud` of the tokens: configure-aws-credentials' default; GitLab jobs set it in `id_tokens`."""


def github_subject(repository: str, context: str, ref: str) -> str:
    """`sub` under the customized template: context is `environment:<name>`, `pull_request` or
    `ref:<ref>` (what GitHub puts there for that job)."""
    return f"repo:{repository}:{context}:ref:{ref}"


def gitlab_subject(project: str, ref: str, ref_type: str = "branch") -> str:
    """GitLab's default `sub` (project_path, ref_type, ref)."""
    return f"project_path:{project}:ref_type:{ref_type}:ref:{ref}"


def github_deploy_subject(repository: str, environment: str, branch: str) -> str:
    return github_subject(repository, f"environment:{environment}", f"refs/heads/{branch}")


def github_preview_subjects(repository: str, branch: str) -> list[str]:
    """Pull requests of the repository (fork PRs get no token) and the default branch without an
    environment (the scheduled drift check)."""
    ref = f"refs/heads/{branch}"
    return [github_subject(repository, "pull_request", "refs/pull/*/merge"),
            github_subject(repository, f"ref:{ref}", ref)]  # fmt: skip


def web_identity_trust(provider_arn: str, issuer: str, subjects: Sequence[str]) -> dict[str, Any]:
    """Trust policy: tokens of one OIDC provider, for our audience, whose `sub` is one of
    `subjects` (`*` wildcards only where a subject has them: StringLike)."""
    operator = "StringLike" if any("*" in s or "?" in s for s in subjects) else "StringEquals"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OidcFromTheseWorkflowsOnly",
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                # Two keys under one operator when both are StringEquals: a dict literal with
                # the operator twice would silently drop the audience check.
                "Condition": _conditions(
                    ("StringEquals", f"{issuer}:aud", AUDIENCE),
                    (operator, f"{issuer}:sub", list(subjects)),
                ),
            }
        ],
    }


def _conditions(*tests: tuple[str, str, Any]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for operator, key, value in tests:
        merged.setdefault(operator, {})[key] = value
    return merged


def merge_trust(policies: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One trust policy from several (a role trusted by both GitHub and GitLab)."""
    return {
        "Version": "2012-10-17",
        "Statement": [s for p in policies for s in p["Statement"]],
    }


def mfa_admin_trust(
    account_root_arn: str, principal_arns: Sequence[str], max_mfa_age_seconds: int
) -> dict[str, Any]:
    """Trust policy: the named principals of this account (ARN patterns: people's IAM users or
    Identity Center roles), only with an MFA-authenticated session no older than
    `max_mfa_age_seconds`."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountPrincipalsWithRecentMfa",
                "Effect": "Allow",
                "Principal": {"AWS": account_root_arn},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "ArnLike": {"aws:PrincipalArn": list(principal_arns)},
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "NumericLessThan": {"aws:MultiFactorAuthAge": str(max_mfa_age_seconds)},
                },
            }
        ],
    }
