"""Guardrail rules for the groundwork CrossGuard pack.

Imports only relatively, so it loads both as `guardrails` (from the pack's directory, as the policy
runtime does) and as `policies.guardrails` (from the project root: tests and the offline plan).
"""

from .adapters import build_policies, subject_of_args, subject_of_resource
from .config import config_path, effective_level, load_pack_config, policy_config
from .core import Finding, Rule, Subject
from .registry import BY_ID, RULES

PACK_NAME = "groundwork-guardrails"

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
