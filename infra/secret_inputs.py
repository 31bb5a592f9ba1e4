"""Secret config texts in resource inputs: registered as secrets, wherever they end up.

Pulumi marks a secret config key secret in state only if the program reads it as a secret; this
program reads typed config, so `mark_secret_inputs` registers a stack transformation that makes
every resource input containing a secret text a secret. State keeps it encrypted, and the offline
plan (whose report masks secret inputs) never prints it. Apart from infra/secret_config.py because
it needs the SDK, and validating config must not import it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from inspect import isawaitable
from typing import Any, Literal

import pulumi


def mark_secret_inputs(texts: frozenset[str]) -> None:
    """From now on, every resource input that contains one of `texts` is registered as secret."""
    if not texts:
        return

    def contains(value: Any) -> bool:
        return _scan(value, texts) == "secret"

    def transformation(
        args: pulumi.ResourceTransformationArgs,
    ) -> pulumi.ResourceTransformationResult | None:
        props = dict(args.props)
        for key, value in args.props.items():
            found = _scan(value, texts)
            if found == "secret":
                props[key] = pulumi.Output.secret(value)
            elif found == "deferred":  # inside Outputs: look once the values are known
                props[key] = pulumi.Output.from_input(value).apply(
                    lambda v: pulumi.Output.secret(v) if contains(v) else v
                )
        changed = any(props[k] is not v for k, v in args.props.items())
        return pulumi.ResourceTransformationResult(props, args.opts) if changed else None

    pulumi.runtime.register_stack_transformation(transformation)


def _scan(value: Any, texts: frozenset[str]) -> Literal["secret", "deferred", "clean"]:
    """Whether `value` visibly contains a secret text, may (an Output or awaitable inside), or not."""
    if isinstance(value, str):
        return "secret" if any(t in value for t in texts) else "clean"
    if isinstance(value, pulumi.Output) or isawaitable(value):
        return "deferred"
    if isinstance(value, Mapping):
        children: Iterable[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple):
        children = value
    elif _is_input_type(value):
        children = vars(value).values()
    else:
        return "clean"
    result: Literal["secret", "deferred", "clean"] = "clean"
    for child in children:
        found = _scan(child, texts)
        if found == "secret":
            return "secret"
        if found == "deferred":
            result = "deferred"
    return result


def _is_input_type(value: Any) -> bool:
    from pulumi import _types  # noqa: PLC0415 (the SDK's own test for `@input_type` classes)

    return bool(_types.is_input_type(type(value)))
