"""What an unquoted YAML scalar means, to each reader of a stack file.

Three readers matter: YAML 1.1 (PyYAML, and many editors and linters), YAML 1.2's core schema (the
current spec), and go-yaml v3, which the Pulumi CLI uses to read `Pulumi.<stack>.yaml`
(sdk/go/common/encoding/marshal.go). They disagree on a few plain scalars: `yes`/`on`/`NO` are
booleans only in YAML 1.1; `010` is 8 in YAML 1.1 and go-yaml but 10 in YAML 1.2; `1:20` is 80 only
in YAML 1.1; `1e3` is a number in YAML 1.2 and go-yaml but text in YAML 1.1; `2024-01-01` is a
date in YAML 1.1 and go-yaml (which then hands the program "2024-01-01 00:00:00 +0000 UTC").

`plain_scalar` accepts a plain scalar only when all three readings agree, so what the offline plan
validates is what `pulumi up` deploys and what a reviewer reads; anything else must be quoted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class Special:
    """A reading that is not plain data: a date/time, or a key with a meaning (`<<`, `=`)."""

    meaning: str


TIMESTAMP = Special("a date/time")
Scalar = None | bool | int | float | str | Special

# go-yaml v3's reading (gopkg.in/yaml.v3 resolve.go, v3.0.1), modelled from its documented
# behaviour: a table of exact words, then, for text starting with a digit or sign, a timestamp,
# an integer as Go's strconv.ParseInt(text without "_", base 0) reads it (so `010` is octal), an
# unsigned integer, a decimal float; for text starting with ".", Go's ParseFloat.
_GO_WORDS: dict[str, Scalar] = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL")),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_GO_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_GO_PARSEFLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?")  # ParseFloat of text starting "."
_GO_TIMESTAMP = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}"
    r"([Tt]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[-+]\d{2}:\d{2})| \d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?)?"
)
_GO_INT_BASES = {"0x": 16, "0X": 16, "0o": 8, "0O": 8, "0b": 2, "0B": 2}
_DIGITS = {
    2: set("01"),
    8: set("01234567"),
    10: set("0123456789"),
    16: set("0123456789abcdefABCDEF"),
}
_INT64 = 2**63
_UINT64 = 2**64


def _go_parse_int(text: str) -> int | None:
    """Go's strconv.ParseInt(text, 0, 64), falling back to ParseUint for large positive values."""
    sign, digits = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
    base = _GO_INT_BASES.get(digits[:2], 0)
    if base:
        digits = digits[2:]
    elif len(digits) > 1 and digits.startswith("0"):
        base, digits = 8, digits[1:]
    else:
        base = 10
    if not digits or not set(digits) <= _DIGITS[base]:
        return None
    value = int(digits, base) * (-1 if sign == "-" else 1)
    if -_INT64 <= value < _INT64 or (sign == "" and 0 <= value < _UINT64):
        return value
    return None


def go_yaml_v3(text: str) -> Scalar:
    """The value go-yaml v3 (the Pulumi CLI) gives an unquoted scalar."""
    if text in _GO_WORDS:
        return _GO_WORDS[text]
    first = text[:1]
    if first == ".":
        return float(text) if _GO_PARSEFLOAT.fullmatch(text) else text
    if first and first in "+-0123456789":
        if _GO_TIMESTAMP.fullmatch(text):
            return TIMESTAMP
        plain = text.replace("_", "")
        number = _go_parse_int(plain) if plain else None
        if number is not None:
            return number
        if _GO_FLOAT.fullmatch(plain):
            value = float(plain)
            return value if math.isfinite(value) else text  # Go: out of range is an error
    return text


# YAML 1.2 core schema (yaml.org/spec/1.2.2, 10.3.2 Tag Resolution).
_CORE: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"null|Null|NULL|~|"), lambda _: None),
    (re.compile(r"true|True|TRUE"), lambda _: True),
    (re.compile(r"false|False|FALSE"), lambda _: False),
    (re.compile(r"[-+]?[0-9]+"), int),
    (re.compile(r"0o[0-7]+"), lambda s: int(s[2:], 8)),
    (re.compile(r"0x[0-9a-fA-F]+"), lambda s: int(s[2:], 16)),
    (re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"), float),
    (re.compile(r"[-+]?(\.inf|\.Inf|\.INF)"), lambda s: -math.inf if s[0] == "-" else math.inf),
    (re.compile(r"\.nan|\.NaN|\.NAN"), lambda _: math.nan),
]


def yaml_1_2(text: str) -> Scalar:
    """The value YAML 1.2's core schema gives an unquoted scalar."""
    for pattern, construct in _CORE:
        if pattern.fullmatch(text):
            value: Scalar = construct(text)
            return value
    return text


_YAML_1_1 = yaml.SafeLoader("")


def yaml_1_1(text: str) -> Scalar:
    """The value YAML 1.1 (PyYAML's safe loader) gives an unquoted scalar."""
    tag = _YAML_1_1.resolve(yaml.ScalarNode, text, (True, False))
    if tag.endswith((":merge", ":value")):  # `<<` and `=`: keys with a meaning, not values
        return Special(f"a {tag.rsplit(':', 1)[1]} key")
    value = _YAML_1_1.construct_object(yaml.ScalarNode(tag, text), deep=True)
    if tag.endswith(":timestamp"):
        return TIMESTAMP
    return value


def _same(a: Scalar, b: Scalar) -> bool:
    # bool is an int in Python (True == 1), and nan != nan: compare type, then value.
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


@dataclass(frozen=True)
class Ambiguous:
    """A plain scalar the readers disagree on (or that has no JSON value): the reason, one line."""

    text: str
    reason: str


def plain_scalar(text: str) -> Scalar | Ambiguous:
    """The value of an unquoted scalar when every reader agrees on it, else why it is refused."""
    readings = {
        "YAML 1.1": yaml_1_1(text),
        "YAML 1.2": yaml_1_2(text),
        "the Pulumi CLI": go_yaml_v3(text),
    }
    values = list(readings.values())
    if all(_same(values[0], v) for v in values[1:]):
        value = values[0]
        if isinstance(value, float) and not math.isfinite(value):
            return Ambiguous(
                text, f"`{text}` is not a finite number (config values are JSON); quote it"
            )
        return value
    return Ambiguous(text, _disagreement(text, readings))


def _describe(value: Scalar) -> str:
    if isinstance(value, Special):
        return value.meaning
    if isinstance(value, str):
        return f"the text '{value}'"
    if value is None or isinstance(value, bool):
        return str(value).lower().replace("none", "null")
    return f"the number {value!r}"


def _disagreement(text: str, readings: dict[str, Scalar]) -> str:
    groups: dict[str, list[str]] = {}
    for reader, value in readings.items():
        groups.setdefault(_describe(value), []).append(reader)
    parts = [
        f"{' and '.join(readers)} read{'' if len(readers) > 1 else 's'} {meaning}"
        for meaning, readers in groups.items()
    ]
    return (
        f"`{text}` is ambiguous: {'; '.join(parts)}. Quote it if you mean the text, or write a "
        "value all of them read alike"
    )
