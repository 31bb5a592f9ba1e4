"""The bootstrap's stack config (`bootstrap/Pulumi.<stack>.yaml`, namespace `groundwork-bootstrap`),
validated before any resource is registered; bad input fails with one line per problem naming the
key, exactly like the platform stacks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal, get_args

from pydantic import Field, ValidationError, field_validator, model_validator

from infra.config import ConfigError, Environment
from infra.config_source import project_values
from infra.regions import REGIONS
from infra.sections.base import Section
from infra.sections.tags import Tags
from planner.config_keys import namespace_problems

NAMESPACE = "groundwork-bootstrap"
POLICY_PROFILE = "bootstrap"
"""Name of its policy config: policies/config/bootstrap.json."""
_PATH = r"^[\w.-]+(/[\w.-]+)+$"


class Github(Section):
    repository: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
    """`owner/name` of the repository whose workflows may assume the CI roles."""
    branch: str = "main"
    """The only branch whose deploy jobs may assume a deploy role."""


class Gitlab(Section):
    url: str = Field("https://gitlab.com", pattern=r"^https://[\w.-]+(:\d+)?/?$")
    """The GitLab instance (OIDC issuer)."""
    project: str = Field(pattern=_PATH)
    """`group/project` path whose pipelines may assume the CI roles."""
    branch: str = "main"
    """The only branch whose deploy jobs may assume a deploy role."""


class State(Section):
    bucket_name: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    """State bucket name; default `<name>-pulumi-state-<accountId>`."""
    prefix: str = Field("groundwork", pattern=r"^[\w.-]*$")
    """Key prefix of the backend URL: `s3://<bucket>/<prefix>`."""
    project: str = "groundwork"
    """Pulumi project whose stacks the deploy roles manage."""
    noncurrent_version_days: int = Field(365, ge=30, le=3650)
    """How long overwritten state versions are kept."""


class Audit(Section):
    retention_days: int = Field(365, ge=90, le=3650)
    """Object Lock retention of CloudTrail and Config logs."""
    lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = "GOVERNANCE"
    """`COMPLIANCE`: not even the root user can delete logs before retention ends."""


class Alerts(Section):
    topic_arn: str | None = Field(None, pattern=r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$")
    """Existing topic for high-severity findings (the observability stack's P1 topic); default:
    the bootstrap creates one."""


class Admin(Section):
    mfa_max_age_seconds: int = Field(3600, ge=300, le=43200)
    """The admin role requires an MFA sign-in at most this old."""
    principal_arns: list[str] = Field(default_factory=list)
    """ARN patterns of this account's principals that may assume it (e.g. Identity Center roles
    `arn:aws:iam::<id>:role/aws-reserved/sso.amazonaws.com/*`); default: its IAM users."""

    @field_validator("principal_arns")
    @classmethod
    def _in_account(cls, arns: list[str]) -> list[str]:
        for arn in arns:
            if not re.match(r"^arn:aws[a-z-]*:iam::\d{12}:(user|role)/", arn):
                raise ValueError(f"'{arn}' is not an IAM user or role ARN (pattern)")
        return arns


class PasswordPolicy(Section):
    minimum_length: int = Field(14, ge=14, le=128)
    max_age_days: int = Field(90, ge=1, le=1095)
    reuse_prevention: int = Field(24, ge=1, le=24)


class BootstrapConfig(Section):
    """Everything under `groundwork-bootstrap:` in the bootstrap's stack file."""

    region: str
    """Region of the state bucket, the trail's home region and the regional detectors."""
    account_id: str = Field(pattern=r"^\d{12}$")
    """The account being bootstrapped (the provider refuses any other)."""
    name: str = Field("groundwork", pattern=r"^[a-z][a-z0-9-]{1,20}[a-z0-9]$")
    """Prefix of the bootstrap's own resource names (roles `<name>-deploy-<env>`, ...)."""
    product: str = Field(pattern=r"^[a-z][a-z0-9-]{1,20}[a-z0-9]$")
    """The platform stacks' `groundwork:name`: deploy role `<env>` manages `<product>-<env>-*`."""
    tags: Tags
    environments: list[Environment] = Field(
        default_factory=lambda: list(get_args(Environment)), min_length=1
    )
    """Environments that get a deploy role and a secrets key."""
    dr_region: str | None = None
    """The platform's DR region, where deploy roles may act too."""
    github: Github | None = None
    """GitHub Actions access (at least one of github, gitlab)."""
    gitlab: Gitlab | None = None
    """GitLab CI access."""
    state: State = State()
    audit: Audit = Audit()
    alerts: Alerts = Alerts()
    admin: Admin = Admin()
    password_policy: PasswordPolicy = PasswordPolicy()

    @field_validator("account_id", mode="before")
    @classmethod
    def _digits(cls, value: object) -> object:
        # Pulumi hands config values over JSON-decoded: an unquoted (or quoted) id arrives as int.
        return f"{value:012d}" if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("environments")
    @classmethod
    def _unique(cls, envs: list[str]) -> list[str]:
        if len(set(envs)) != len(envs):
            raise ValueError("each environment once")
        return envs

    @model_validator(mode="after")
    def _cross_checks(self) -> BootstrapConfig:
        for key, region in (("region", self.region), ("drRegion", self.dr_region)):
            if region is not None and region not in REGIONS["aws"]:
                raise ValueError(f"{key}: '{region}' is not an aws region")
        if self.dr_region == self.region:
            raise ValueError("drRegion: must differ from region")
        foreign = [a for a in self.admin.principal_arns if f":{self.account_id}:" not in a]
        if foreign:
            raise ValueError(f"admin.principalArns: not in account {self.account_id}: {foreign}")
        if self.github is None and self.gitlab is None:
            raise ValueError("github: set github and/or gitlab (no CI could deploy otherwise)")
        return self

    @property
    def environment(self) -> str:
        """The policy profile (the planner picks policies/config/<environment>.json)."""
        return POLICY_PROFILE

    @property
    def regions(self) -> list[str]:
        return [self.region, *([self.dr_region] if self.dr_region else [])]

    @property
    def state_bucket(self) -> str:
        return self.state.bucket_name or f"{self.name}-pulumi-state-{self.account_id}"

    @property
    def base_tags(self) -> dict[str, str]:
        return {**self.tags.extra, "owner": self.tags.owner, "cost-center": self.tags.cost_center,
                "service": self.name, "managed-by": "pulumi", "environment": "account"}  # fmt: skip


_NAMED_FIELD = re.compile(r"^([a-zA-Z][\w.]*): ")


def _describe(err: Any) -> str:
    """One line per problem naming the stack-file key, as the platform stacks' errors do."""
    path = ".".join(str(p) for p in err["loc"])
    message = err["msg"].removeprefix("Value error, ")
    named = _NAMED_FIELD.match(message)
    if not path and named:  # cross-field checks name their field first
        path, message = named.group(1), message[named.end() :]
    key = f"{NAMESPACE}:{path}" if path else NAMESPACE
    if err["type"] == "extra_forbidden":
        return f"{key}: unknown key (check the spelling; see docs/delivery.md)"
    if err["type"] == "missing":
        return f"{key}: required but not set"
    value = err.get("input")
    shown = "" if isinstance(value, dict | list) or value is None else f" (got {value!r})"
    return f"{key}: {message}{shown}"


def parse_config(raw: Mapping[str, object]) -> BootstrapConfig:
    try:
        return BootstrapConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError([_describe(e) for e in exc.errors()]) from None


def config_from_values(
    values: Mapping[str, Any], secret_keys: Iterable[str] = ()
) -> tuple[BootstrapConfig, frozenset[str]]:
    """The config as the engine hands it over (every namespace, values as text), like
    `infra.config.config_from_values`; the bootstrap reads no secret values."""
    del secret_keys
    problems = [f"{k}: {why}" for k, why in namespace_problems(values, NAMESPACE).items()]
    try:
        config = parse_config(project_values(values, NAMESPACE))
    except ConfigError as exc:
        raise ConfigError(problems + exc.problems) from None
    if problems:
        raise ConfigError(problems)
    return config, frozenset()


def load_config() -> BootstrapConfig:
    """The running stack's validated config; invalid config raises a `pulumi.RunError` caused by
    the ConfigError (as `infra.config.load_config`: no traceback from the language host)."""
    import pulumi  # noqa: PLC0415
    from pulumi.runtime import config as runtime_config  # noqa: PLC0415  (internal module)

    values = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    try:
        return config_from_values(values)[0]
    except ConfigError as exc:
        raise pulumi.RunError(str(exc)) from exc
