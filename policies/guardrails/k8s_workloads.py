"""Pod security over every object that carries a pod template (k8s_objects.WORKLOADS: all workload
kinds and API versions, their Patch types, and the objects inside yaml/v2 manifests).

A Patch resource is judged on what it sets: it cannot make an object safe by leaving a field out,
but it can make it unsafe by setting one (a DeploymentPatch that turns `privileged` on).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .core import Rule, Subject, as_list, get, known, truthy
from .k8s_objects import MANIFESTS, WORKLOADS, containers, each_object, is_patch, pod_spec

TYPES = (*WORKLOADS, *MANIFESTS, "kubernetes:*")
"""Every workload token by name (the docs and the SDK token test list them), plus any custom
resource that carries a pod template (k8s_objects.pod_spec)."""


def _sc(container: Mapping[str, Any], where: str, key: str) -> Any:
    return known(get(container, f"securityContext.{key}"), f"{where}.securityContext.{key}")


def _pod_sc(subject: Subject, key: str) -> Any:
    path, spec = pod_spec(subject)
    return known(get(spec, f"securityContext.{key}"), f"{path}.securityContext.{key}")


def _no_privileged(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    for where, c in containers(subject):
        if truthy(_sc(c, where, "privileged")):
            yield f"{where} runs privileged"


def _no_host_namespaces(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    path, spec = pod_spec(subject)
    for key in ("hostNetwork", "hostPID", "hostIPC", "hostUsers"):
        value = known(get(spec, key), f"{path}.{key}")
        # hostUsers defaults to true (no user namespace): only an explicit false is a choice.
        if key != "hostUsers" and truthy(value):
            yield f"{key}=true shares the node's namespace"
    for i, volume in enumerate(as_list(get(spec, "volumes"), f"{path}.volumes")):
        if get(volume, "hostPath") is not None:
            yield f"volumes[{get(volume, 'name') or i}] mounts a hostPath"
    for where, c in containers(subject):
        for port in as_list(get(c, "ports"), f"{where}.ports"):
            if known(get(port, "hostPort"), f"{where}.ports.hostPort"):
                yield f"{where} binds hostPort {get(port, 'hostPort')}"


def _no_privilege_escalation(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    patch = is_patch(subject)
    for where, c in containers(subject):
        value = _sc(c, where, "allowPrivilegeEscalation")
        if truthy(value) or (not patch and value is not False):
            yield f"{where} does not set allowPrivilegeEscalation=false"


def _set_false(value: Any) -> bool:
    """An explicit false (booleans as the providers spell them)."""
    return value is False or (isinstance(value, str) and value.lower() == "false")


def _root(user: Any) -> bool:
    return user is not None and str(user) == "0"


def _run_as_non_root(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    patch = is_patch(subject)
    pod_non_root = _pod_sc(subject, "runAsNonRoot")
    pod_user = _pod_sc(subject, "runAsUser")
    listed = list(containers(subject))
    if patch and not listed:  # a patch of the pod's securityContext alone
        if _root(pod_user):
            yield "sets the pod's runAsUser to 0 (root)"
        if _set_false(pod_non_root):
            yield "sets the pod's runAsNonRoot=false"
    for where, c in listed:
        own_user, own_non_root = _sc(c, where, "runAsUser"), _sc(c, where, "runAsNonRoot")
        user = pod_user if own_user is None else own_user
        non_root = pod_non_root if own_non_root is None else own_non_root
        if _root(user):
            yield f"{where} runs as UID 0"
        elif _set_false(non_root):
            yield f"{where} sets runAsNonRoot=false"
        elif not patch and not truthy(non_root):
            yield f"{where} does not set runAsNonRoot=true"


def _upper(values: list[Any]) -> list[str]:
    return [str(x).upper().removeprefix("CAP_") for x in values]


def _drop_capabilities(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    allowed = {str(x).upper() for x in params["allowedAdd"]}
    patch = is_patch(subject)
    for where, c in containers(subject):
        drop = _sc(c, where, "capabilities.drop")
        add = _upper(as_list(_sc(c, where, "capabilities.add"), f"{where}.capabilities.add"))
        if (drop is not None or not patch) and "ALL" not in _upper(
            as_list(drop, f"{where}.capabilities.drop")
        ):
            yield f"{where} does not drop ALL capabilities"
        extra = sorted(set(add) - allowed)
        if extra:
            yield f"{where} adds capabilities {extra}"


def _readonly_seccomp(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    patch = is_patch(subject)
    pod_seccomp = _pod_sc(subject, "seccompProfile.type")
    if pod_seccomp == "Unconfined":
        yield "the pod's seccompProfile is Unconfined"
    for where, c in containers(subject):
        readonly = _sc(c, where, "readOnlyRootFilesystem")
        if _set_false(readonly) or (not patch and not truthy(readonly)):
            yield f"{where} has a writable root filesystem"
        own = _sc(c, where, "seccompProfile.type")
        if own == "Unconfined" or (
            not patch and (own or pod_seccomp) not in ("RuntimeDefault", "Localhost")
        ):
            yield f"{where} has no RuntimeDefault seccomp profile"


SAFE_SYSCTLS = frozenset({
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
})  # fmt: skip
"""The sysctls the Pod Security Standards (baseline) call safe: namespaced, no effect on the node."""
SELINUX_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def context_escapes(ctx: Any, where: str) -> Iterator[str]:
    """Baseline escapes a pod or container securityContext can set."""
    if truthy(known(get(ctx, "windowsOptions.hostProcess"), f"{where}.windowsOptions.hostProcess")):
        yield f"{where} runs as a Windows hostProcess (full access to the node)"
    proc_mount = known(get(ctx, "procMount"), f"{where}.procMount")
    if proc_mount not in (None, "Default"):
        yield f"{where} sets procMount={proc_mount} (the node's /proc unmasked)"
    selinux = known(get(ctx, "seLinuxOptions"), f"{where}.seLinuxOptions") or {}
    selinux_type = known(get(selinux, "type"), f"{where}.seLinuxOptions.type") or ""
    if selinux_type not in SELINUX_TYPES:
        yield f"{where} sets SELinux type {selinux_type}"
    for key in ("user", "role"):
        if known(get(selinux, key), f"{where}.seLinuxOptions.{key}"):
            yield f"{where} sets a custom SELinux {key}"
    if known(get(ctx, "appArmorProfile.type"), f"{where}.appArmorProfile.type") == "Unconfined":
        yield f"{where} runs without AppArmor (appArmorProfile Unconfined)"


def _pod_security_baseline(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    path, spec = pod_spec(subject)
    yield from context_escapes(get(spec, "securityContext"), f"{path}.securityContext")
    sysctls = as_list(get(spec, "securityContext.sysctls"), f"{path}.securityContext.sysctls")
    for i, sysctl in enumerate(sysctls):
        name = known(get(sysctl, "name"), f"{path}.securityContext.sysctls[{i}].name")
        if name not in SAFE_SYSCTLS:
            yield f"sets sysctl {name}, not one of the safe ones"
    for where, c in containers(subject):
        yield from context_escapes(get(c, "securityContext"), f"{where}.securityContext")
    # The AppArmor annotation (Kubernetes < 1.30) sits on the metadata beside the pod spec.
    meta = f"{path.removesuffix('spec')}metadata.annotations"
    annotations = known(get(subject.props, meta), meta)
    if isinstance(annotations, Mapping):
        for key, value in annotations.items():
            if str(key).startswith(APPARMOR_ANNOTATION) and known(value, meta) == "unconfined":
                yield f"annotation {key}=unconfined runs a container without AppArmor"


def _image_pinned(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    patch = is_patch(subject)
    for where, c in containers(subject):
        image = known(get(c, "image"), f"{where}.image")
        if image is None and patch:
            continue  # the patch keeps the live image
        image = str(image or "")
        name, _, digest = image.partition("@")
        tag = name.rsplit("/", 1)[-1].partition(":")[2]
        if digest:
            continue
        if not tag or tag == "latest":
            yield f"{where} image '{image}' is untagged or :latest"
        elif params["requireDigest"]:
            yield f"{where} image '{image}' is not pinned by digest (@sha256:...)"


def _resource_limits(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if is_patch(subject):
        return  # a patch leaves the live resources in place unless it sets them
    for where, c in containers(subject):
        if where.startswith("ephemeralContainers"):
            continue  # debugging containers take no resources field
        resources = known(get(c, "resources"), f"{where}.resources") or {}
        missing = [
            key
            for key in params["required"]
            if not known(get(resources, key), f"{where}.resources.{key}")
        ]
        if missing:
            yield f"{where} sets no {', '.join(missing)}"


def _rule(rule_id: str, check: Any, **kw: Any) -> Rule:
    return Rule(
        id=rule_id, types=TYPES, resource_check=each_object(check, WORKLOADS, custom=True), **kw
    )


RULES = [
    _rule(
        "k8s-no-privileged",
        _no_privileged,
        group="security",
        severity="critical",
        description="No privileged containers, in any object that carries a pod template (patches and manifests included).",
        remediation="Remove securityContext.privileged.",
        anchors="CKV_K8S_16, KSV-0017",
    ),
    _rule(
        "k8s-no-host-namespaces",
        _no_host_namespaces,
        group="security",
        severity="high",
        description="Pods do not share host network/PID/IPC, mount hostPath or bind host ports.",
        remediation="Remove hostNetwork/hostPID/hostIPC, hostPath volumes and hostPort.",
        anchors="CKV_K8S_17/19/27, KYV disallow-host-path",
    ),
    _rule(
        "k8s-pod-security-baseline",
        _pod_security_baseline,
        group="security",
        severity="high",
        description="Pods use none of the other Pod Security Standards baseline escapes: Windows hostProcess, an unmasked /proc, a custom SELinux type/user/role, AppArmor Unconfined, unsafe sysctls.",
        remediation="Remove windowsOptions.hostProcess, procMount, seLinuxOptions user/role (type only container_t/container_init_t/container_kvm_t), Unconfined AppArmor profiles and sysctls outside the safe set.",
        anchors="Pod Security Standards baseline, KSV-0103/0104/0025/0002/0026, KYV disallow-proc-mount/disallow-selinux/restrict-sysctls",
    ),
    _rule(
        "k8s-no-privilege-escalation",
        _no_privilege_escalation,
        group="security",
        severity="high",
        description="Every container sets allowPrivilegeEscalation=false.",
        remediation="Set securityContext.allowPrivilegeEscalation=false.",
        anchors="CKV_K8S_20, KSV-0001",
    ),
    _rule(
        "k8s-run-as-non-root",
        _run_as_non_root,
        group="security",
        severity="medium",
        description="Containers run as non-root (runAsNonRoot=true, no UID 0).",
        remediation="Set securityContext.runAsNonRoot=true and a non-zero runAsUser.",
        anchors="CKV_K8S_23/40, KSV-0012",
    ),
    _rule(
        "k8s-drop-capabilities",
        _drop_capabilities,
        group="security",
        severity="medium",
        description="Containers drop ALL capabilities and add only allowed ones (never SYS_ADMIN, NET_ADMIN, ...).",
        remediation="securityContext.capabilities: {drop: [ALL]}, add only NET_BIND_SERVICE.",
        params={"allowedAdd": ["NET_BIND_SERVICE"]},
        anchors="CKV_K8S_28/37/39, KYV disallow-capabilities-strict",
    ),
    _rule(
        "k8s-image-pinned",
        _image_pinned,
        group="security",
        severity="medium",
        description="Images are tagged (never :latest); pinned by digest where requireDigest.",
        remediation="Use an explicit version tag, or image@sha256:<digest>.",
        params={"requireDigest": False},
        anchors="CKV_K8S_14/43, KYV disallow-latest-tag",
    ),
    _rule(
        "k8s-readonly-rootfs-seccomp",
        _readonly_seccomp,
        group="availability",
        severity="medium",
        description="Containers have a read-only root filesystem and the RuntimeDefault seccomp profile.",
        remediation="Set readOnlyRootFilesystem=true and seccompProfile.type=RuntimeDefault.",
        anchors="CKV_K8S_22/31, KSV-0014",
    ),
    _rule(
        "k8s-resource-limits",
        _resource_limits,
        group="availability",
        severity="medium",
        description="Containers declare CPU/memory requests and a memory limit (one pod cannot starve a node).",
        remediation="Set resources.requests.cpu, resources.requests.memory and resources.limits.memory.",
        params={"required": ["requests.cpu", "requests.memory", "limits.memory"]},
        anchors="CKV_K8S_10/12/13, KSV-0011/0018",
    ),
]
