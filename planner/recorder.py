"""A Pulumi mock monitor that records every registration with its full options.

`pulumi.runtime.Mocks.new_resource` only sees type, name and inputs. The plan and the policies also
need parent, provider, `protect`, `retainOnDelete`, aliases and dependencies, so we subclass the
SDK's own `MockMonitor` and read them from the raw `RegisterResourceRequest` before delegating.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.settings import get_project, get_stack

from planner import fake_cloud

# Markers Pulumi uses inside serialized property maps (sdk/python/lib/pulumi/runtime/rpc.py).
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 (wire marker)
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
STACK_TYPE = "pulumi:pulumi:Stack"
SIGNATURE_KEY = _SIG_KEY
"""Marks a value the decoder keeps as it is: an asset or archive (e.g. a Lambda's `code`)."""
SECRET_SIG = _SECRET_SIG
"""With SIGNATURE_KEY, marks a secret value (`{key: SECRET_SIG, "value": ...}`)."""
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""How a value not known until apply appears in recorded inputs (as in a real preview)."""


@dataclass
class RecordedResource:
    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None
    """URN of the explicit provider (custom resources only)."""
    inputs: dict[str, Any]
    """camelCase inputs with secrets unwrapped; see `secret_paths`."""
    secret_paths: list[str] = field(default_factory=list)
    protect: bool = False
    retain_on_delete: bool = False
    delete_before_replace: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    aliases: list[Any] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    additional_secret_outputs: list[str] = field(default_factory=list)
    id: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict)


def decode(value: Any, path: str, secrets: list[str]) -> Any:
    """Turn a serialized property value into plain data, noting where secrets were."""
    if isinstance(value, dict):
        sig = value.get(_SIG_KEY)
        if sig == _SECRET_SIG:
            secrets.append(path)
            return decode(value.get("value"), path, secrets)
        if sig == _RESOURCE_SIG:
            return value.get("urn")
        if sig == _OUTPUT_SIG:
            if value.get("secret"):
                secrets.append(path)
            return decode(value.get("value", UNKNOWN), path, secrets)
        return {k: decode(v, f"{path}.{k}" if path else k, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v, f"{path}[{i}]", secrets) for i, v in enumerate(value)]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf Struct numbers are doubles; ports and counts are ints
    return value


def unwrap_secrets(value: Any) -> Any:
    """`value` with every secret wrapper replaced by what it wraps (nothing else changes)."""
    if isinstance(value, dict):
        if value.get(_SIG_KEY) == _SECRET_SIG:
            return unwrap_secrets(value.get("value"))
        return {k: unwrap_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap_secrets(v) for v in value]
    return value


NO_REGION = "no-region"
PROVIDER_TYPES = ("pulumi:providers:aws", "pulumi:providers:alicloud")
"""Providers whose `region` input is the region of what they create."""


class EngineRuleError(RuntimeError):
    """The program did something the real engine rejects (a resource or invoke without an explicit
    provider while default providers are disabled; a duplicate URN). The offline run records each
    problem without disturbing the run, then fails with all of them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class FakeCloudMocks(Mocks):
    """Answers resource creation and invokes from planner.fake_cloud."""

    def __init__(self, *, preview: bool = False) -> None:
        self.preview = preview
        """As in a real preview: ids and computed outputs stay unknown; only inputs are known."""
        self.provider_regions: dict[str, str] = {}
        self.problems: list[str] = []
        """Provider reference (`urn::id`) -> region, so invokes answer for the right region."""

    def region_of(self, provider_ref: str | None) -> str:
        """Region of an explicit AWS provider. No fallback: with default providers disabled there is
        no ambient region, and guessing one would hide a missing provider."""
        if not provider_ref or provider_ref not in self.provider_regions:
            return NO_REGION  # the monitor records the missing provider
        return self.provider_regions[provider_ref]

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if args.typ.startswith("pulumi:providers:"):
            return f"{args.name}-provider-id", dict(args.inputs)
        if self.preview:
            return "", dict(args.inputs)
        return fake_cloud.fake_outputs(
            args.typ, args.name, args.inputs, self.region_of(args.provider)
        )

    def call(self, args: MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        region = self.region_of(args.provider) if args.token.startswith("aws:") else ""
        return fake_cloud.invoke(args.token, args.args, region), []


class RecordingMonitor(MockMonitor):
    """MockMonitor that keeps every registration (in order) and the stack's exported outputs."""

    mocks: FakeCloudMocks

    def __init__(self, mocks: FakeCloudMocks | None = None) -> None:
        super().__init__(mocks or FakeCloudMocks())
        self.recorded: list[RecordedResource] = []
        self.stack_outputs: dict[str, Any] = {}
        self.stack_output_secrets: list[str] = []
        self.invokes: list[str] = []
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The URN the engine gives: the type is qualified by the parent's whole type chain, except
        for the root stack. (The SDK's MockMonitor keeps only the parent's last type and qualifies
        top-level resources with `pulumi:pulumi:Stack$`: `./tasks e2e` found both differences.)"""
        parent_type = parent.split("::")[2] if parent else ""
        if parent_type and parent_type != STACK_TYPE:
            type_ = f"{parent_type}${type_}"
        return "urn:pulumi:" + "::".join([get_stack(), get_project(), type_, name])

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        if request.type == "pulumi:pulumi:Stack":
            return super().RegisterResource(request)
        urn = self.make_urn(request.parent, request.type, request.name)
        with self._lock:  # registrations run concurrently in executor threads
            if urn in self._seen:
                self.mocks.problems.append(f"duplicate resource URN {urn}")
            self._seen.add(urn)
        if (
            request.custom
            and not request.type.startswith("pulumi:providers:")
            and not request.provider
        ):
            self.mocks.problems.append(
                f"{request.type} '{request.name}' has no explicit provider "
                "(default providers are disabled: pass one through the component's opts)"
            )
        response = super().RegisterResource(request)
        secrets: list[str] = []
        raw = json_format.MessageToDict(request.object)
        inputs = decode(raw, "", secrets)
        record = RecordedResource(
            urn=response.urn,
            type=request.type,
            name=request.name,
            custom=request.custom,
            parent=request.parent or None,
            provider=request.provider.rsplit("::", 1)[0] if request.provider else None,
            inputs=inputs,
            secret_paths=secrets,
            protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
            delete_before_replace=bool(request.deleteBeforeReplace),
            ignore_changes=list(request.ignoreChanges),
            aliases=[json_format.MessageToDict(a) for a in request.aliases]
            + list(request.aliasURNs),
            dependencies=list(request.dependencies),
            property_dependencies={
                k: list(v.urns) for k, v in request.propertyDependencies.items()
            },
            additional_secret_outputs=list(request.additionalSecretOutputs),
            id=response.id or None,
            # Secrets unwrapped as in the inputs: policies and prices read the values (as a
            # real policy pack does); the report redacts them by `secret_paths`.
            outputs=unwrap_secrets(self.resources[response.urn].state)
            if response.urn in self.resources
            else {},
        )
        if request.type in PROVIDER_TYPES and isinstance(inputs.get("region"), str):
            self.mocks.provider_regions[f"{response.urn}::{response.id}"] = inputs["region"]
        self.recorded.append(record)
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802
        if "::pulumi:pulumi:Stack::" in request.urn:
            secrets: list[str] = []
            outputs = decode(json_format.MessageToDict(request.outputs), "", secrets)
            self.stack_outputs = outputs if isinstance(outputs, dict) else {}
            self.stack_output_secrets = secrets
        return super().RegisterResourceOutputs(request)

    def Invoke(self, request: Any) -> Any:  # noqa: N802
        if not request.provider and not request.tok.startswith("pulumi:"):
            self.mocks.problems.append(f"invoke {request.tok} has no explicit provider")
        self.invokes.append(request.tok)
        return super().Invoke(request)

    @property
    def problems(self) -> list[str]:
        return self.mocks.problems

    def by_type(self, typ: str) -> list[RecordedResource]:
        return [r for r in self.recorded if r.type == typ]

    def by_urn(self) -> Mapping[str, RecordedResource]:
        return {r.urn: r for r in self.recorded}
