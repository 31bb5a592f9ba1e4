"""Load a small YAML document into JSON-like data, refusing what could make it lie or blow up.

Built from PyYAML's event stream (never its recursive composer), so every bound is checked before
the work it limits is done:

- nesting deeper than MAX_DEPTH, and more than MAX_VALUES values or MAX_TEXT characters once aliases
  are expanded (a 1.8 KB "billion laughs" file stops after MAX_VALUES, not after gigabytes);
- a key set twice in one mapping (parsers disagree on which wins), keys that are not text,
  complex keys, merge keys (`<<`, not part of YAML 1.2), explicit tags, recursive aliases,
  more than one document;
- unquoted scalars that YAML 1.1, YAML 1.2 and the Pulumi CLI read differently (yaml_scalars.py).

Problems that leave the rest readable (a duplicate key, an ambiguous scalar) are collected and
returned with the data, so that a caller can report them with its own; the others stop reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from planner.yaml_scalars import Ambiguous, plain_scalar

MAX_DEPTH = 32
"""Deepest nesting of mappings and sequences (a stack file needs under 10)."""
MAX_VALUES = 20_000
"""Most values (scalars, mappings, sequences) after alias expansion (a stack file has hundreds)."""
MAX_TEXT = 4 * 1024 * 1024
"""Most characters of scalar text after alias expansion."""

MERGE_KEY = (
    "merge key `<<`: not part of YAML 1.2, and readers disagree on its details; write the keys out"
)

Path = tuple[str | int, ...]
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it: ~10x faster


@dataclass(frozen=True)
class Problem:
    path: Path
    """Keys and indexes from the document root to the offending value."""
    line: int | None
    """1-based line in the file."""
    message: str


class StrictYamlError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class _Size:
    """How much a value expands to: values, characters of text, levels of nesting."""

    values: int
    text: int
    height: int


@dataclass(frozen=True)
class _Anchored:
    value: Any
    size: _Size


@dataclass
class _Collection:
    value: dict[str, Any] | list[Any]
    path: Path
    anchor: str | None
    values_at_start: int
    text_at_start: int
    height: int = 1
    key: tuple[str, int] | None = None
    """Mappings: the key whose value comes next, with its line."""
    key_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Loaded:
    data: Any
    key_lines: dict[Path, int]
    """Line of every mapping key, by path."""
    problems: list[Problem]
    """Problems that left the rest readable (an ambiguous scalar is kept as its text)."""


class _Builder:
    def __init__(self) -> None:
        self.stack: list[_Collection] = []
        self.anchors: dict[str, _Anchored] = {}
        self.open_anchors: set[str] = set()
        self.values = 0
        self.text = 0
        self.problems: list[Problem] = []
        self.key_lines: dict[Path, int] = {}
        self.root: Any = None
        self.documents = 0

    # -- bounds ---------------------------------------------------------------------------
    def _count(self, size: _Size, line: int | None) -> None:
        self.values += size.values
        self.text += size.text
        path = self._child_path()
        if len(self.stack) + size.height > MAX_DEPTH:
            self._stop(path, line, f"nested deeper than {MAX_DEPTH} levels")
        if self.values > MAX_VALUES:
            self._stop(path, line, f"more than {MAX_VALUES} values once aliases are expanded")
        if self.text > MAX_TEXT:
            self._stop(path, line, f"more than {MAX_TEXT} characters once aliases are expanded")

    def _stop(self, path: Path, line: int | None, message: str) -> None:
        raise StrictYamlError([*self.problems, Problem(path, line, message)])

    def _child_path(self) -> Path:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.path, len(top.value))
        return (*top.path, top.key[0]) if top.key else top.path

    # -- events ---------------------------------------------------------------------------
    def handle(self, event: yaml.Event) -> None:
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self._stop((), line, "more than one YAML document (`---`): the Pulumi CLI reads "
                           "only the first")  # fmt: skip
        elif isinstance(event, yaml.ScalarEvent):
            self._check_tag(event, line)
            size = _Size(1, len(event.value), 0)
            self._count(size, line)
            self._add(self._scalar(event, line), event.anchor, line, size)
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event, line)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self._start(event, line)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self._end(line)

    def _scalar(self, event: yaml.ScalarEvent, line: int | None) -> Any:
        if event.style:  # quoted or block: text (plain is None in PyYAML, "" in libyaml)
            return event.value
        if event.value == "<<" and self._at_key():
            self.problems.append(Problem(self._child_path(), line, MERGE_KEY))
            return event.value
        value = plain_scalar(event.value)
        if isinstance(value, Ambiguous):
            self.problems.append(Problem(self._child_path(), line, value.reason))
            return event.value
        return value

    def _at_key(self) -> bool:
        return (
            bool(self.stack) and isinstance(self.stack[-1].value, dict) and not self.stack[-1].key
        )

    def _check_tag(self, event: yaml.NodeEvent, line: int | None) -> None:
        tag = getattr(event, "tag", None)
        if tag is not None:
            self._stop(self._child_path(), line,
                       f"explicit YAML tag `{tag}`: not supported; quote the value instead")  # fmt: skip

    def _alias(self, event: yaml.AliasEvent, line: int | None) -> None:
        name = event.anchor or ""
        if name in self.open_anchors:
            self._stop(
                self._child_path(), line, f"alias *{name} refers to a value that contains it"
            )
        anchored = self.anchors.get(name)
        if anchored is None:
            self._stop(self._child_path(), line, f"alias *{name} has no anchor &{name} before it")
        assert anchored is not None
        self._count(anchored.size, line)
        self._add(anchored.value, None, line, anchored.size)

    def _start(self, event: yaml.CollectionStartEvent, line: int | None) -> None:
        self._check_tag(event, line)
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.value, dict) and top.key is None:
            self._stop(
                top.path, line, "a mapping key that is itself a mapping or list: not supported"
            )
        path = self._child_path()
        self._count(_Size(1, 0, 1), line)
        container: dict[str, Any] | list[Any] = (
            {} if isinstance(event, yaml.MappingStartEvent) else []
        )
        self.stack.append(_Collection(container, path, event.anchor, self.values, self.text))
        if event.anchor:
            self.open_anchors.add(event.anchor)

    def _end(self, line: int | None) -> None:
        done = self.stack.pop()
        if done.anchor:
            self.open_anchors.discard(done.anchor)
        size = _Size(
            self.values - done.values_at_start + 1, self.text - done.text_at_start, done.height
        )
        self._add(done.value, done.anchor, line, size)

    def _add(self, value: Any, anchor: str | None, line: int | None, size: _Size) -> None:
        """Place a finished value (already counted) in its parent; remember it if anchored."""
        if anchor:
            self.anchors[anchor] = _Anchored(value, size)
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.height = max(top.height, size.height + 1)
        if isinstance(top.value, list):
            top.value.append(value)
        elif top.key is None:
            self._key(top, value, line or 0)
        else:
            key, _ = top.key
            top.value[key] = value
            top.key = None

    def _key(self, mapping: _Collection, key: Any, line: int) -> None:
        path = (*mapping.path, str(key))
        if not isinstance(key, str):
            self.problems.append(Problem(path, line, f"key `{key}` is not text; quote it"))
            key = str(key)
        first = mapping.key_lines.get(key)
        if first is not None:
            self.problems.append(Problem(path, line, f"set twice in one mapping (first at line "
                                        f"{first}); YAML readers disagree on which one counts"))  # fmt: skip
        mapping.key_lines[key] = line
        self.key_lines[path] = line
        mapping.key = (key, line)


def load(text: str) -> Loaded:
    """Parse `text` (one YAML document). Raise StrictYamlError at the first problem that stops
    reading (with those found before it); return the others in `Loaded.problems`."""
    builder = _Builder()
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.handle(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise StrictYamlError(
            [*builder.problems, Problem((), line, f"not valid YAML: {exc.problem or exc.context}")]
        ) from None
    except yaml.YAMLError as exc:  # e.g. a character YAML does not allow
        raise StrictYamlError(
            [*builder.problems, Problem((), None, f"not valid YAML: {exc}")]
        ) from None
    return Loaded(builder.root, builder.key_lines, builder.problems)
