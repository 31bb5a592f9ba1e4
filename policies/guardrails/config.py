"""Per-environment policy config (policies/config/<env>.json, the engine's --policy-pack-config
format) and the one resolver of effective enforcement levels used by the pack docs and the plan.

Format: `{"all": "<level>", "<rule-id>": "<level>" | {"enforcementLevel": "<level>", <params>}}`.
Effective level: per-rule level > `all` > the rule's level in code > the pack default (advisory),
the same order the Pulumi engine applies.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from .core import Level, Rule

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
ENVIRONMENTS = ("dev", "test", "staging", "prod")
"""Lifecycle stages in promotion order, each with a config file here (the stack config's
`environment` values; a test keeps the two lists equal)."""
LEVELS: tuple[Level, ...] = ("mandatory", "advisory", "disabled")
PACK_DEFAULT: Level = "advisory"


def config_path(environment: str) -> Path:
    return CONFIG_DIR / f"{environment}.json"


def load_pack_config(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data


def effective_level(rule: Rule, pack_config: Mapping[str, Any]) -> Level:
    entry = pack_config.get(rule.id)
    if isinstance(entry, str):
        return _level(entry, rule.id)
    if isinstance(entry, Mapping) and "enforcementLevel" in entry:
        return _level(entry["enforcementLevel"], rule.id)
    if "all" in pack_config:
        return _level(pack_config["all"], "all")
    return rule.default_level or PACK_DEFAULT


def policy_config(rule: Rule, pack_config: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's config properties as the engine hands them to the policy (no enforcementLevel)."""
    entry = pack_config.get(rule.id)
    if not isinstance(entry, Mapping):
        return {}
    return {k: v for k, v in entry.items() if k != "enforcementLevel"}


def _level(value: Any, where: str) -> Level:
    if value not in LEVELS:
        raise ValueError(
            f"policy config '{where}': unknown enforcement level {value!r}; use one of {LEVELS}"
        )
    return cast(Level, value)
