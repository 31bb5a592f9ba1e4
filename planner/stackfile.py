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


REQUIRED_SETTINGS = {"pulumi:disable-default-providers": '["*"]'}
"""Stack settings the offline plan insists on, because the real engine's behaviour depends on them."""


def project_name(project_dir: Path) -> str:
    path = project_dir / "Pulumi.yaml"
    try:
        data = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise StackFileError(f"no Pulumi.yaml in {project_dir}: not a Pulumi project") from None
    except yaml.YAMLError as exc:
        raise StackFileError(f"Pulumi.yaml is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise StackFileError("Pulumi.yaml has no project `name`")
    return data["name"]


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
    if not isinstance(data, dict):
        raise StackFileError(f"{path.name} must be a mapping with a `config` key")
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
            # `pulumi config set --secret --path` nests secure values; the engine then treats the
            # whole key as secret.
            masked, nested = mask_nested_secrets(value)
            config[full] = _encode(masked)
            if nested:
                secret_keys.append(full)
    for key, expected in REQUIRED_SETTINGS.items():
        if config.get(key) != expected:
            raise StackFileError(
                f"{path.name}: set `{key}: {expected}` under config, so that every resource must "
                "use an explicit provider (pulumi/pulumi-aws#3777)"
            )
    return StackFile(project, stack, path, config, secret_keys)


def mask_nested_secrets(value: Any) -> tuple[Any, bool]:
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER, True
        items = {k: mask_nested_secrets(v) for k, v in value.items()}
        return {k: v for k, (v, _) in items.items()}, any(f for _, f in items.values())
    if isinstance(value, list):
        masked = [mask_nested_secrets(v) for v in value]
        return [v for v, _ in masked], any(f for _, f in masked)
    return value, False


def _encode(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    # YAML dates and timestamps have no JSON form: the CLI passes them on as their text.
    return json.dumps(value, default=str)
