"""Guardrail rules for the groundwork CrossGuard pack.

Imports only relatively, so it loads both as `guardrails` (from the pack's directory, as the policy
runtime does) and as `policies.guardrails` (from the project root: tests and the offline plan).
The CrossGuard adapters load on first use (PEP 562): the stack config reads its thresholds from
the rules here, and validating config must not import `pulumi_policy` or the Pulumi SDK.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .config import config_path, effective_level, load_pack_config, policy_config
from .core import Finding, Rule, Subject
from .registry import BY_ID, RULES

if TYPE_CHECKING:
    from .adapters import build_policies, subject_of_args, subject_of_resource

PACK_NAME = "groundwork-guardrails"
ADAPTERS = ("build_policies", "subject_of_args", "subject_of_resource")

__all__ = [
    "BY_ID",
    "PACK_NAME",
    "RULES",
    "Finding",
    "Rule",
    "Subject",
    "build_policies",
    "config_path",
    "effective_level",
    "load_pack_config",
    "policy_config",
    "subject_of_args",
    "subject_of_resource",
]


def __getattr__(name: str) -> Any:
    if name in ADAPTERS:
        return getattr(import_module(".adapters", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
