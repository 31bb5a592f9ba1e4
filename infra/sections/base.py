"""Shared base for every config model: strict, immutable, camelCase in the stack files, and the
one helper that lets a config default come from the component it feeds."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.alias_generators import to_camel

from components._base import LogRetentionDays

__all__ = [
    "CrossFieldError",
    "Email",
    "LogRetentionDays",
    "Problem",
    "Section",
    "all_problems",
    "component_default",
    "listed_twice",
]


Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
"""An email address as the clouds' notification services take it."""


@dataclasses.dataclass(frozen=True)
class Problem:
    """One cross-field problem: the camelCase key (relative to the section that found it) and
    what is wrong with it."""

    key: str
    message: str


class CrossFieldError(ValueError):
    """Every cross-field problem of a stack, raised together so that all are reported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.key}: {p.message}" for p in problems))
        self.problems = problems


class Section(BaseModel):
    """Stack-file keys are camelCase (`retentionDays`); Python attributes are snake_case."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=True,
        validate_default=True,
        defer_build=True,  # built once inside the stack's model, not again per section
        # Field docs are the docstrings under each field, read by infra/schema.py for the
        # generated reference (not here: that costs every run a fifth of a refused plan's time).
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_boolean_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """Pydantic's lax mode reads `true` as 1 for a number field: `replicas: true` would build
        one replica. A boolean is accepted only where the field takes booleans."""
        if isinstance(value, bool) and info.field_name is not None:
            accepts = _scalar_types(cls.model_fields[info.field_name].annotation)
            if accepts & {int, float} and bool not in accepts:
                raise ValueError(f"a number is expected, not the boolean {str(value).lower()}")
        return value

    def problems(self) -> Iterator[Problem]:
        """Cross-field checks of this section, keys relative to it. Yield every problem (never stop
        at the first); subclasses extend with `yield from super().problems()`. They run once the
        whole stack file has passed field validation (see `all_problems`)."""
        yield from ()


def _scalar_types(annotation: Any) -> set[Any]:
    """The plain types a field annotation admits (unions and Annotated unwrapped)."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is Annotated:
        return _scalar_types(args[0])
    if typing.get_origin(annotation) is typing.Literal:
        return {type(a) for a in args}
    if args and typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set().union(*(_scalar_types(a) for a in args))
    return {annotation}


def all_problems(section: Section, prefix: str = "") -> Iterator[Problem]:
    """The cross-field problems of a section and of every section inside it (maps and lists of
    sections too), with keys relative to `section`'s parent."""
    for problem in section.problems():
        yield Problem(prefix + problem.key, problem.message)
    for name, info in type(section).model_fields.items():
        value, key = getattr(section, name), prefix + (info.alias or name)
        if isinstance(value, Section):
            yield from all_problems(value, f"{key}.")
        elif isinstance(value, Mapping):
            for item, child in value.items():
                if isinstance(child, Section):
                    yield from all_problems(child, f"{key}.{item}.")
        elif isinstance(value, list):
            for index, child in enumerate(value):
                if isinstance(child, Section):
                    yield from all_problems(child, f"{key}.{index}.")


def component_default(args: type, name: str) -> Any:
    """The default the component's args dataclass states for `name`.

    A config key that is passed straight to a component takes its default from there, so each
    default is stated once (the component's, which is secure on its own); presets only override.
    Tuples become lists (the stack file's shape)."""
    fields = {f.name: f for f in dataclasses.fields(args)}
    f = fields[name]
    if f.default is not dataclasses.MISSING:
        value = f.default
    elif f.default_factory is not dataclasses.MISSING:
        value = f.default_factory()
    else:
        raise TypeError(f"{args.__name__}.{name} has no default")
    return list(value) if isinstance(value, tuple) else value


def listed_twice(key: str, values: Sequence[str]) -> Iterator[Problem]:
    """A problem naming the values a list holds more than once (a channel notified twice)."""
    twice = sorted({v for v in values if values.count(v) > 1})
    if twice:
        yield Problem(key, f"listed twice: {', '.join(twice)}")
