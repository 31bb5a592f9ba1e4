"""Read `Pulumi.<stack>.yaml` and encode its config the way the Pulumi CLI hands it to a program."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SECRET_PLACEHOLDER = "[secret: not decrypted offline]"  # noqa: S105 (a label, not a secret)


class StackFileError(Exception):
    """The stack file is missing or is not valid YAML of the expected shape."""


@dataclass(frozen=True)
class StackFile:
    project: str
    stack: str
    path: Path
    config: dict[str, str]
    """Namespaced key -> value as PULUMI_CONFIG carries it (structured values JSON-encoded)."""
    secret_keys: list[str]


def project_name(project_dir: Path) -> str:
    data = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
    return str(data["name"])


def read_stack_file(project_dir: Path, stack: str) -> StackFile:
    project = project_name(project_dir)
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        stacks = sorted(p.name.split(".")[1] for p in project_dir.glob("Pulumi.*.yaml"))
        raise StackFileError(f"no stack file {path.name}; stacks here: {', '.join(stacks)}")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise StackFileError(f"{path.name} is not valid YAML: {exc}") from None
    raw = data.get("config") or {}
    if not isinstance(raw, dict):
        raise StackFileError(f"{path.name}: `config` must be a mapping")
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in raw.items():
        full = key if ":" in key else f"{project}:{key}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            # Ciphertext needs the stack's secrets provider; offline we only know it is secret.
            config[full] = SECRET_PLACEHOLDER
            secret_keys.append(full)
        else:
            config[full] = _encode(value)
    return StackFile(project, stack, path, config, secret_keys)


def _encode(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)
