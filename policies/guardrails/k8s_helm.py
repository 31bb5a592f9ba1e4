"""Helm releases and charts: where a chart comes from, and values that would make its pods
privileged. A helm.sh/v3 Release is one opaque resource to the engine (its objects are never
registered), so its values are the only place a rule can see them; a helm.sh/v4 Chart's objects are
also checked one by one by the pod-security rules when the engine registers them."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .core import CannotVerify, Rule, Subject, as_list, get, is_unknown, known, need, truthy
from .k8s_objects import HELM
from .k8s_workloads import SAFE_SYSCTLS, context_escapes

HOST_NAMESPACES = ("hostNetwork", "hostPID", "hostIPC")
SECURITY_CONTEXTS = ("securityContext", "podSecurityContext", "containerSecurityContext")
KNOWN_CHART_VALUES: dict[str, dict[str, str]] = {
    "ingress-nginx": {
        "controller.image.chroot": "the chroot image adds the SYS_CHROOT capability",
        "controller.allowSnippetAnnotations": "snippet annotations let any Ingress author inject NGINX configuration (CVE-2021-25742)",
        "controller.hostPort.enabled": "binds ports 80/443 on every node",
    },
}
"""Values of the charts the platform installs whose risk is not spelt like a pod spec."""
KNOWN_CHART_DEFAULTS_ON: dict[str, dict[str, str]] = {
    "kube-prometheus-stack": {
        "nodeExporter.enabled": "node-exporter (on unless set false) shares the node's network "
        "and PID namespaces and mounts the host's root filesystem",
    },
}
"""Risky parts such charts turn on by default: flagged unless the values turn them off."""

_EXACT_VERSION = re.compile(r"^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$")


def _walk(node: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    """(path, key, value) of every mapping entry, depth first, through lists."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            where = f"{path}.{key}"
            yield where, str(key), value
            yield from _walk(value, where)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")


def _risky_value(where: str, key: str, value: Any, allowed_add: set[str]) -> str | None:
    """What a chart value turns on, or None. Unknown values under security keys raise CannotVerify;
    elsewhere (an IRSA role ARN, a VPC id) they cannot change the pods' privileges."""
    if key in ("privileged", "allowPrivilegeEscalation") and truthy(known(value, where)):
        return f"{where}=true"
    if key in HOST_NAMESPACES:
        value = known(value, where)
        if truthy(value) or (isinstance(value, Mapping) and truthy(get(value, "enabled"))):
            return f"{where} shares the node's namespace"
    if key == "runAsUser" and str(known(value, where)) == "0":
        return f"{where}=0 runs as root"
    if key == "runAsNonRoot" and str(known(value, where)).lower() == "false":
        return f"{where}=false"
    if key == "capabilities" and isinstance(known(value, where), Mapping):
        add = {str(c).upper() for c in as_list(known(get(value, "add"), f"{where}.add"), where)}
        if add - allowed_add:
            return f"{where}.add {sorted(add - allowed_add)}"
    if key == "hostPath" and known(value, where):
        return f"{where} mounts a host path"
    if key in SECURITY_CONTEXTS and is_unknown(value):
        raise CannotVerify(where)
    if key in SECURITY_CONTEXTS and isinstance(value, Mapping):
        return next(context_escapes(value, where), None)
    if key == "sysctls":
        names = [known(get(s, "name"), where) for s in as_list(known(value, where), where)]
        unsafe = sorted(str(n) for n in names if n not in SAFE_SYSCTLS)
        if unsafe:
            return f"{where} sets unsafe sysctls {unsafe}"
    return None


def chart_name(subject: Subject) -> str:
    return str(get(subject.props, "chart") or "").rstrip("/").rsplit("/", 1)[-1]


def _values_pod_security(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    values = need(p, "values") or {}
    if as_list(get(p, "valueYamlFiles"), "valueYamlFiles"):
        yield "valueYamlFiles cannot be checked before install; pass values inline"
    allowed = {str(c).upper() for c in params["allowedAdd"]}
    for where, key, value in _walk(values, "values"):
        found = _risky_value(where, key, value, allowed)
        if found:
            yield found
    for path, why in KNOWN_CHART_VALUES.get(chart_name(subject), {}).items():
        if truthy(known(get(values, path), f"values.{path}")):
            yield f"values.{path}: {why}"
    for path, why in KNOWN_CHART_DEFAULTS_ON.get(chart_name(subject), {}).items():
        if known(get(values, path), f"values.{path}") is not False:
            yield f"values.{path}: {why}"


def _normal(url: str) -> str:
    return url.strip().rstrip("/").lower()


def _chart_source(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    chart = str(need(p, "chart") or "")
    repo = need(p, "repositoryOpts.repo")
    allowed = [_normal(r) for r in params["allowedRepositories"]]
    if "://" in chart:  # oci://registry/path/chart or https://host/chart-1.2.3.tgz
        source = _normal(chart)
        if not any(source.startswith(a + "/") for a in allowed):
            yield f"chart {chart} is not from an allowed repository ({params['allowedRepositories']})"
    elif repo:
        if _normal(str(repo)) not in allowed:
            yield f"repository {repo} is not in allowedRepositories {params['allowedRepositories']}"
    elif not params["allowLocalCharts"]:
        yield f"chart '{chart}' names no repository (a local path or a repo alias of the machine that runs Pulumi)"
    version = need(p, "version")
    if version is None or not _EXACT_VERSION.match(str(version)):
        yield f"version {version!r} is not an exact chart version (a new release would install unreviewed)"


RULES = [
    Rule(
        id="k8s-helm-values-pod-security",
        group="security",
        severity="critical",
        description="Helm values turn on no privileged, hostNetwork/PID/IPC, root, hostPath, extra-capability or other Pod Security baseline settings (hostProcess, procMount, SELinux, AppArmor, unsafe sysctls) (any chart; known risky values of the platform's charts).",
        remediation="Remove the value; if an add-on truly needs it, exempt that release by name in the policy config after review.",
        types=HELM,
        resource_check=_values_pod_security,
        params={"allowedAdd": ["NET_BIND_SERVICE"]},
        anchors="CKV_K8S_16/17/19/23/28 applied to chart values",
    ),
    Rule(
        id="k8s-helm-chart-source",
        group="security",
        severity="high",
        description="Helm charts come from an allowlisted repository at an exact version.",
        remediation="Install from a repository in allowedRepositories (policy config, reviewed change) and pin version to an exact release.",
        types=HELM,
        resource_check=_chart_source,
        params={
            "allowedRepositories": [
                # Not ingress-nginx: retired in March 2026 (no fixes); HTTP routing is the
                # Gateway API (the load balancer controller's ALB on EKS, Envoy Gateway on ACK).
                "https://aws.github.io/eks-charts",
                "oci://docker.io/envoyproxy",
                "https://charts.jetstack.io",
                "https://kubernetes-sigs.github.io/metrics-server",
                "https://kubernetes.github.io/autoscaler",
                "https://kubernetes-sigs.github.io/external-dns",
                "https://open-telemetry.github.io/opentelemetry-helm-charts",
                "https://prometheus-community.github.io/helm-charts",
            ],
            "allowLocalCharts": False,
        },
        anchors="supply chain: SLSA source integrity, KYV verify-images (charts)",
    ),
]
