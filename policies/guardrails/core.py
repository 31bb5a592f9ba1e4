"""Building blocks of every rule: the resource as rules see it, findings, unknown handling.

Rules are pure functions. A resource rule is `check(subject, params) -> Iterable[str | Finding]`, a
stack rule `check(subjects, params) -> Iterable[Finding]`. They read camelCase engine property
names and never import pulumi_policy; `adapters.py` turns them into CrossGuard policies.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

UNKNOWN_SENTINELS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    }
)
"""How pulumi-policy (and the offline plan's recorder) represent a value not known at preview: the
engine's wire values, as `pulumi_policy.proxy.UNKNOWN_*_VALUE` (a test keeps them equal). Written
out, not imported: importing `pulumi_policy` imports the whole Pulumi SDK, and the stack config
reads its thresholds from these rules without it."""


class _NeverRaisedError(Exception):
    """Stands in for UnknownValueError while pulumi_policy is not loaded (nothing can raise it)."""


def unknown_value_error() -> type[Exception]:
    """pulumi_policy's UnknownValueError, raised by its unknown-checking proxies; only they raise
    it, so while pulumi_policy is not loaded a class nothing raises stands in (see above)."""
    proxy = sys.modules.get("pulumi_policy.proxy")
    return proxy.UnknownValueError if proxy is not None else _NeverRaisedError


Group = Literal["security", "availability", "cost"]
Severity = Literal["low", "medium", "high", "critical"]
Level = Literal["mandatory", "advisory", "disabled"]


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


class CannotVerify(Exception):  # noqa: N818 (reads as a verdict, like StopIteration)
    """A value the rule needs is unknown at preview: never a pass. The finding is marked
    unverifiable, and the pack hands it to the engine (`adapters._defer_unknowns`), which prints
    "can't run policy ... during preview" and runs the rule again during the update, with the value
    known, before the resource is created."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class ReadByEngine(CannotVerify):
    """Objects only the engine's provider reads (a manifest URL, a file not on this machine, a
    kustomization). The offline plan runs without providers and cannot check them; in the engine
    the provider registers each object as a resource of its own and every rule checks it there
    (`Subject.objects_registered`). Not an unknown value: the offline plan says so once per
    component instead of once per rule."""

    def __init__(self, path: str, source: str) -> None:
        super().__init__(path)
        self.source = source


def plain(value: Any) -> Any:
    """Plain dicts/lists from pulumi_policy's unknown-checking proxies (sentinels kept as-is)."""
    if isinstance(value, Mapping):
        target = _target(value)
        return {str(k): plain(v) for k, v in target.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [plain(v) for v in _target(value)]
    return value


def _target(value: Any) -> Any:
    try:
        return value["__target"]  # the proxies expose their wrapped object under this key
    except (KeyError, TypeError, IndexError, unknown_value_error()):
        return value


_MISSING: Any = object()


def get(props: Any, path: str, default: Any = None) -> Any:
    """Value at a dotted path (`vpcConfig.endpointPublicAccess`); the unknown sentinel if any
    segment is unknown; `default` if absent."""
    current = props
    for key in path.split("."):
        if is_unknown(current):
            return current
        if not isinstance(current, Mapping) or key not in current:
            return default
        current = current[key]
    return current


def need(props: Any, path: str, default: Any = None) -> Any:
    """Like `get`, but an unknown value raises CannotVerify (for rules that must not pass on it)."""
    value = get(props, path, default)
    if is_unknown(value):
        raise CannotVerify(path)
    return value


def known(value: Any, path: str) -> Any:
    """`value` itself, or CannotVerify if it is the unknown sentinel."""
    if is_unknown(value):
        raise CannotVerify(path)
    return value


def as_list(value: Any, path: str) -> list[Any]:
    """A list property (None -> []); unknown raises CannotVerify."""
    known(value, path)
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def truthy(value: Any) -> bool:
    """Booleans as the providers spell them (`true`, `"true"`)."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


@dataclass(frozen=True)
class Subject:
    """A resource as rules see it: inputs (resource policies) or outputs (stack policies)."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    """camelCase properties, plain data; unknown values are pulumi_policy sentinels."""
    protect: bool = False
    parent: str | None = None
    """URN of the parent (stack policies only)."""
    provider: str | None = None
    """URN of the resource's provider (None: none reported)."""
    region: str | None = None
    """Region of that provider, when known."""
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Property -> URNs it came from (how side resources point at their bucket, VPC, cluster)."""
    objects_registered: bool = False
    """True in the engine: the objects of a component the provider constructs (yaml/v2, helm.sh/v4)
    are resources of their own there, and every rule checks them as such, including the ones only
    the provider can read (a manifest URL). The offline plan has no provider: objects it cannot
    read from the component's inputs are unverifiable there."""


DR_ROLE_TAG = "dr-role"
"""Tag the platform puts on what it builds in a disaster-recovery region (`replica`): role-aware
rules hold replicas to the DR design, not to the primary's floors (pulumi/compliance-policies#42)."""


def is_dr_replica(subject: Subject) -> bool:
    tags = get(subject.props, "tags")
    return isinstance(tags, Mapping) and tags.get(DR_ROLE_TAG) == "replica"


@dataclass(frozen=True)
class Finding:
    message: str
    urn: str | None = None
    """The resource the finding is about (stack rules); resource rules use the subject's URN."""
    unverifiable: tuple[str, ...] = ()
    """Property paths unknown until apply. Such a finding is handed to the engine as its own
    "can't run policy during preview" diagnostic: the same rule runs again during the update,
    with known values, before the resource is created."""
    read_by_engine: str | None = None
    """What only the engine's provider reads (`ReadByEngine.source`): set on the offline plan's
    finding about a manifest it cannot fetch."""


ResourceCheck = Callable[[Subject, Mapping[str, Any]], Iterable["str | Finding"]]
StackCheck = Callable[[Sequence[Subject], Mapping[str, Any]], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    group: Group
    severity: Severity
    description: str
    remediation: str
    types: tuple[str, ...]
    """Type tokens it applies to ("aws:*" prefixes allowed); the docs list them."""
    resource_check: ResourceCheck | None = None
    stack_check: StackCheck | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    """Config properties with their defaults (thresholds, allowlists). Every rule also takes
    `exclude`: resource-name regexes that exempt resources."""
    anchors: str = ""

    @property
    def kind(self) -> Literal["resource", "stack"]:
        return "stack" if self.stack_check is not None else "resource"

    @property
    def default_level(self) -> Level:
        """The conservative level in code (used when no config file names the rule)."""
        return "mandatory" if self.group == "security" else "advisory"

    def applies_to(self, resource_type: str) -> bool:
        return any(
            resource_type == t or (t.endswith("*") and resource_type.startswith(t[:-1]))
            for t in self.types
        )


def resolved_params(rule: Rule, config: Mapping[str, Any] | None) -> dict[str, Any]:
    """Defaults of the rule overlaid with the policy's config (engine config has no defaults in
    unit tests, so every read goes through here)."""
    merged: dict[str, Any] = {"exclude": [], **rule.params}
    for key, value in (config or {}).items():
        if key != "enforcementLevel":
            merged[key] = value
    return merged


def excluded(name: str, params: Mapping[str, Any]) -> bool:
    return any(re.search(pattern, name) for pattern in params.get("exclude") or [])


def evaluate_resource(rule: Rule, subject: Subject, params: Mapping[str, Any]) -> list[Finding]:
    """Run a resource rule on one subject; unknowns the rule needed become findings."""
    assert rule.resource_check is not None
    if not rule.applies_to(subject.type) or excluded(subject.name, params):
        return []
    try:
        return [
            f if isinstance(f, Finding) else Finding(f, subject.urn)
            for f in rule.resource_check(subject, params)
        ]
    except ReadByEngine as exc:
        return [read_by_engine(exc, subject.urn)]
    except CannotVerify as exc:
        return [Finding(cannot_verify(exc.path), subject.urn, (exc.path,))]
    except unknown_value_error() as exc:
        path = ".".join(exc.props)  # type: ignore[attr-defined]
        return [Finding(cannot_verify(path), subject.urn, (path,))]
    except SHAPE_ERRORS as exc:
        return [Finding(shape_error(exc), subject.urn)]


def evaluate_stack(
    rule: Rule, subjects: Sequence[Subject], params: Mapping[str, Any]
) -> list[Finding]:
    assert rule.stack_check is not None
    kept = [s for s in subjects if not excluded(s.name, params)]
    try:
        return list(rule.stack_check(kept, params))
    except ReadByEngine as exc:
        return [read_by_engine(exc, None)]
    except CannotVerify as exc:
        return [Finding(cannot_verify(exc.path), None, (exc.path,))]
    except unknown_value_error() as exc:
        path = ".".join(exc.props)  # type: ignore[attr-defined]
        return [Finding(cannot_verify(path), None, (path,))]
    except SHAPE_ERRORS as exc:
        return [Finding(shape_error(exc))]


SHAPE_ERRORS = (TypeError, ValueError, KeyError, AttributeError, IndexError)
"""A property with an unexpected shape (a string where a list belongs, a bad CIDR): reported as a
violation of the rule instead of crashing the analyzer and with it the whole preview."""


def shape_error(exc: Exception) -> str:
    return f"cannot evaluate: unexpected property value ({type(exc).__name__}: {exc})"


def read_by_engine(exc: ReadByEngine, urn: str | None) -> Finding:
    return Finding(
        f"'{exc.path}' ({exc.source}) is read by the engine's provider only",
        urn,
        (exc.path,),
        read_by_engine=exc.source,
    )


def cannot_verify(path: str) -> str:
    return (
        f"cannot verify at preview: '{path}' is unknown until apply (checked again at the update)"
    )
