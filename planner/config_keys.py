"""Config keys of a stack file: how the Pulumi CLI parses them, and which namespaces anyone reads.

Shared by the offline plan (which names the file and line) and the program (which refuses the same
keys under `pulumi up`, where no offline reader runs first).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

PROVIDER_NAMESPACES = ("aws", "kubernetes", "random", "alicloud")
"""Namespaces of the provider packages the project depends on (pyproject.toml; a test keeps the
two in step). Their keys configure default providers, which every stack file disables."""
ENGINE_NAMESPACE = "pulumi"
"""Engine settings such as `pulumi:disable-default-providers`."""


def parse_key(key: str, project: str) -> str | None:
    """`key` as the CLI parses it (sdk/go/common/resource/config/key.go), or None if it can't:
    `name` is `<project>:name`, the legacy `ns:config:name` is `ns:name`."""
    parts = key.split(":")
    if len(parts) == 1:
        parts = [project, key]
    elif len(parts) == 3 and parts[1] == "config":
        parts = [parts[0], parts[2]]
    if len(parts) != 2 or not all(parts):
        return None
    return ":".join(parts)


def suggest(word: str, choices: Sequence[str]) -> str:
    """` (did you mean `x`?)` for a near miss, else the allowed words."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else f"; known: {', '.join(choices)}"


def namespace_problems(keys: Iterable[str], project: str) -> dict[str, str]:
    """Key -> why, for each namespaced key that neither the program, a provider nor the engine reads."""
    known = (project, ENGINE_NAMESPACE, *PROVIDER_NAMESPACES)
    return {
        key: f"unknown namespace `{namespace}`{suggest(namespace, known)}: nothing reads this key, "
        "so its value would be silently ignored"
        for key in keys
        if (namespace := key.split(":", 1)[0]) not in known
    }
