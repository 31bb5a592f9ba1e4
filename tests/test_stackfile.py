"""A stack file that cannot lie: every refused file exits 2 with one line naming the key (or the
file problem), before any program runs. Timing and memory: benchmarks/stackfiles.py."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from infra import ConfigError
from infra.config import config_from_values
from planner.cli import EXIT_CONFIG, main
from planner.config_keys import PROVIDER_NAMESPACES
from tests.conftest import PROJECT_DIR, stack_file

CASES = PROJECT_DIR / "tests" / "stackfiles"

# Each refused case file: (file, what the line must name, why).
REFUSED: list[tuple[str, str, str]] = [
    ("bad-duplicate-key.yaml", "groundwork:environment", "set twice in one mapping (first at line 3)"),
    ("bad-duplicate-bare-key.yaml", "groundwork:environment", "set twice, as `groundwork:environment` and `environment`"),
    ("bad-duplicate-legacy-key.yaml", "groundwork:environment", "the Pulumi CLI would keep one of them at random"),
    ("bad-duplicate-nested-key.yaml", "groundwork:network.cidr", "set twice in one mapping"),
    ("bad-misspelt-namespace.yaml", "groundwrok:network", "unknown namespace `groundwrok` (did you mean `groundwork`?)"),
    ("bad-unknown-namespace.yaml", "acme:environment", "unknown namespace `acme`; known: groundwork, pulumi, aws"),
    ("bad-unknown-top-level-key.yaml", "`confg`", "not a stack file key (did you mean `config`?)"),
    ("bad-key-with-three-colons.yaml", "`groundwork:a:b:c`", "not a config key"),
    ("bad-yes.yaml", "groundwork:protectStatefulResources", "`yes` is ambiguous: YAML 1.1 reads true"),
    ("bad-off.yaml", "groundwork:redis.multiAz", "`off` is ambiguous"),
    ("bad-country-no.yaml", "groundwork:cdn.waf.blockedCountries[0]", "`NO` is ambiguous: YAML 1.1 reads false"),
    ("bad-octal.yaml", "groundwork:postgres.readers", "`010` is ambiguous: YAML 1.1 and the Pulumi CLI read the number 8; YAML 1.2 reads the number 10"),
    ("bad-leading-zero.yaml", "groundwork:accountId", "`012345678901` is ambiguous"),
    ("bad-sexagesimal.yaml", "groundwork:redis.snapshotRetentionDays", "`1:20` is ambiguous: YAML 1.1 reads the number 80"),
    ("bad-date.yaml", "groundwork:backup.schedule", "read a date/time"),
    ("bad-exponent.yaml", "groundwork:cdn.waf.rateLimit", "`1e3` is ambiguous"),
    ("bad-underscore-number.yaml", "groundwork:cdn.waf.rateLimit", "`2_000` is ambiguous"),
    ("bad-yaml12-octal.yaml", "groundwork:postgres.readers", "`0o2` is ambiguous"),
    ("bad-infinity.yaml", "groundwork:cdn.waf.rateLimit", "not a finite number"),
    ("bad-merge-key.yaml", "groundwork:redis", "merge key `<<`"),
    ("bad-tag.yaml", "groundwork:name", "explicit YAML tag"),
    ("bad-two-documents.yaml", "", "more than one YAML document"),
    ("bad-recursive-alias.yaml", "groundwork:x[0]", "alias *x refers to a value that contains it"),
    ("bad-secure-not-text.yaml", "groundwork:accountId", "`secure:` must hold ciphertext text"),
    ("bad-billion-laughs.yaml", "groundwork:a", "values once aliases are expanded"),
    ("bad-nesting-flow.yaml", "groundwork:x[0][0]", "nested deeper than 32 levels"),
    ("bad-nesting-block.yaml", "groundwork:x[0][0]", "nested deeper than 32 levels"),
    ("bad-latin-1.yaml", "", "not UTF-8 text: byte 0xe9 at line 4"),
    ("bad-utf-16.yaml", "", "not UTF-8 text"),
]  # fmt: skip


def _project(tmp_path: Path, text: str | bytes) -> Path:
    shutil.copy(PROJECT_DIR / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    target = tmp_path / "Pulumi.case.yaml"
    target.write_bytes(text if isinstance(text, bytes) else text.encode())
    return tmp_path


def test_every_refused_case_file_is_listed() -> None:
    assert {name for name, _, _ in REFUSED} == {p.name for p in CASES.glob("bad-*.yaml")}


@pytest.mark.parametrize(("name", "key", "reason"), REFUSED)
def test_refused_stack_file_exits_2_with_one_line_naming_the_key(
    name: str, key: str, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, (CASES / name).read_bytes())
    code = main(["case", "--project-dir", str(project)])
    err = capsys.readouterr().err
    assert code == EXIT_CONFIG, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: Pulumi.case.yaml: {key}"), lines[0]
    assert reason in lines[0]


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        ("  groundwork:environment: dev\n", "groundwork:environment: set twice in one mapping (first at line 8)"),
        ("  environment: dev\n", "groundwork:environment: set twice, as `groundwork:environment` and `environment`"),
        ("  groundwrok:network:\n    cidr: 10.30.0.0/16\n", "groundwrok:network: unknown namespace"),
    ],
)  # fmt: skip
def test_the_prod_file_cannot_be_turned_into_something_else(
    extra: str, line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, (PROJECT_DIR / "Pulumi.prod.yaml").read_text() + extra)
    assert main(["case", "--project-dir", str(project)]) == EXIT_CONFIG
    (error,) = capsys.readouterr().err.strip().splitlines()
    assert line in error


def test_several_problems_are_reported_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (PROJECT_DIR / "Pulumi.dev.yaml").read_text() + (
        "  groundwork:protectStatefulResources: on\n  groundwrok:network: {}\n"
    )
    assert main(["case", "--project-dir", str(_project(tmp_path, text))]) == EXIT_CONFIG
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert "groundwork:protectStatefulResources: `on` is ambiguous" in lines[0]
    assert "groundwrok:network: unknown namespace" in lines[1]


@pytest.mark.parametrize(
    "name", ["bad-billion-laughs.yaml", "bad-latin-1.yaml", "bad-nesting-block.yaml"]
)
def test_as_a_process_the_worst_files_end_with_exit_2_and_no_traceback(
    name: str, tmp_path: Path
) -> None:
    project = _project(tmp_path, (CASES / name).read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "planner", "case", "--project-dir", str(project)],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == EXIT_CONFIG, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_provider_namespaces_are_the_provider_packages_the_project_depends_on() -> None:
    deps = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.split(r"[=<>~]", d)[0] for d in deps}
    providers = {n.removeprefix("pulumi-") for n in names if n.startswith("pulumi-")}
    assert providers - {"policy"} == set(PROVIDER_NAMESPACES)


def test_the_program_refuses_unknown_namespaces_too() -> None:
    """Under `pulumi up` no offline reader runs first: the program checks what the engine hands it."""
    values = {**stack_file("dev").config, "groundwrok:network": '{"cidr": "10.30.0.0/16"}'}
    with pytest.raises(ConfigError) as caught:
        config_from_values(values)
    assert caught.value.problems == [
        "groundwrok:network: unknown namespace `groundwrok` (did you mean `groundwork`?): nothing "
        "reads this key, so its value would be silently ignored"
    ]
