"""What the Kubernetes rules look at: every type token that carries a pod template (all API versions
the pinned SDK offers, and their `...Patch` types), where the pod spec sits in each kind, and the
objects inside manifest components (yaml/v2 ConfigGroup and ConfigFile).

Objects rendered by a remote component (yaml/v2, helm.sh/v4 Chart) are registered by the provider
as ordinary resources, so in a real preview every rule sees them directly. The offline plan runs
without the provider: there the rules read the manifests from the component's own inputs.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from .core import (
    CannotVerify,
    Finding,
    ReadByEngine,
    ResourceCheck,
    Subject,
    as_list,
    get,
    is_unknown,
    known,
    need,
)

_WORKLOAD_VERSIONS: dict[str, tuple[str, ...]] = {
    "Pod": ("core/v1",),
    "PodTemplate": ("core/v1",),
    "ReplicationController": ("core/v1",),
    "Deployment": ("apps/v1", "apps/v1beta1", "apps/v1beta2", "extensions/v1beta1"),
    "StatefulSet": ("apps/v1", "apps/v1beta1", "apps/v1beta2"),
    "DaemonSet": ("apps/v1", "apps/v1beta2", "extensions/v1beta1"),
    "ReplicaSet": ("apps/v1", "apps/v1beta2", "extensions/v1beta1"),
    "Job": ("batch/v1",),
    "CronJob": ("batch/v1", "batch/v1beta1", "batch/v2alpha1"),
}
POD_SPEC_PATH = {
    "Pod": "spec",
    "PodTemplate": "template.spec",
    "CronJob": "spec.jobTemplate.spec.template.spec",
}
"""Where the pod spec sits; every other workload kind: `spec.template.spec`."""

RBAC_VERSIONS = ("rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1",
                 "rbac.authorization.k8s.io/v1alpha1")  # fmt: skip


def tokens(kind: str, versions: Iterable[str], *, patches: bool = True) -> tuple[str, ...]:
    found: list[str] = []
    for version in versions:
        found.append(f"kubernetes:{version}:{kind}")
        if patches:
            found.append(f"kubernetes:{version}:{kind}Patch")
    return tuple(found)


WORKLOADS: tuple[str, ...] = tuple(
    t for kind, versions in _WORKLOAD_VERSIONS.items() for t in tokens(kind, versions)
)
"""Every object type that carries a pod template, plain and Patch."""

CONFIG_GROUP = "kubernetes:yaml/v2:ConfigGroup"
CONFIG_FILE = "kubernetes:yaml/v2:ConfigFile"
KUSTOMIZE = "kubernetes:kustomize/v2:Directory"
LISTS: tuple[str, ...] = tuple(
    f"{token}List"
    for token in (
        *(t for t in WORKLOADS if not t.endswith("Patch")),
        *tokens("Role", RBAC_VERSIONS, patches=False),
        *tokens("ClusterRole", RBAC_VERSIONS, patches=False),
        *tokens("RoleBinding", RBAC_VERSIONS, patches=False),
        *tokens("ClusterRoleBinding", RBAC_VERSIONS, patches=False),
        "kubernetes:core/v1:Service",
        "kubernetes:core/v1:Secret",
    )
)
"""`...List` resources the SDK offers (DeploymentList, SecretList, ...): their `items` are objects
of the listed kind, judged like the objects of a manifest."""
MANIFESTS = (CONFIG_GROUP, CONFIG_FILE, KUSTOMIZE, *LISTS)
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
HELM_CHART = "kubernetes:helm.sh/v4:Chart"
HELM = (HELM_RELEASE, HELM_CHART)
REMOTE_COMPONENTS = (CONFIG_GROUP, CONFIG_FILE, KUSTOMIZE, HELM_CHART)
"""Components the provider constructs: the engine records no provider on them, only on their objects."""


def kind(subject_type: str) -> str:
    """`Deployment` for `kubernetes:apps/v1:DeploymentPatch`."""
    name = subject_type.rsplit(":", 1)[-1]
    return name.removesuffix("Patch")


def is_patch(subject: Subject) -> bool:
    """A `...Patch` resource changes only the fields it sets: absent fields keep the live value,
    so rules judge what it sets and never what it leaves out."""
    return subject.type.endswith("Patch")


_WORKLOAD_SET = frozenset(WORKLOADS)
_LIST_SET = frozenset(LISTS)
CUSTOM_TEMPLATE_PATHS = (
    "spec.template.spec",
    "spec.jobTemplate.spec.template.spec",
    "spec.jobTargetRef.template.spec",
)
"""Where custom resources that run pods keep the pod template (Argo Rollout, OpenKruise CloneSet,
KEDA ScaledJob, ...)."""


def is_custom(subject_type: str) -> bool:
    """A custom resource (`kubernetes:argoproj.io/v1alpha1:Rollout`), not a built-in API group."""
    group = (
        subject_type.split(":")[1].split("/", maxsplit=1)[0] if subject_type.count(":") == 2 else ""
    )
    return "." in group and not group.endswith(".k8s.io") and group != "helm.sh"


def pod_spec(subject: Subject) -> tuple[str, Mapping[str, Any]]:
    """(path, pod spec) of a workload; an unknown spec raises CannotVerify. Custom resources are
    read where they carry a pod template (known values only); other objects have none."""
    if subject.type in _WORKLOAD_SET:
        path = POD_SPEC_PATH.get(kind(subject.type), "spec.template.spec")
        return path, need(subject.props, path) or {}
    if is_custom(subject.type):
        for path in CUSTOM_TEMPLATE_PATHS:
            spec = get(subject.props, path)
            if isinstance(spec, Mapping) and "containers" in spec:
                return path, spec
    return "", {}


def containers(subject: Subject) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(where, container) for containers, initContainers and ephemeralContainers."""
    path, spec = pod_spec(subject)
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for i, c in enumerate(as_list(get(spec, key), f"{path}.{key}")):
            name = get(c, "name") or i
            yield f"{key}[{name}]", c


# -- manifests ------------------------------------------------------------------------------------


def _token(obj: Mapping[str, Any]) -> str:
    api_version = str(obj.get("apiVersion") or "")
    group_version = api_version if "/" in api_version else f"core/{api_version}"
    return f"kubernetes:{group_version}:{obj.get('kind')}"


def _documents(text: str, where: str) -> list[Any]:
    try:
        return [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        raise ValueError(f"{where} is not valid YAML ({exc})") from None


def _read(path: str, where: str) -> list[Any]:
    """Documents of a manifest file, read relative to the working directory (the project directory
    in the offline plan). A URL or a path this process cannot read is unverifiable here: the engine
    registers the file's objects as resources, and the rules check them there."""
    if "://" in path:
        raise ReadByEngine(where, path)
    # glob.glob, not Path.glob: the pattern may be absolute
    matches = sorted(glob.glob(path)) if glob.has_magic(path) else [path]  # noqa: PTH207
    docs: list[Any] = []
    for match in matches:
        file = Path(match)
        if not file.is_file():
            raise ReadByEngine(where, f"{match}, not on this machine")
        docs += _documents(file.read_text(encoding="utf-8"), where)
    return docs


def manifest_objects(subject: Subject) -> list[Subject]:
    """The objects a ConfigGroup/ConfigFile declares, as subjects of their own type token. In the
    engine, objects only the provider can read are skipped here (not deferred for ever): the
    provider registers them as resources and every rule checks them there."""
    try:
        return _manifest_objects(subject)
    except ReadByEngine:
        if subject.objects_registered:
            return []
        raise


def _manifest_objects(subject: Subject) -> list[Subject]:
    p = subject.props
    docs: list[Any] = []
    if subject.type == KUSTOMIZE:
        raise ReadByEngine("directory", "a kustomization")  # rendering needs kustomize
    if subject.type in _LIST_SET:
        item_type = subject.type.removesuffix("List")
        return [
            _object(subject, item_type, item, i)
            for i, item in enumerate(as_list(get(p, "items"), "items"))
            if isinstance(known(item, f"items[{i}]"), Mapping)
        ]
    if subject.type == CONFIG_FILE:
        docs += _read(str(need(p, "file")), "file")
    else:
        for i, obj in enumerate(as_list(get(p, "objs"), "objs")):
            if is_unknown(obj):
                raise CannotVerify(f"objs[{i}]")
            docs.append(obj)
        text = need(p, "yaml")
        for chunk in text if isinstance(text, list) else [text] if text else []:
            docs += _documents(str(chunk), "yaml")
        for i, path in enumerate(as_list(get(p, "files"), "files")):
            if is_unknown(path):
                raise CannotVerify(f"files[{i}]")
            docs += _read(str(path), f"files[{i}]")
    found: list[Subject] = []
    for i, doc in enumerate(docs):
        if not isinstance(doc, Mapping):
            continue
        if str(doc.get("kind", "")).endswith("List"):  # v1/List: its items are the objects
            docs.extend(item for item in doc.get("items") or [] if isinstance(item, Mapping))
            continue
        found.append(_object(subject, _token(doc), doc, i))
    return found


def _object(container: Subject, type_: str, doc: Mapping[str, Any], index: int) -> Subject:
    """An object declared inside a manifest or a List, as a subject of its own type."""
    name = get(doc, "metadata.name") or index
    return Subject(
        type=type_,
        name=f"{container.name}/{kind(type_)}/{name}",
        urn=container.urn,
        props=doc,
        protect=container.protect,
        provider=container.provider,
    )


def each_object(
    check: ResourceCheck, types: Iterable[str], *, custom: bool = False
) -> ResourceCheck:
    """`check` on the subject itself, or, for a manifest component, on each object inside it whose
    type is in `types` (or is a custom resource, with `custom`); findings name the object."""
    listed = frozenset(types)

    def applies(token: str) -> bool:
        return token in listed or (custom and is_custom(token))

    def run(subject: Subject, params: Mapping[str, Any]) -> Iterator[str | Finding]:
        if subject.type not in MANIFESTS:
            yield from check(subject, params)
            return
        for obj in manifest_objects(subject):
            if applies(obj.type):
                for finding in check(obj, params):
                    text = finding.message if isinstance(finding, Finding) else finding
                    yield f"{obj.name}: {text}"

    return run
