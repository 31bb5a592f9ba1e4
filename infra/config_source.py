"""The config values the engine hands the program (PULUMI_CONFIG), checked and decoded.

The engine passes every key of the stack file, in every namespace, as text; structured values
arrive as JSON text. Two things go wrong silently unless checked here, in the program, so that
`pulumi up` refuses them as the offline plan does:

- a key in a namespace nobody reads (`groundwrok:network`) is ignored, and the section falls back
  to its defaults (planner/config_keys.py names them);
- decoding every value as JSON turns the text "123456789012" (a quoted account id) into a number.
  Only mappings and lists are JSON here; scalars stay text and the typed model converts them
  (the CLI hands over `8` and `"8"` alike, so only the field's type can say which was meant).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def decode(value: Any) -> Any:
    """A PULUMI_CONFIG value: mappings and lists from their JSON text; the rest stays text for the
    model to convert by field type."""
    if not isinstance(value, str):
        return value
    if value.startswith(("{", "[")):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def project_values(values: Mapping[str, Any], project: str) -> dict[str, Any]:
    """The `<project>:*` values, decoded, without the namespace."""
    prefix = f"{project}:"
    return {k.removeprefix(prefix): decode(v) for k, v in values.items() if k.startswith(prefix)}
