"""A fake cloud as a Pulumi resource provider plugin: `python -m fakecloud.provider <package>`.

The real engine starts `pulumi-resource-<package>` (fakecloud/bin/), which runs this gRPC server. It
answers the provider protocol from `planner.fake_cloud` (ids, computed outputs, invokes) and keeps
each resource in the state directory ($FAKECLOUD_STATE_DIR), so updates, deletes and refreshes act
on real state. `planner/replace_on_change.json` decides replace vs update; a resource type missing
from it, or an invoke without a fake answer, fails the call with an error naming it.

Secrets and resource references are not accepted (Configure says so), so the engine sends plain
values and re-applies secretness to the outputs itself, as it does for most real providers. The
engine requires secret support of a provider that constructs components, so the Kubernetes package
accepts them: its inputs are decoded to plain values all the same.

Components the Kubernetes provider constructs (yaml/v2, helm.sh/v4, kustomize/v2) are registered
without their objects: rendering them needs the manifest or chart, which the real provider fetches
(the Gateway API CRDs from their release URL) and nothing here can.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from concurrent import futures
from importlib import metadata
from typing import Any, NoReturn

import grpc  # type: ignore[import-untyped]
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import (
    plugin_pb2,
    provider_pb2,
    provider_pb2_grpc,
    resource_pb2,
    resource_pb2_grpc,
)

from fakecloud.store import Record, Store, state_dir
from planner import fake_cloud, replacement
from planner.recorder import SECRET_SIG, SIGNATURE_KEY, decode

PACKAGES = {
    "aws": "pulumi-aws",
    "alicloud": "pulumi-alicloud",
    "kubernetes": "pulumi-kubernetes",
    "random": "pulumi-random",
}
"""Package -> the Python SDK whose version the plugin reports (the one the program pins)."""

CONSTRUCTS = {
    "kubernetes": {
        "kubernetes:yaml/v2:ConfigFile",
        "kubernetes:yaml/v2:ConfigGroup",
        "kubernetes:helm.sh/v4:Chart",
        "kubernetes:kustomize/v2:Directory",
    },
}
"""Package -> the component types its provider constructs (remote components)."""

_MISSING = object()


def to_dict(struct: struct_pb2.Struct) -> dict[str, Any]:
    value = decode(json_format.MessageToDict(struct), "", [])
    return value if isinstance(value, dict) else {}


def secret_keys(struct: struct_pb2.Struct) -> set[str]:
    """Top-level properties holding a secret (sent only to a provider that accepts secrets)."""
    paths: list[str] = []
    decode(json_format.MessageToDict(struct), "", paths)
    return {p.split(".")[0].split("[")[0] for p in paths}


def as_secrets(outputs: Mapping[str, Any], keys: set[str]) -> dict[str, Any]:
    """Outputs with `keys` marked secret again: a provider that accepts secrets keeps them."""
    return {
        k: {SIGNATURE_KEY: SECRET_SIG, "value": v} if k in keys else v for k, v in outputs.items()
    }


def to_struct(value: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(value))
    return struct


def type_of(urn: str) -> str:
    """`urn:pulumi:stack::project::parent$type::name` -> `type`."""
    return urn.split("::")[2].rsplit("$", maxsplit=1)[-1]


def name_of(urn: str) -> str:
    return urn.split("::", 3)[3]


def _has_unknown(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return value == replacement.UNKNOWN


def diff(
    typ: str, old: Mapping[str, Any], new: Mapping[str, Any], ignore: set[str]
) -> provider_pb2.DiffResponse:
    """Changed top-level inputs, and which of them force a replacement."""
    keys = sorted((set(old) | set(new)) - ignore)
    changed = [
        k for k in keys if old.get(k, _MISSING) != new.get(k, _MISSING) or _has_unknown(new.get(k))
    ]
    replaces = sorted(
        {p.split(".")[0] for p in replacement.replacing_changes(typ, old, new)} & set(changed)
    )
    kind = provider_pb2.PropertyDiff
    detailed = {
        k: kind(kind=kind.UPDATE_REPLACE if k in replaces else kind.UPDATE) for k in changed
    }
    return provider_pb2.DiffResponse(
        changes=provider_pb2.DiffResponse.DIFF_SOME
        if changed
        else provider_pb2.DiffResponse.DIFF_NONE,
        diffs=changed,
        replaces=replaces,
        detailedDiff=detailed,
        hasDetailedDiff=True,
    )


class FakeProvider(provider_pb2_grpc.ResourceProviderServicer):
    def __init__(self, package: str, store: Store) -> None:
        self.package = package
        self.store = store
        self.region = ""
        """The region of this provider instance (the engine starts one process per provider)."""

    # -- plugin and provider configuration ------------------------------------------------------

    def GetPluginInfo(self, request: Any, context: Any) -> plugin_pb2.PluginInfo:  # noqa: N802
        return plugin_pb2.PluginInfo(version=metadata.version(PACKAGES[self.package]))

    def GetSchema(self, request: Any, context: Any) -> provider_pb2.GetSchemaResponse:  # noqa: N802
        return provider_pb2.GetSchemaResponse(schema=f'{{"name": "{self.package}"}}')

    def CheckConfig(self, request: Any, context: Any) -> provider_pb2.CheckResponse:  # noqa: N802
        return provider_pb2.CheckResponse(inputs=request.news)

    def DiffConfig(self, request: Any, context: Any) -> provider_pb2.DiffResponse:  # noqa: N802
        old = (
            to_dict(request.old_inputs) if request.HasField("old_inputs") else to_dict(request.olds)
        )
        new = to_dict(request.news)
        keys = sorted((set(old) | set(new)) - {"version"})
        changed = [k for k in keys if old.get(k, _MISSING) != new.get(k, _MISSING)]
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME
            if changed
            else provider_pb2.DiffResponse.DIFF_NONE,
            diffs=changed,
        )

    def Configure(self, request: Any, context: Any) -> provider_pb2.ConfigureResponse:  # noqa: N802
        args = to_dict(request.args)
        region = args.get("region") or request.variables.get(f"{self.package}:region", "")
        self.region = str(region)
        return provider_pb2.ConfigureResponse(
            acceptSecrets=self.package in CONSTRUCTS,
            supportsPreview=True,
            acceptResources=False,
            acceptOutputs=False,
        )

    def Cancel(self, request: Any, context: Any) -> empty_pb2.Empty:  # noqa: N802
        return empty_pb2.Empty()

    # -- resources ----------------------------------------------------------------------------

    def _known_type(self, urn: str, context: Any) -> str:
        typ = type_of(urn)
        try:
            replacement.replace_paths(typ)
        except replacement.UnknownTypeError as e:
            _fail(context, f"fake cloud: unknown resource type: {e}")
        return typ

    def Check(self, request: Any, context: Any) -> provider_pb2.CheckResponse:  # noqa: N802
        self._known_type(request.urn, context)
        return provider_pb2.CheckResponse(inputs=request.news)

    def Diff(self, request: Any, context: Any) -> provider_pb2.DiffResponse:  # noqa: N802
        typ = self._known_type(request.urn, context)
        old = (
            to_dict(request.old_inputs) if request.HasField("old_inputs") else to_dict(request.olds)
        )
        return diff(typ, old, to_dict(request.news), set(request.ignoreChanges))

    def _outputs(self, typ: str, urn: str, rid: str, inputs: dict[str, Any]) -> dict[str, Any]:
        _, outputs = fake_cloud.fake_outputs(typ, name_of(urn), inputs, self.region)
        outputs["id"] = rid
        return outputs

    def Create(self, request: Any, context: Any) -> provider_pb2.CreateResponse:  # noqa: N802
        typ = self._known_type(request.urn, context)
        inputs = to_dict(request.properties)
        if request.preview:  # ids and computed outputs stay unknown, as in a real preview
            return provider_pb2.CreateResponse(id="", properties=request.properties)
        wanted, _ = fake_cloud.fake_outputs(typ, name_of(request.urn), inputs, self.region)
        rid = self.store.claim(typ, wanted)
        secret = secret_keys(request.properties)
        outputs = as_secrets(self._outputs(typ, request.urn, rid, inputs), secret)
        # kept secret in the store too: a refresh reads inputs back into the state
        self.store.put(Record(typ, rid, request.urn, as_secrets(inputs, secret), outputs))
        return provider_pb2.CreateResponse(id=rid, properties=to_struct(outputs))

    def Read(self, request: Any, context: Any) -> provider_pb2.ReadResponse:  # noqa: N802
        typ = self._known_type(request.urn, context)
        record = self.store.get(typ, request.id)
        if record is None:  # gone from the cloud: an empty id tells the engine so
            return provider_pb2.ReadResponse()
        return provider_pb2.ReadResponse(
            id=record.id, properties=to_struct(record.outputs), inputs=to_struct(record.inputs)
        )

    def Update(self, request: Any, context: Any) -> provider_pb2.UpdateResponse:  # noqa: N802
        typ = self._known_type(request.urn, context)
        inputs = to_dict(request.news)
        secret = secret_keys(request.news)
        outputs = as_secrets(self._outputs(typ, request.urn, request.id, inputs), secret)
        if not request.preview:
            if self.store.get(typ, request.id) is None:
                _fail(
                    context,
                    f"fake cloud: {typ} '{request.id}' does not exist",
                    grpc.StatusCode.NOT_FOUND,
                )
            self.store.put(
                Record(typ, request.id, request.urn, as_secrets(inputs, secret), outputs)
            )
        return provider_pb2.UpdateResponse(properties=to_struct(outputs))

    def Delete(self, request: Any, context: Any) -> empty_pb2.Empty:  # noqa: N802
        typ = self._known_type(request.urn, context)
        self.store.delete(
            typ, request.id
        )  # already gone counts as deleted, as in the real providers
        return empty_pb2.Empty()

    def Construct(self, request: Any, context: Any) -> provider_pb2.ConstructResponse:  # noqa: N802
        """Register the component itself with the engine's monitor (no objects: see the module doc)."""
        if request.type not in CONSTRUCTS.get(self.package, set()):
            _fail(context, f"fake cloud: {self.package} constructs no component '{request.type}'")
        with grpc.insecure_channel(request.monitorEndpoint) as channel:
            monitor = resource_pb2_grpc.ResourceMonitorStub(channel)
            registered = monitor.RegisterResource(
                resource_pb2.RegisterResourceRequest(
                    type=request.type,
                    name=request.name,
                    parent=request.parent,
                    custom=False,
                    object=request.inputs,  # its inputs in the state, as the offline plan has them
                    protect=request.protect,
                    dependencies=list(request.dependencies),
                    acceptSecrets=True,
                )
            )
            outputs = to_struct({"resources": []})
            monitor.RegisterResourceOutputs(
                resource_pb2.RegisterResourceOutputsRequest(urn=registered.urn, outputs=outputs)
            )
        return provider_pb2.ConstructResponse(urn=registered.urn, state=outputs)

    # -- functions ------------------------------------------------------------------------------

    def Invoke(self, request: Any, context: Any) -> provider_pb2.InvokeResponse:  # noqa: N802
        try:
            answer = fake_cloud.invoke(request.tok, to_dict(request.args), self.region)
        except fake_cloud.UnmockedInvokeError as e:
            _fail(context, f"fake cloud: {e}")
        return provider_pb2.InvokeResponse(**{"return": to_struct(answer)})


def _fail(
    context: Any, message: str, code: grpc.StatusCode = grpc.StatusCode.INVALID_ARGUMENT
) -> NoReturn:
    context.abort(code, message)
    raise AssertionError("unreachable")  # abort raises


def serve(package: str) -> None:
    if package not in PACKAGES:
        sys.exit(f"fake cloud: no provider for package '{package}' (known: {', '.join(PACKAGES)})")
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=8),
        options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)],
    )
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(
        FakeProvider(package, Store(state_dir())), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)  # the engine reads the port from the first line of stdout
    server.wait_for_termination()


if __name__ == "__main__":
    serve(sys.argv[1] if len(sys.argv) > 1 else "")
