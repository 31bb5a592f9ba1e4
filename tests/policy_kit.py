"""Helpers to run single policies the way the engine calls them: real `ResourceValidationArgs` /
`StackValidationArgs` / `PolicyResource` with fully specified `PolicyResourceOptions` and props
wrapped by `unknown_checking_proxy` (raw dicts hide real bugs, pulumi/pulumi-policy#445)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
)
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_STRING_VALUE, unknown_checking_proxy

from policies.guardrails import BY_ID
from policies.guardrails.adapters import build_policy

UNKNOWN = UNKNOWN_STRING_VALUE
UNKNOWN_BOOL = UNKNOWN_BOOLEAN_VALUE
TAGS = {"environment": "dev", "owner": "platform-team", "cost-center": "cc-1", "service": "acme"}
STACK = "urn:pulumi:test::groundwork::"


def options(protect: bool = False) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect, [], False, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def provider(region: str = "eu-west-1", name: str | None = None) -> PolicyProviderResource:
    pname = name or f"aws-{region}"
    return PolicyProviderResource(
        "pulumi:providers:aws",
        unknown_checking_proxy({"region": region}),
        f"{STACK}pulumi:providers:aws::{pname}",
        pname,
    )


@dataclass
class Case:
    """The cases every rule has (tests/test_policy_rules.py runs them)."""

    ok: list[R]
    """One scenario that must pass without violations."""
    bad: list[list[R]]
    """Scenarios that must each report at least one violation."""
    unknown: list[R] | None = None
    """A scenario where a needed value is unknown at preview: must be deferred to the update
    ("can't run policy ... during preview"), never pass."""
    config: dict[str, Any] = field(default_factory=dict)


@dataclass
class R:
    """A synthetic resource; `links` maps a property to names of other resources in the case."""

    type: str
    name: str
    props: Mapping[str, Any] = field(default_factory=dict)
    protect: bool = False
    links: Mapping[str, list[str]] = field(default_factory=dict)
    provider: PolicyProviderResource | None = field(default_factory=provider)
    parent: str | None = None

    @property
    def urn(self) -> str:
        return f"{STACK}{self.type}::{self.name}"


def policy_resources(resources: list[R]) -> list[PolicyResource]:
    made = {
        r.name: PolicyResource(
            r.type,
            unknown_checking_proxy(dict(r.props)),
            r.urn,
            r.name,
            options(r.protect),
            r.provider,
            None,
            [],
            {},
        )
        for r in resources
    }
    for r in resources:
        p = made[r.name]
        p.property_dependencies = {k: [made[n] for n in v] for k, v in r.links.items()}
        p.dependencies = [d for v in p.property_dependencies.values() for d in v]
        p.parent = made.get(r.parent) if r.parent else None
    return list(made.values())


def run(rule_id: str, resources: list[R], config: Mapping[str, Any] | None = None) -> list[str]:
    """Messages the policy reports for these resources (resource policy: one call per resource)."""
    policy = build_policy(BY_ID[rule_id])
    found: list[str] = []

    def report(message: str, urn: str | None = None) -> None:
        found.append(message)

    if isinstance(policy, ResourceValidationPolicy):
        for r in resources:
            args = ResourceValidationArgs(
                r.type,
                unknown_checking_proxy(dict(r.props)),
                r.urn,
                r.name,
                options(r.protect),
                r.provider,
                dict(config or {}),
            )
            policy.validate(args, report)
    else:
        args = StackValidationArgs(policy_resources(resources), dict(config or {}))
        policy.validate(args, report)  # type: ignore[arg-type]
    return found
