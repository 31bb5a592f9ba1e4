"""The Terraform type table (planner/export/tf_types.json) against the pinned SDKs and the stacks:
every token exists, every renamed or map-typed property exists with the shape the table claims,
and every type a stack creates is mapped or listed as unmappable with a reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner.export import unmapped_types
from planner.export.mapping import load_table, snake
from planner.recorder import RecordingMonitor
from tests.test_policy_tokens import _module_file

TABLE = load_table()


def _module(token: str) -> Path | None:
    if token.startswith("random:"):  # pulumi-random keeps one module per resource at its root
        import pulumi_random

        path = Path(pulumi_random.__file__).parent / f"{snake(token.rsplit(':', 1)[1])}.py"
        return path if path.exists() else None
    return _module_file(token)


@pytest.mark.parametrize("token", sorted(TABLE.types))
def test_token_exists_in_the_pinned_sdk(token: str) -> None:
    path = _module(token)
    assert path is not None, f"{token}: no module file in the SDK"
    assert f'"{token}"' in path.read_text() or f"'{token}'" in path.read_text(), token


def _sdk_text(token: str) -> str:
    path = _module(token)
    assert path is not None, token
    inputs = path.parent / "_inputs.py"
    return path.read_text() + (inputs.read_text() if inputs.exists() else "")


def _declared_kind(text: str, prop: str) -> str | None:
    """The outer type of an input property in the SDK (`Mapping`, `Sequence`, an Args class)."""
    decl = re.search(rf"\b{snake(prop)}: (?:Optional\[)?pulumi\.Input\[(?:Optional\[)?(\w+)", text)
    return decl.group(1) if decl else None


@pytest.mark.parametrize("token", sorted(t for t, m in TABLE.types.items() if m.renames))
def test_renamed_properties_exist_in_the_sdk(token: str) -> None:
    text = _sdk_text(token)
    missing = [p for p in TABLE.types[token].renames if f'"{snake(p)}"' not in text]
    assert missing == [], f"{token}: {missing} not in the SDK"


@pytest.mark.parametrize("token", sorted(TABLE.types))
def test_map_properties_are_typed_as_mappings_in_the_sdk(token: str) -> None:
    text = _sdk_text(token)
    for prop in TABLE.types[token].maps:
        kind = _declared_kind(text, prop)
        if kind is None:  # not an input of this type (e.g. tagsAll is output-only)
            continue
        assert kind == "Mapping", f"{token}.{prop} is {kind}, not a map"


def test_every_type_a_stack_creates_is_mapped_or_unmappable_with_a_reason(
    built_stack: tuple[str, RecordingMonitor],
) -> None:
    stack, monitor = built_stack
    unmapped = unmapped_types((r.type for r in monitor.recorded if r.custom), TABLE)
    assert unmapped == (), f"{stack}: add these tokens to planner/export/tf_types.json"


def test_top_level_objects_are_maps_exactly_where_the_sdk_types_them_as_maps(
    built_stack: tuple[str, RecordingMonitor],
) -> None:
    """A map exported as a block (or a block as a map) would hide it from every scanner rule."""
    _, monitor = built_stack
    wrong: set[str] = set()
    for r in monitor.recorded:
        mapping = TABLE.lookup(r.type) if r.custom else None
        if mapping is None:
            continue
        text = _sdk_text(r.type)
        for prop, value in r.inputs.items():
            if not isinstance(value, dict):
                continue
            kind = _declared_kind(text, prop)
            assert kind is not None, f"{r.type}.{prop} not declared in the SDK"
            if (kind == "Mapping") != mapping.is_map(prop):
                wrong.add(f"{r.type}.{prop}")
    assert wrong == set()


def test_unmappable_entries_give_reasons() -> None:
    assert TABLE.unmappable and all(len(why) > 20 for why in TABLE.unmappable.values())
