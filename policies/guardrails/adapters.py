"""Thin adapters from the pure rules to CrossGuard policies, and back from pulumi_policy objects to
rule subjects. The pack (`policies/__main__.py`) and the offline plan both call `build_policies()`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pulumi.runtime
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyProviderResource,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from .core import Finding, Rule, Subject, evaluate_resource, evaluate_stack, plain, resolved_params
from .registry import RULES

LEVELS = {
    "mandatory": EnforcementLevel.MANDATORY,
    "advisory": EnforcementLevel.ADVISORY,
    "disabled": EnforcementLevel.DISABLED,
}
SEVERITIES = {
    "low": Severity.LOW,
    "medium": Severity.MEDIUM,
    "high": Severity.HIGH,
    "critical": Severity.CRITICAL,
}


def _provider_region(provider: PolicyProviderResource | None) -> str | None:
    if provider is None:
        return None
    region = plain(provider.props).get("region") if provider.props is not None else None
    return region if isinstance(region, str) else None


def subject_of_args(args: ResourceValidationArgs, *, offline: bool = False) -> Subject:
    return Subject(
        type=args.resource_type,
        name=args.name,
        urn=args.urn,
        props=plain(args.props),
        protect=bool(args.opts.protect) if args.opts is not None else False,
        provider=args.provider.urn if args.provider is not None else None,
        region=_provider_region(args.provider),
        objects_registered=not offline,
    )


def subject_of_resource(resource: PolicyResource, *, offline: bool = False) -> Subject:
    return Subject(
        type=resource.resource_type,
        name=resource.name,
        urn=resource.urn,
        props=plain(resource.props),
        protect=bool(resource.opts.protect) if resource.opts is not None else False,
        parent=resource.parent.urn if resource.parent is not None else None,
        provider=resource.provider.urn if resource.provider is not None else None,
        region=_provider_region(resource.provider),
        objects_registered=not offline,
        dependencies=tuple(d.urn for d in resource.dependencies),
        property_dependencies={
            k: tuple(d.urn for d in v) for k, v in resource.property_dependencies.items()
        },
    )


def message(rule: Rule, finding: Finding) -> str:
    return f"[{rule.severity}] {finding.message}. Fix: {rule.remediation}"


def _schema_for(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        item = _schema_for(value[0]) if value else {}
        return {"type": "array", "items": item} if item else {"type": "array"}
    if isinstance(value, dict):  # a map such as {"CNY": 7500}: numbers by key
        return {"type": "object", "additionalProperties": {"type": "number"}}
    return {"type": ["array", "null"], "items": {"type": "string"}}


def config_schema(rule: Rule) -> PolicyConfigSchema:
    properties: dict[str, dict[str, Any]] = {
        "exclude": {
            "type": "array",
            "items": {"type": "string"},
            "description": "resource-name regexes exempt from this rule",
        }
    }
    for key, default in rule.params.items():
        properties[key] = _schema_for(default)
    return PolicyConfigSchema(properties=properties)


def _resource_validate(rule: Rule, offline: bool) -> Any:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if not rule.applies_to(args.resource_type):
            return
        params = resolved_params(rule, args.get_config())
        findings = evaluate_resource(rule, subject_of_args(args, offline=offline), params)
        for finding in findings:
            if not finding.unverifiable:
                report(message(rule, finding), None)
        _defer_unknowns(findings)

    return validate


UNCONFIGURED = "(every property: its provider's config is unknown until the update)"


def _defer_unconfigured(findings: list[Finding], subjects: list[Subject]) -> list[Finding]:
    """A provider whose own config is unknown at preview (the Kubernetes provider of a cluster the
    same update creates) is not configured then, and the engine passes every resource it manages
    with no properties at all. A stack check about such a resource cannot see it nor its siblings
    (a Deployment's HPA and PDB share its provider): during a preview, defer the finding to the
    update instead of reporting what an empty resource looks like."""
    if not pulumi.runtime.is_dry_run():
        return findings
    members: dict[str, list[Subject]] = {}
    for s in subjects:
        if s.provider:
            members.setdefault(s.provider, []).append(s)
    unconfigured = {p for p, group in members.items() if not any(s.props for s in group)}
    provider_of = {s.urn: s.provider for s in subjects}
    return [
        replace(f, unverifiable=(UNCONFIGURED,))
        if not f.unverifiable and provider_of.get(f.urn or "") in unconfigured
        else f
        for f in findings
    ]


def _stack_validate(rule: Rule, offline: bool) -> Any:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        params = resolved_params(rule, args.get_config())
        subjects = [subject_of_resource(r, offline=offline) for r in args.resources]
        findings = _defer_unconfigured(evaluate_stack(rule, subjects, params), subjects)
        for finding in findings:
            if not finding.unverifiable:
                report(message(rule, finding), finding.urn)
        _defer_unknowns(findings)

    return validate


class ReadByEngineError(UnknownValueError):
    """The offline plan's deferral of objects only the engine's provider reads: an
    `UnknownValueError` to the engine (never raised there: the provider registers the objects),
    which the offline plan reports once per component (`sources`) instead of once per rule."""

    def __init__(self, props: list[str], sources: list[str]) -> None:
        super().__init__(UNKNOWN_STRING_VALUE, props)
        self.sources = sources
        self.message = f"{', '.join(sources)}: read by the engine's provider only"


def _defer_unknowns(findings: list[Finding]) -> None:
    """Hand values unknown at preview to the engine's own mechanism: an `UnknownValueError` makes
    it print "can't run policy ... during preview" (advisory), and the policy runs again during
    the update, when the values are known, before the resource operation. Reporting them as
    mandatory violations instead would block the first preview of every stack whose resources
    reference each other; the offline plan (full fake values) checks them in CI before merge."""
    paths = list(dict.fromkeys(p for f in findings for p in f.unverifiable))
    if not paths:
        return
    sources = [f.read_by_engine for f in findings if f.read_by_engine]
    if all(f.read_by_engine for f in findings if f.unverifiable):
        raise ReadByEngineError(paths, list(dict.fromkeys(sources)))
    raise UnknownValueError(UNKNOWN_STRING_VALUE, paths)


def build_policy(rule: Rule, *, offline: bool = False) -> Policy:
    """The rule as a pulumi_policy policy. `offline`: run by the offline plan, without the
    providers (a remote component's objects are not registered as resources there)."""
    common: Mapping[str, Any] = {
        "enforcement_level": LEVELS[rule.default_level],
        "config_schema": config_schema(rule),
        "severity": SEVERITIES[rule.severity],
        "remediation_steps": rule.remediation,
        "tags": [rule.group],
    }
    if rule.kind == "stack":
        return StackValidationPolicy(
            name=rule.id,
            description=rule.description,
            validate=_stack_validate(rule, offline),
            **common,
        )
    return ResourceValidationPolicy(
        name=rule.id,
        description=rule.description,
        validate=_resource_validate(rule, offline),
        **common,
    )


def build_policies(*, offline: bool = False) -> list[Policy]:
    return [build_policy(rule, offline=offline) for rule in RULES]
