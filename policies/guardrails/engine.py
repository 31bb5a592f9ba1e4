"""Run the pack's policies the way the engine's analyzer does, outside the engine (offline plan).

Takes real pulumi_policy objects: `PolicyResource`s whose props are resource inputs (for resource
policies, as `Analyze` sees them) and outputs (for stack policies, as `AnalyzeStack` sees them),
resolves each policy's level and config from the environment's policy config, and calls the very
`validate` callbacks the pack registers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from .adapters import ReadByEngineError, build_policies
from .config import effective_level, policy_config
from .core import Level, Rule
from .registry import BY_ID


@dataclass(frozen=True)
class Violation:
    rule: Rule
    level: Level
    message: str
    urn: str | None
    """The resource the violation is about; None for stack-wide findings (the budget)."""
    read_by_engine: str | None = None
    """Not a violation: what the rule could not read offline because only the engine's provider
    reads it (a manifest URL); the engine checks those objects as resources of their own."""

    @property
    def resource(self) -> str:
        if self.urn is None:
            return "(stack)"
        name = self.urn.rsplit("::", 1)[-1]
        kind = self.urn.rsplit("::", 2)[-2].rsplit("$", 1)[-1]
        return f"{name} ({kind})"


def analyze(
    inputs: Sequence[PolicyResource],
    outputs: Sequence[PolicyResource],
    pack_config: Mapping[str, Any],
) -> list[Violation]:
    """Violations of every enabled policy. `inputs` and `outputs` list the same resources."""
    found: list[Violation] = []
    for policy in build_policies(offline=True):
        rule = BY_ID[policy.name]
        level = effective_level(rule, pack_config)
        if level == "disabled":
            continue
        config = policy_config(rule, pack_config)
        if isinstance(policy, ResourceValidationPolicy):
            for r in inputs:
                args = ResourceValidationArgs(
                    r.resource_type, r.props, r.urn, r.name, r.opts, r.provider, config
                )
                _run(policy, args, _Collector(found, rule, level, r.urn))
        elif isinstance(policy, StackValidationPolicy):
            stack_args = StackValidationArgs(list(outputs), config)
            _run(policy, stack_args, _Collector(found, rule, level, None))
    return found


def _run(policy: Any, args: Any, collector: _Collector) -> None:
    try:
        policy.validate(args, collector)
    except ReadByEngineError as exc:
        source = ", ".join(exc.sources)
        collector.found.append(
            Violation(collector.rule, "advisory", exc.message, collector.urn, source)
        )
    except UnknownValueError as exc:  # as the engine: an advisory "can't run" diagnostic
        message = f"can't run policy '{collector.rule.id}' during preview: {exc.message}"
        collector.found.append(Violation(collector.rule, "advisory", message, collector.urn))


class _Collector:
    """The `report_violation` callback: resource policies report against their resource."""

    def __init__(self, found: list[Violation], rule: Rule, level: Level, urn: str | None) -> None:
        self.found, self.rule, self.level, self.urn = found, rule, level, urn

    def __call__(self, message: str, urn: str | None = None) -> None:
        self.found.append(Violation(self.rule, self.level, message, self.urn or urn))
