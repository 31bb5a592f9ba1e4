"""The offline plan reads a stack file as the Pulumi CLI does, or refuses it.

tests/golden/pulumi-cli-stack-readings.json records what the CLI's own loader
(sdk/go/common/workspace.LoadProjectStack) makes of each file in tests/stackfiles/: the config it
hands the program, or its error, and whether repeated loads agree. Regenerate it with
tools/stackfile-readings (see main.go there; needs Go). The real stack files are not in it (they
change with every feature); they use only constructs the `ok-*` files cover.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from planner.stackfile import SECRET_PLACEHOLDER, StackFileError, read_stack_file
from tests.conftest import PROJECT_DIR

CASES = PROJECT_DIR / "tests" / "stackfiles"
CLI = json.loads((PROJECT_DIR / "tests" / "golden" / "pulumi-cli-stack-readings.json").read_text())
FILES = sorted(p.name for p in CASES.glob("*.yaml"))


def _read(tmp_path: Path, source: Path) -> Any:
    shutil.copy(PROJECT_DIR / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(source, tmp_path / "Pulumi.case.yaml")
    try:
        return read_stack_file(tmp_path, "case")
    except StackFileError as exc:
        return exc


def _same_value(ours: str, theirs: str) -> bool:
    """Equal as the program decodes them (object key order is the CLI's map order)."""
    if ours.startswith(("{", "[")):
        return json.loads(ours) == json.loads(theirs)
    return ours == theirs


def test_every_case_file_has_a_cli_reading() -> None:
    assert set(FILES) == set(CLI)


@pytest.mark.parametrize("name", FILES)
def test_offline_reader_refuses_or_reads_exactly_what_the_cli_reads(
    name: str, tmp_path: Path
) -> None:
    ours, theirs = _read(tmp_path, CASES / name), CLI[name]
    expect_refusal = name.startswith("bad-")
    if isinstance(ours, StackFileError):
        assert expect_refusal, ours.problems
        assert ours.problems and all(p.startswith("Pulumi.case.yaml: ") for p in ours.problems)
        return
    assert not expect_refusal, f"{name} was accepted; the CLI reads it as {theirs}"
    assert "error" not in theirs and theirs["deterministic"]
    assert sorted(ours.secret_keys) == theirs.get("secret", [])
    plain = {k: v for k, v in ours.config.items() if k not in ours.secret_keys}
    assert plain.keys() == theirs.get("config", {}).keys()
    for key, value in plain.items():
        assert _same_value(value, theirs["config"][key]), key
    for key in ours.secret_keys:
        assert SECRET_PLACEHOLDER in ours.config[key]


def test_the_cli_itself_is_fooled_by_what_the_reader_refuses() -> None:
    """Why refusing matters: on these files the CLI silently reads something else."""
    assert not CLI["bad-duplicate-bare-key.yaml"]["deterministic"]  # prod or dev at random
    assert not CLI["bad-duplicate-legacy-key.yaml"]["deterministic"]
    assert CLI["bad-leading-zero.yaml"]["config"]["groundwork:accountId"] == "12345678901"
    assert CLI["bad-octal.yaml"]["config"]["groundwork:postgres"] == '{"readers":8}'
    assert CLI["bad-unknown-top-level-key.yaml"]["config"] == {
        "pulumi:disable-default-providers": '["*"]'
    }
    date = json.loads(CLI["bad-date.yaml"]["config"]["groundwork:backup"])
    assert date == {"schedule": "2024-01-01 00:00:00 +0000 UTC"}
