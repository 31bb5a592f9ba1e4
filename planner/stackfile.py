"""Read `Pulumi.<stack>.yaml` and encode its config the way the Pulumi CLI hands it to a program.

The file is read strictly (planner/yaml_strict.py): it must be UTF-8, small, shallow, free of
duplicate keys and of scalars that YAML 1.1, YAML 1.2 and the Pulumi CLI read differently. Config
keys are normalised as the CLI does (`name` -> `<project>:name`, the legacy `ns:config:name` ->
`ns:name`), and two keys that normalise alike are refused: the CLI keeps one of them at random
(it iterates a Go map). Every problem is one line naming the key (or the file problem) and its line.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.config_keys import namespace_problems, parse_key, suggest
from planner.yaml_strict import Loaded, Problem, StrictYamlError, load

SECRET_PLACEHOLDER = "[secret: not decrypted offline]"  # noqa: S105 (a label, not a secret)
"""Stands in for each `secure:` value: offline there is no secrets provider to decrypt it. The
program swaps it for a value of the field's shape (infra/secret_config.py)."""

MAX_BYTES = 1024 * 1024
"""Largest stack file read (a real one is a few KB, or tens with ciphertexts)."""

STACK_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")
"""Top-level keys of a stack file (pulumi/pulumi sdk/go/common/workspace/project.go ProjectStack).
The CLI ignores any other key, so a misspelt `confg:` would silently drop all config."""

REQUIRED_SETTINGS = {"pulumi:disable-default-providers": '["*"]'}
"""Stack settings the offline plan insists on, because the real engine's behaviour depends on them."""


class StackFileError(Exception):
    """The stack file is missing, unreadable, or says something it could be read to mean otherwise."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class StackFile:
    project: str
    stack: str
    path: Path
    config: dict[str, str]
    """Namespaced key -> value as PULUMI_CONFIG carries it (structured values JSON-encoded)."""
    secret_keys: list[str]


def project_name(project_dir: Path) -> str:
    path = project_dir / "Pulumi.yaml"
    if not path.is_file():
        raise StackFileError(f"no Pulumi.yaml in {project_dir}: not a Pulumi project")
    loaded = _load(path)
    if loaded.problems:
        raise StackFileError(*(_describe(path.name, p) for p in loaded.problems))
    data = loaded.data
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise StackFileError("Pulumi.yaml has no project `name`")
    return str(data["name"])


def stack_names(project_dir: Path) -> list[str]:
    """The stacks shipped in `project_dir`: one per `Pulumi.<stack>.yaml`."""
    return sorted(p.name.split(".")[1] for p in project_dir.glob("Pulumi.*.yaml"))


def read_stack_file(project_dir: Path, stack: str) -> StackFile:
    project = project_name(project_dir)
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        stacks = ", ".join(stack_names(project_dir))
        raise StackFileError(f"no stack file {path.name}; stacks here: {stacks}")
    loaded = _load(path)
    data = {} if loaded.data is None else loaded.data
    if not isinstance(data, dict):
        raise StackFileError(f"{path.name} must be a mapping with a `config` key")
    problems = [_describe(path.name, p) for p in loaded.problems]
    problems += [
        f"{path.name}: `{key}`: not a stack file key{suggest(key, STACK_FILE_KEYS)} "
        f"(line {loaded.key_lines.get((key,))})"
        for key in data
        if key not in STACK_FILE_KEYS
    ]
    raw = data.get("config") or {}
    if not isinstance(raw, dict):
        raise StackFileError(f"{path.name}: `config` must be a mapping")
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    spelled: dict[str, str] = {}
    for key, value in raw.items():
        line = loaded.key_lines.get(("config", key))
        full = parse_key(key, project)
        if full is None:
            problems.append(
                f"{path.name}: `{key}`: not a config key: use `<namespace>:<name>` (line {line})"
            )
            continue
        if full in spelled:
            problems.append(
                f"{path.name}: {full}: set twice, as `{spelled[full]}` and `{key}` (line {line}); "
                "the Pulumi CLI would keep one of them at random"
            )
            continue
        spelled[full] = key
        unread = namespace_problems([full], project).get(full)
        if unread:
            problems.append(f"{path.name}: {full}: {unread} (line {line})")
            continue
        try:
            plain, secret = _hide_secrets(value)
        except _NotCiphertextError:
            problems.append(
                f"{path.name}: {full}: `secure:` must hold ciphertext text (line {line})"
            )
            continue
        config[full] = _encode(plain)
        if secret:
            secret_keys.append(full)
    if problems:
        raise StackFileError(*problems)
    for key, expected in REQUIRED_SETTINGS.items():
        if config.get(key) != expected:
            raise StackFileError(
                f"{path.name}: set `{key}: {expected}` under config, so that every resource must "
                "use an explicit provider (pulumi/pulumi-aws#3777)"
            )
    return StackFile(project, stack, path, config, secret_keys)


def _load(path: Path) -> Loaded:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise StackFileError(f"{path.name}: {size} bytes; a stack file is at most {MAX_BYTES}")
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")  # the CLI strips a UTF-8 BOM too
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise StackFileError(
            f"{path.name}: not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line} cannot "
            "be decoded; save the file as UTF-8"
        ) from None
    try:
        return load(text)
    except StrictYamlError as exc:
        raise StackFileError(*(_describe(path.name, p) for p in exc.problems)) from None


def _describe(file: str, problem: Problem) -> str:
    # Under `config`, name the config key (`groundwork:network.zones[0]`), as config errors do.
    path = problem.path
    where = dotted_path(path[1:] if path[:1] == ("config",) and len(path) > 1 else path)
    line = f" (line {problem.line})" if problem.line else ""
    return f"{file}: {where + ': ' if where else ''}{problem.message}{line}"


def dotted_path(path: tuple[str | int, ...], longest: int = 8) -> str:
    """`("groundwork:network", "zones", 0)` -> `groundwork:network.zones[0]`; a path longer than
    `longest` parts keeps its first ones and ends in `...`."""
    text = ""
    for part in path[:longest]:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text + ("..." if len(path) > longest else "")


class _NotCiphertextError(ValueError):
    """A `secure:` mapping whose value is not ciphertext text."""


def _hide_secrets(value: Any) -> tuple[Any, bool]:
    """`value` with every `{secure: <ciphertext>}` replaced by SECRET_PLACEHOLDER; whether any was.

    As the CLI does, a secure value anywhere inside a key's value makes the whole key secret.
    """
    if isinstance(value, dict) and set(value) == {"secure"}:
        if not isinstance(value["secure"], str):
            raise _NotCiphertextError
        return SECRET_PLACEHOLDER, True
    if isinstance(value, dict):
        pairs = {k: _hide_secrets(v) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(s for _, s in pairs.values())
    if isinstance(value, list):
        items = [_hide_secrets(v) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    return value, False


def _encode(value: Any) -> str:
    """A config value as PULUMI_CONFIG carries it: text as is, an empty value as empty text,
    anything else as Go's JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(_go_numbers(value), ensure_ascii=False)


def _go_numbers(value: Any) -> Any:
    # Go's encoding/json writes a whole float64 without a fraction (1.0 -> 1).
    if (
        isinstance(value, float)
        and math.isfinite(value)
        and value.is_integer()
        and abs(value) < 1e21
    ):
        return int(value)
    if isinstance(value, dict):
        return {k: _go_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_go_numbers(v) for v in value]
    return value
