"""`secure:` config values: placeholders offline, secrets in every resource input they reach.

- Offline there is no secrets provider, so the planner hands the program SECRET_PLACEHOLDER for
  each secure value. `offline_placeholders` swaps it for a stand-in text that passes the field's
  checks (the field's `examples`, else its default), so the config validates and the plan runs;
  the secret itself is checked for shape only. Only texts can be secret offline: a stand-in for a
  secret choice, number or whole section would plan something other than what is deployed.
- Pulumi marks a secret config key secret in state only if the program reads it as a secret; this
  program reads typed config, so `infra.secret_inputs.mark_secret_inputs` makes every resource
  input containing a secret text a secret (SDK code, kept apart so that validating config imports
  no SDK).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from planner.stackfile import SECRET_PLACEHOLDER

Path = tuple[str | int, ...]
MIN_SECRET_TEXT = 4
"""Shorter secret texts are not searched for in inputs (they would match everywhere)."""


def offline_placeholders(
    raw: Mapping[str, Any],
    model: type[BaseModel],
    error_keys: Callable[[dict[str, Any]], list[str]],
) -> tuple[dict[str, Any], list[Path], dict[Path, str]]:
    """`raw` with each SECRET_PLACEHOLDER replaced by a text its field accepts; the paths replaced;
    why, for each secret no stand-in fits.

    `error_keys(raw)` validates a whole config and returns the dotted keys of its errors: a
    candidate fits when no error touches its key (validators see it as they will the real value).
    """
    current = _copy(raw)
    paths = list(_marker_paths(current))
    problems: dict[Path, str] = {}
    texts = []
    for path in paths:
        annotation, info, rest = _field(model, path)
        if annotation is None:  # not a key of the model: validation names it
            continue
        if annotation not in (str, SecretStr):  # SecretStr: a text kept out of reprs
            problems[path] = (
                "only text can be a secure value in the offline plan (it plans with a stand-in "
                f"of the same shape; a secret {'section' if rest is None else 'choice or number'} "
                "would change what is built); make only the secret texts inside secure"
            )
            continue
        candidates = _candidates(info, rest)
        _set(current, path, candidates[0])
        texts.append((path, candidates))
    # Cross-field checks run only once every field is valid, so a choice made while a later
    # secret still held the marker is checked again in a second round.
    for _ in range(2):
        for path, candidates in texts:
            for candidate in candidates:
                _set(current, path, candidate)
                if not any(overlaps(err, path) for err in error_keys(current)):
                    problems.pop(path, None)
                    break
            else:
                problems[path] = (
                    "the offline plan knows no stand-in text that passes this field's checks, so "
                    "it cannot plan it as a secure value; keep it in plain text (or give the "
                    "field `examples`)"
                )
    for path in problems:
        if _get_or_none(current, path) is not None:
            _set(current, path, SECRET_PLACEHOLDER)
    placed = [p for p in paths if _get(current, p) != SECRET_PLACEHOLDER]
    return current, placed, problems


def secret_texts(config: BaseModel, paths: Iterable[Path]) -> frozenset[str]:
    """Every text of the validated `config` at or under `paths` (stack-file spelling)."""
    texts: set[str] = set()
    for path in paths:
        value: Any = config
        for part in path:
            value = _child(value, part)
        texts.update(t for t in _texts(value) if len(t) >= MIN_SECRET_TEXT)
    return frozenset(texts)


def _candidates(info: FieldInfo | None, rest: Path | None) -> list[str]:
    """Texts to try: the field's examples and default (descended into by `rest`), then a word."""
    found: list[Any] = []
    if info is not None and rest is not None:
        for whole in [*(info.examples or []), info.default]:
            found.append(_get_or_none(whole, rest))
    return [c for c in found if isinstance(c, str)] + ["placeholder"]


def _field(model: type[BaseModel], path: Path) -> tuple[Any, FieldInfo | None, Path | None]:
    """The annotation that validates the value at `path`, the last model field on the way, and
    the rest of the path below that field (None when the path ends on a model itself)."""
    annotation: Any = model
    info: FieldInfo | None = None
    rest: Path = ()
    for part in path:
        annotation = _unwrap(annotation)
        origin = typing.get_origin(annotation)
        if _is_model(annotation) and isinstance(part, str):
            match = [f for n, f in annotation.model_fields.items() if part in (n, f.alias)]
            if not match:
                return None, None, None
            info, annotation, rest = match[0], match[0].annotation, ()
        elif origin in (dict, Mapping) and isinstance(part, str):
            annotation, rest = typing.get_args(annotation)[1], (*rest, part)
        elif origin is list and isinstance(part, int):
            annotation, rest = typing.get_args(annotation)[0], (*rest, part)
        else:
            return None, None, None
    annotation = _unwrap(annotation)
    return annotation, info, None if _is_model(annotation) else rest


def _unwrap(annotation: Any) -> Any:
    """`Annotated[X, ...]` and `X | None` -> X."""
    if typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    arms = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(arms) == 1:
        return _unwrap(arms[0])
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def overlaps(error_key: str, path: Path) -> bool:
    """Whether a validation error at `error_key` (dotted, `a.b.0`) is about the value at `path`."""
    key = ".".join(str(p) for p in path)
    return error_key == key or key.startswith(f"{error_key}.") or error_key.startswith(f"{key}.")


def _marker_paths(value: Any, path: Path = ()) -> Iterator[Path]:
    if value == SECRET_PLACEHOLDER:
        yield path
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _marker_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _marker_paths(v, (*path, i))


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _get_or_none(value: Any, path: Path) -> Any:
    """The value at `path`, or None; past the end of a list, its last item (examples are short)."""
    for part in path:
        if isinstance(value, list) and isinstance(part, int) and value:
            part = min(part, len(value) - 1)  # noqa: PLW2901
        value = _child(value, part)
    return value


def _get(value: Any, path: Path) -> Any:
    for part in path:
        value = value[part]
    return value


def _set(value: Any, path: Path, new: Any) -> None:
    _get(value, path[:-1])[path[-1]] = new


def _child(value: Any, part: str | int) -> Any:
    if isinstance(value, BaseModel) and isinstance(part, str):
        for name, info in type(value).model_fields.items():
            if part in (name, info.alias):
                return getattr(value, name)
        return None
    if isinstance(value, Mapping):
        return value.get(part)
    if isinstance(value, list) and isinstance(part, int) and part < len(value):
        return value[part]
    return None


def _texts(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, SecretStr):
        yield value.get_secret_value()
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name))
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            yield from _texts(v)
