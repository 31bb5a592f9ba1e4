"""JSON Schema of the stack files and the generated config reference, both from `StackConfig`.

    python -m infra.schema --write    # regenerate docs/stack-config.schema.json and docs/config-reference.md

Editors validate `Pulumi.<stack>.yaml` against the schema (the yaml-language-server comment at the
top of each stack file); a test keeps both files in sync with the model.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import textwrap
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from infra.config import PROJECT, VARIANTS, stack_config_adapter
from infra.presets import CLOUD_PRESETS, PRESETS
from planner.config_keys import ENGINE_NAMESPACE, PROVIDER_NAMESPACES

DOCS = Path(__file__).resolve().parent.parent / "docs"
SCHEMA_PATH = DOCS / "stack-config.schema.json"
REFERENCE_PATH = DOCS / "config-reference.md"

Row = tuple[str, str, str, str]
SECURE_VALUE = {
    "type": "object",
    "properties": {"secure": {"type": "string"}},
    "required": ["secure"],
    "additionalProperties": False,
}


def _variants() -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Each cloud's model schema, and the definitions they share (one generation, one naming)."""
    schema = stack_config_adapter().json_schema(
        by_alias=True, mode="validation", schema_generator=_WithAttributeDocstrings
    )
    defs = dict(schema.get("$defs", {}))
    return {cloud: defs.pop(model.__name__) for cloud, model in VARIANTS.items()}, defs


def attribute_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """Field name -> the docstring under its annotation (`x: int` then `\"\"\"...\"\"\"`), the
    subclass's winning. Read here, for the docs only: pydantic's `use_attribute_docstrings` reads
    the source of every section on each import, a fifth of a refused plan's time."""
    docs: dict[str, str] = {}
    for klass in reversed(model.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, BaseModel)) or klass is BaseModel:
            continue
        body = ast.parse(textwrap.dedent(inspect.getsource(klass))).body[0]
        assert isinstance(body, ast.ClassDef)
        for stmt, after in zip(body.body, body.body[1:], strict=False):
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[stmt.target.id] = inspect.cleandoc(after.value.value)
    return docs


class _WithAttributeDocstrings(GenerateJsonSchema):
    """Pydantic's schema, each property described by its field's attribute docstring (unless the
    field sets `description` itself)."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        model = schema["cls"]
        docs = attribute_docstrings(model)
        properties = json_schema.get("properties", {})
        for name, field in model.model_fields.items():
            prop = properties.get(field.alias or name)
            if prop is not None and name in docs and field.description is None:
                properties[field.alias or name] = {"description": docs[name], **prop}
        return json_schema


def stack_file_schema() -> dict[str, Any]:
    variants, defs = _variants()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{PROJECT} stack file (Pulumi.<stack>.yaml)",
        "type": "object",
        "properties": {
            # One shape per cloud: `groundwork:cloud` picks it (absent: aws).
            "config": {"oneOf": [_config_object(model) for model in variants.values()]},
            "secretsprovider": {"type": "string"},
            "encryptedkey": {"type": "string"},
            "encryptionsalt": {"type": "string"},
            "environment": {},
        },
        "required": ["config"],
        "additionalProperties": False,
        "$defs": defs,
    }


def _config_object(model: dict[str, Any]) -> dict[str, Any]:
    # Any key may instead hold a `secure:` ciphertext (`pulumi config set --secret`).
    ours = {
        f"{PROJECT}:{key}": {
            **({"description": value["description"]} if "description" in value else {}),
            "anyOf": [value, SECURE_VALUE],
        }
        for key, value in model["properties"].items()
    }
    return {
        "type": "object",
        "title": model.get("title", ""),
        "properties": {
            **ours,
            "pulumi:disable-default-providers": {
                "type": "array",
                "items": {"type": "string"},
                "description": 'Keep ["*"]: every resource uses an explicit provider.',
            },
        },
        "required": [f"{PROJECT}:{key}" for key in model.get("required", [])],
        # Provider namespaces (aws:, kubernetes:, ...) and the engine's are allowed; our own keys
        # are checked; any other namespace is a typo (planner/config_keys.py).
        "patternProperties": {f"^({'|'.join((ENGINE_NAMESPACE, *PROVIDER_NAMESPACES))}):.+$": {}},
        "additionalProperties": False,
    }


def _rows(
    schema: dict[str, Any], defs: dict[str, Any], prefix: str
) -> list[tuple[str, str, str, str]]:
    rows = []
    for key, prop in schema.get("properties", {}).items():
        path = f"{prefix}{key}"
        target = prop
        ref = prop.get("$ref") or next(
            (a.get("$ref") for a in prop.get("anyOf", []) if "$ref" in a), None
        )
        if ref:
            target = defs[ref.split("/")[-1]]
        kind = _kind(prop, defs)
        default = json.dumps(prop["default"]) if "default" in prop and not ref else ""
        rows.append((path, kind, default, prop.get("description", target.get("description", ""))))
        if ref and "properties" in target:
            rows += _rows(target, defs, f"{path}.")
        # A map of objects keyed by a name of the stack's choice (apps, nodeGroups): its values.
        values = [prop.get("additionalProperties"), *prop.get("patternProperties", {}).values()]
        value_ref = next((v["$ref"] for v in values if isinstance(v, dict) and "$ref" in v), None)
        if value_ref and "properties" in defs[value_ref.split("/")[-1]]:
            rows += _rows(defs[value_ref.split("/")[-1]], defs, f"{path}.<name>.")
    return rows


def _kind(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "enum" in prop:
        return " \\| ".join(json.dumps(v) for v in prop["enum"])
    if "anyOf" in prop:
        return " \\| ".join(_kind(p, defs) for p in prop["anyOf"])
    if "$ref" in prop:
        return "object"
    if prop.get("type") == "array":
        return f"list of {_kind(prop.get('items', {}), defs)}"
    return str(prop.get("format", prop.get("type", "any")))


def config_reference() -> str:
    variants, defs = _variants()
    rows = {cloud: _rows(model, defs, "") for cloud, model in variants.items()}
    required = {cloud: set(model.get("required", [])) for cloud, model in variants.items()}
    lines = [
        "# Stack config reference",
        "",
        "<!-- Generated by `python -m infra.schema --write` from infra/config.py; do not edit. -->",
        "",
        f"Keys live under the `{PROJECT}:` namespace of `Pulumi.<stack>.yaml` and are camelCase.",
        "Values not set in a stack file come from the environment preset, then from the model",
        "default (secure, production-grade). Required keys are marked **required**.",
        "",
        "`cloud` selects the keys: the column *Clouds* says where a key exists. A key of another",
        "cloud is refused (`only for cloud: aws`), and so is a value of another cloud where both",
        "have the key (an RDS class in `postgres.instanceClass` of an Alibaba Cloud stack).",
        "",
        "| Key | Clouds | Type | Default | Description |",
        "|---|---|---|---|---|",
    ]
    for clouds, (path, kind, default, desc) in _merged(rows):
        mark = " **required**" if any(path in required[c] for c in clouds) else ""
        lines.append(
            f"| `{path}`{mark} | {', '.join(clouds)} | {kind} | "
            f"{f'`{default}`' if default else ''} | {desc.replace(chr(10), ' ')} |"
        )
    lines += [
        "",
        "## Environment presets",
        "",
        "Applied under the stack file (infra/presets.py): the cloud-neutral preset of the",
        "environment, then the cloud's own.",
        "",
    ]
    for env, values in PRESETS.items():
        lines += [f"### `{env}`", "", "```json", json.dumps(values, indent=2), "```", ""]
        for cloud, per_env in CLOUD_PRESETS.items():
            if per_env.get(env):
                lines += [f"`{env}` on `{cloud}`:", "", "```json",
                          json.dumps(per_env[env], indent=2), "```", ""]  # fmt: skip
    return "\n".join(lines)


def _merged(rows: dict[str, list[Row]]) -> list[tuple[list[str], Row]]:
    """One row per key and description; a key whose type or meaning differs per cloud gets a row
    per cloud. Order: the first cloud's rows, each other cloud's own rows after their predecessor."""
    merged: list[tuple[list[str], Row]] = []
    for cloud, cloud_rows in rows.items():
        after = -1
        for row in cloud_rows:
            same = next((i for i, (_, r) in enumerate(merged) if r == row), None)
            if same is not None:
                merged[same][0].append(cloud)
                after = same
                continue
            last_of_path = [i for i, (_, r) in enumerate(merged) if r[0] == row[0]]
            after = (last_of_path[-1] if last_of_path else after) + 1
            merged.insert(after, ([cloud], row))
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the files under docs/")
    args = parser.parse_args()
    schema = json.dumps(stack_file_schema(), indent=2) + "\n"
    if args.write:
        DOCS.mkdir(exist_ok=True)
        SCHEMA_PATH.write_text(schema)
        REFERENCE_PATH.write_text(config_reference())
    else:
        print(schema)


if __name__ == "__main__":
    main()
