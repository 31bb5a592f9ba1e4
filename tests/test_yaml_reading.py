"""How unquoted YAML scalars are read (planner/yaml_scalars.py) and the strict loader's bounds
(planner/yaml_strict.py)."""

from __future__ import annotations

import math

import pytest

from planner.yaml_scalars import TIMESTAMP, Ambiguous, go_yaml_v3, plain_scalar, yaml_1_1, yaml_1_2
from planner.yaml_strict import MAX_DEPTH, MAX_VALUES, StrictYamlError, load

# (text, YAML 1.1, YAML 1.2 core, go-yaml v3). The go-yaml column follows gopkg.in/yaml.v3
# v3.0.1 resolve.go: Go's ParseInt(base 0) after dropping "_" (so `010` is octal and `0b101`
# binary), `yes`/`on` stay text, no sexagesimal numbers, dates as timestamps.
READINGS: list[tuple[str, object, object, object]] = [
    ("yes", True, "yes", "yes"),
    ("No", False, "No", "No"),
    ("NO", False, "NO", "NO"),
    ("on", True, "on", "on"),
    ("OFF", False, "OFF", "OFF"),
    ("y", "y", "y", "y"),
    ("true", True, True, True),
    ("False", False, False, False),
    ("010", 8, 10, 8),
    ("0o17", "0o17", 15, 15),
    ("0x1F", 31, 31, 31),
    ("0b101", 5, "0b101", 5),
    ("1_000", 1000, "1_000", 1000),
    ("1:20", 80, "1:20", "1:20"),
    ("190:20:30", 685230, "190:20:30", "190:20:30"),
    ("1e3", "1e3", 1000.0, 1000.0),
    ("1.5e+3", 1500.0, 1500.0, 1500.0),
    ("09", "09", 9, 9.0),
    ("+1", 1, 1, 1),
    ("~", None, None, None),
    ("", None, None, None),
    ("2024-01-01", TIMESTAMP, "2024-01-01", TIMESTAMP),
    ("99999999999999999999", 99999999999999999999, 99999999999999999999, 1e20),
    ("eu-west-1", "eu-west-1", "eu-west-1", "eu-west-1"),
]


@pytest.mark.parametrize(("text", "v11", "v12", "go"), READINGS)
def test_each_reader_reads_as_its_spec_says(
    text: str, v11: object, v12: object, go: object
) -> None:
    for reader, expected in ((yaml_1_1, v11), (yaml_1_2, v12), (go_yaml_v3, go)):
        got = reader(text)
        assert type(got) is type(expected) and got == expected, (reader.__name__, got)


@pytest.mark.parametrize(("text", "v11", "v12", "go"), READINGS)
def test_a_scalar_is_accepted_exactly_when_the_readers_agree(
    text: str, v11: object, v12: object, go: object
) -> None:
    agree = all(type(v) is type(v11) and v == v11 for v in (v12, go))
    result = plain_scalar(text)
    if agree:
        assert result == v11
    else:
        assert isinstance(result, Ambiguous)
        assert f"`{text}` is ambiguous" in result.reason and "Quote it" in result.reason


@pytest.mark.parametrize(
    "text",
    ["10.10.0.0/16", "eu-west-1", "1.29.3-alpine", "cron(0 3 * * ? *)", "sun:04:00-sun:05:00",
     "sha256:5aea7cc516b419e3526f47dd1531be31a56a046cfe44754d94f9383e13e2ee99",
     "arn:aws:iam::123456789012:role/platform-admin", "platform-team@acme.example"],
)  # fmt: skip
def test_everyday_stack_values_are_plain_text(text: str) -> None:
    assert plain_scalar(text) == text


def test_numbers_and_booleans_every_reader_shares_are_kept() -> None:
    assert plain_scalar("3") == 3 and plain_scalar("-1") == -1
    assert plain_scalar("0.5") == 0.5 and plain_scalar("true") is True
    assert plain_scalar("123456789012") == 123456789012


def test_non_finite_numbers_are_refused() -> None:
    result = plain_scalar(".inf")
    assert isinstance(result, Ambiguous) and "not a finite number" in result.reason
    assert math.isnan(yaml_1_2(".nan"))  # readers agree, but JSON has no such value
    assert isinstance(plain_scalar(".nan"), Ambiguous)


def _problems(text: str) -> list[tuple[tuple[str | int, ...], str]]:
    try:
        problems = load(text).problems
    except StrictYamlError as exc:
        problems = exc.problems
    assert problems
    return [(p.path, p.message) for p in problems]


def test_quoted_scalars_are_always_text() -> None:
    data = load("a: 'yes'\nb: \"010\"\nc: |\n  1:20\n").data
    assert data == {"a": "yes", "b": "010", "c": "1:20\n"}


def test_every_ambiguous_scalar_and_duplicate_is_reported_with_its_path() -> None:
    problems = _problems("a:\n  b: yes\n  c: [1, 010]\na: 2\n")
    paths = [p for p, _ in problems]
    assert ("a", "b") in paths and ("a", "c", 1) in paths and ("a",) in paths
    assert any("set twice" in m and "first at line 1" in m for _, m in problems)


def test_billion_laughs_stops_at_the_bound() -> None:
    text = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
    )
    assert len(text) < 2000
    ((_, message),) = _problems(text)
    assert f"more than {MAX_VALUES} values once aliases are expanded" in message


def test_small_aliases_are_fine() -> None:
    data = load("base: &b {cidr: 10.0.0.0/16}\nother: *b\n").data
    assert data["other"] == {"cidr": "10.0.0.0/16"}


@pytest.mark.parametrize(
    "text", ["x: " + "[" * 5000 + "]" * 5000, "x:\n  " + "- " * 5000 + "y", "x: " + "{a: " * 40 + "1" + "}" * 40]
)  # fmt: skip
def test_absurd_nesting_stops_at_the_bound(text: str) -> None:
    ((path, message),) = _problems(text)
    assert f"nested deeper than {MAX_DEPTH} levels" in message
    assert path[0] == "x"


def test_an_alias_cannot_nest_past_the_bound() -> None:
    deep = "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2)
    ((_, message),) = _problems(f"a: &d {deep}\nb: [[[[*d]]]]\n")
    assert "nested deeper" in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: &x [*x]\n", "refers to a value that contains it"),
        ("a: *nope\n", "has no anchor"),
        ("a: !!str 010\n", "explicit YAML tag"),
        ("a: !Ref x\n", "explicit YAML tag"),
        ("? [a, b]\n: c\n", "a mapping key that is itself a mapping or list"),
        ("a: 1\n---\na: 2\n", "more than one YAML document"),
        ("a: [unclosed\n", "not valid YAML"),
        ("a: b\x07\n", "not valid YAML"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", "merge key `<<`"),
        ("a: <<\n", "`<<` is ambiguous"),
        ("1: x\n", "key `1` is not text"),
    ],
)
def test_constructs_that_could_mislead_are_refused(text: str, fragment: str) -> None:
    assert any(fragment in message for _, message in _problems(text))
