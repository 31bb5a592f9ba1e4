"""The replacement table: it covers every type the stacks create, and decides replace vs update."""

from __future__ import annotations

import pytest

from planner import replacement
from planner.recorder import RecordingMonitor
from planner.runner import run_program
from planner.stackfile import read_stack_file
from tests.conftest import PROJECT_DIR


def _cloud_types(monitor: RecordingMonitor) -> set[str]:
    return {
        r.type for r in monitor.recorded if r.custom and not r.type.startswith("pulumi:providers:")
    }


def test_every_resource_type_of_every_stack_is_in_the_table(
    built_stack: tuple[str, RecordingMonitor],
) -> None:
    _, monitor = built_stack
    types = _cloud_types(monitor)
    assert types - set(replacement.table()) == set()


def test_every_resource_type_of_the_account_bootstrap_is_in_the_table() -> None:
    bootstrap = PROJECT_DIR / "bootstrap"
    monitor = run_program(bootstrap, read_stack_file(bootstrap, "account"))
    types = _cloud_types(monitor)
    assert types
    assert types - set(replacement.table()) == set()


def test_paths_are_camel_case_input_names() -> None:
    for typ, paths in replacement.table().items():
        for path in paths:
            assert all(p and p[0].islower() and "_" not in p for p in path.split(".")), (typ, path)


def test_a_changed_replacement_input_is_reported_and_others_are_not() -> None:
    typ = "aws:ec2/subnet:Subnet"
    old = {"cidrBlock": "10.0.0.0/20", "availabilityZone": "eu-west-1a", "tags": {"a": "1"}}
    assert replacement.replacing_changes(typ, old, {**old, "tags": {"a": "2"}}) == []
    assert replacement.replacing_changes(typ, old, {**old, "availabilityZone": "eu-west-1b"}) == [
        "availabilityZone"
    ]


def test_nested_paths_and_unknown_values() -> None:
    typ = "kubernetes:core/v1:Namespace"
    old = {"metadata": {"name": "apps", "labels": {"a": "1"}}}
    assert replacement.replacing_changes(typ, old, {"metadata": {"name": "apps"}}) == []
    assert replacement.replacing_changes(typ, old, {"metadata": {"name": "web"}}) == [
        "metadata.name"
    ]
    unknown = {"metadata": {"name": replacement.UNKNOWN}}
    assert replacement.replacing_changes(typ, old, unknown) == ["metadata.name"]


def test_an_unknown_type_is_an_error_naming_it() -> None:
    with pytest.raises(replacement.UnknownTypeError, match="'aws:foo/bar:Baz'"):
        replacement.replacing_changes("aws:foo/bar:Baz", {}, {})
