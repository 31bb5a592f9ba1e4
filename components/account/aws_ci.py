"""`groundwork:aws/account:CiAccess`: how CI and people reach the account, without long-lived keys.

- IAM OIDC providers for GitHub Actions and/or GitLab CI (audience `sts.amazonaws.com`);
- `<name>-preview`: read-only (`ReadOnlyAccess`), for pull-request previews and the drift check;
- `<name>-deploy-<environment>`: one per environment, assumable only by that environment's deploy
  job on the default branch of the named repository (`trust.py`), allowed only what that
  environment's stack needs (`permissions.py`);
- `<name>-admin`: `AdministratorAccess` for people of this account, only with a recent MFA login.
Every role has a one-hour session limit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pulumi
from pulumi_aws import iam

from components._base import child_opts, merged_tags, require, type_token
from components.account import permissions, trust

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ADMINISTRATOR = "arn:aws:iam::aws:policy/AdministratorAccess"
SESSION_SECONDS = 3600


@dataclass(frozen=True, kw_only=True)
class GithubArgs:
    repository: str
    """`owner/name` of the repository whose workflows may assume the roles."""
    branch: str = "main"
    """The only branch that deploys."""


@dataclass(frozen=True, kw_only=True)
class GitlabArgs:
    url: str = "https://gitlab.com"
    """The GitLab instance (the token issuer)."""
    project: str
    """`group/project` path whose pipelines may assume the roles."""
    branch: str = "main"
    """The only branch that deploys."""

    @property
    def issuer(self) -> str:
        return self.url.removeprefix("https://").rstrip("/")


@dataclass(frozen=True, kw_only=True)
class DeployTarget:
    """What one environment's deploy role may manage."""

    name_prefix: str
    """Prefix of that stack's resource names (`acme-dev-`): IAM and S3 are scoped to it."""
    secrets_key_arn: pulumi.Input[str]
    """That environment's secrets-provider key."""


@dataclass(frozen=True, kw_only=True)
class CiAccessArgs:
    account_id: str
    regions: Sequence[str]
    """Regions the stacks deploy to (primary and DR); us-east-1 is added for global services."""
    environments: Mapping[str, DeployTarget]
    state: permissions.StateLocation
    """Where the stacks' state lives (the bucket ARN is known before the bucket exists)."""
    state_key_arn: pulumi.Input[str]
    github: GithubArgs | None = None
    gitlab: GitlabArgs | None = None
    protected_arns: Sequence[pulumi.Input[str]] = ()
    """Bootstrap resources no deploy role may touch (audit trail, alert topic, ...)."""
    mfa_max_age_seconds: int = 3600
    """The admin role needs an MFA login at most this old."""
    admin_principal_arns: Sequence[str] = ()
    """Who may assume the admin role (ARN patterns in this account); empty: the account's IAM
    users."""
    tags: Mapping[str, str] = field(default_factory=dict)


class CiAccess(pulumi.ComponentResource):
    preview_role_arn: pulumi.Output[str]
    deploy_role_arns: dict[str, pulumi.Output[str]]
    admin_role_arn: pulumi.Output[str]
    provider_arns: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: CiAccessArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("account", "CiAccess", cloud="aws"), name, None, opts)
        _validate(args)
        self._name, self._args = name, args
        self.provider_arns = self._oidc_providers()
        self.roles: dict[str, iam.Role] = {}

        preview = self._role("preview", self._trust(preview=True, environment=None))
        self._attach("preview", "read-only", READ_ONLY)
        self._inline("preview", "state", pulumi.Output.all(
            args.state_key_arn, *[t.secrets_key_arn for t in args.environments.values()]
        ).apply(lambda k: permissions.preview_statements(args.state, k[1:], k[0])))  # fmt: skip
        self.preview_role_arn = preview.arn

        self.deploy_role_arns = {}
        keys = {env: t.secrets_key_arn for env, t in args.environments.items()}
        for env, target in args.environments.items():
            role = self._role(f"deploy-{env}", self._trust(preview=False, environment=env))
            others = [k for e, k in keys.items() if e != env]
            self._inline(f"deploy-{env}", "deploy", self._deploy_policy(env, target, others))
            self.deploy_role_arns[env] = role.arn

        root = f"arn:aws:iam::{args.account_id}:root"
        admin = self._role("admin", pulumi.Output.from_input(
            trust.mfa_admin_trust(root, self._admin_principals(), args.mfa_max_age_seconds)))  # fmt: skip
        self._attach("admin", "administrator", ADMINISTRATOR)
        self.admin_role_arn = admin.arn

        self.register_outputs(
            {
                "previewRoleArn": self.preview_role_arn,
                "deployRoleArns": self.deploy_role_arns,
                "adminRoleArn": self.admin_role_arn,
                "providerArns": self.provider_arns,
            }
        )

    def _admin_principals(self) -> list[str]:
        args = self._args
        return list(args.admin_principal_arns) or [f"arn:aws:iam::{args.account_id}:user/*"]

    def _deploy_policy(
        self, env: str, target: DeployTarget, other_keys: Sequence[pulumi.Input[str]]
    ) -> pulumi.Output[list[dict[str, Any]]]:
        args = self._args

        def render(arns: list[str]) -> list[dict[str, Any]]:
            return permissions.deploy_statements(
                state=args.state, stack=env, own_key_arns=arns[:2], regions=args.regions,
                name_prefix=target.name_prefix, account=args.account_id, forbidden_arns=arns[2:],
            )  # fmt: skip

        return pulumi.Output.all(
            target.secrets_key_arn, args.state_key_arn, *other_keys, *args.protected_arns
        ).apply(render)

    def _oidc_providers(self) -> dict[str, pulumi.Output[str]]:
        args, found = self._args, {}
        issuers = {"github": f"https://{trust.GITHUB_ISSUER}" if args.github else None,
                   "gitlab": args.gitlab.url.rstrip("/") if args.gitlab else None}  # fmt: skip
        for ci, url in issuers.items():
            if url is None:
                continue
            # No thumbprints: IAM verifies these issuers against its own trusted CAs.
            provider = iam.OpenIdConnectProvider(
                f"{self._name}-{ci}-oidc",
                url=url,
                client_id_lists=[trust.AUDIENCE],
                tags=merged_tags(self._args.tags, f"{self._name}-{ci}-oidc"),
                opts=child_opts(self),
            )
            found[ci] = provider.arn
        return found

    def _trust(self, *, preview: bool, environment: str | None) -> pulumi.Output[dict[str, Any]]:
        """Trust policy for a role: preview (any PR of the repository, the default branch without
        an environment) or one environment's deploy job on the default branch."""
        args, parts = self._args, []
        if args.github is not None:
            gh = args.github
            subjects = (trust.github_preview_subjects(gh.repository, gh.branch) if preview
                        else [trust.github_deploy_subject(gh.repository, str(environment), gh.branch)])  # fmt: skip
            parts.append(self.provider_arns["github"].apply(
                partial(trust.web_identity_trust, issuer=trust.GITHUB_ISSUER, subjects=subjects)))  # fmt: skip
        if args.gitlab is not None:
            gl = args.gitlab
            ref = "*" if preview else gl.branch
            subjects = [trust.gitlab_subject(gl.project, ref)]
            parts.append(self.provider_arns["gitlab"].apply(
                partial(trust.web_identity_trust, issuer=gl.issuer, subjects=subjects)))  # fmt: skip
        return pulumi.Output.all(*parts).apply(trust.merge_trust)

    def _role(self, suffix: str, policy: pulumi.Output[dict[str, Any]]) -> iam.Role:
        name = f"{self._name}-{suffix}"
        role = iam.Role(
            name,
            name=name,
            assume_role_policy=policy.apply(json.dumps),
            max_session_duration=SESSION_SECONDS,
            tags=merged_tags(self._args.tags, name),
            opts=child_opts(self),
        )
        self.roles[suffix] = role
        return role

    def _attach(self, suffix: str, label: str, policy_arn: str) -> None:
        iam.RolePolicyAttachment(f"{self._name}-{suffix}-{label}", role=self.roles[suffix].name,
                                 policy_arn=policy_arn, opts=child_opts(self))  # fmt: skip

    def _inline(
        self, suffix: str, label: str, statements: pulumi.Output[list[dict[str, Any]]]
    ) -> None:
        iam.RolePolicy(
            f"{self._name}-{suffix}-{label}",
            role=self.roles[suffix].name,
            policy=statements.apply(
                lambda s: json.dumps({"Version": "2012-10-17", "Statement": s})
            ),
            opts=child_opts(self),
        )


def _validate(args: CiAccessArgs) -> None:
    require(args.github is not None or args.gitlab is not None, "github",
            "set github and/or gitlab: without a CI identity provider no pipeline can deploy")  # fmt: skip
    require(bool(args.environments), "environments", "at least one environment")
    require(len(args.account_id) == 12 and args.account_id.isdigit(), "account_id", "12 digits")
    if args.github is not None:
        owner, _, repo = args.github.repository.partition("/")
        require(bool(owner) and bool(repo) and "*" not in args.github.repository,
                "github.repository", "'owner/name' without wildcards")  # fmt: skip
    if args.gitlab is not None:
        require(args.gitlab.url.startswith("https://"), "gitlab.url", "an https:// URL")
        require("/" in args.gitlab.project and "*" not in args.gitlab.project,
                "gitlab.project", "'group/project' without wildcards")  # fmt: skip
    for env, target in args.environments.items():
        require(target.name_prefix.endswith("-") and len(target.name_prefix) > 2,
                f"environments.{env}.name_prefix", "a prefix such as 'acme-dev-'")  # fmt: skip
