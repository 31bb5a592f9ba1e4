"""Observability floors: what a cluster in staging/prod must keep running, read from the plan.

The in-cluster metrics stack (any kube-prometheus-stack release, ours or one a team adds: HA
Prometheus and Alertmanager with PodDisruptionBudgets, anti-affinity, retention, encrypted
persistent volumes), container log shipping, and the trace collector. Each is a rule of its own
(mandatory in staging/prod through policies/config/<env>.json, advisory in dev), so the floor holds
whether the weak value comes from the stack file, a chart value or a release added by hand; the
stack config refuses the same values first (infra/sections/metrics.py `metrics_floor_problems`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import CannotVerify, Finding, Rule, Subject, as_list, get, is_dr_replica, known, need
from .joins import linked
from .k8s_helm import chart_name
from .k8s_objects import HELM
from .prod_floors import STORAGE_CLASSES

GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
LB_CONFIG = "kubernetes:gateway.k8s.aws/v1beta1:LoadBalancerConfiguration"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
EKS = "aws:eks/cluster:Cluster"
ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes"
CLUSTERS = (EKS, ACK)
KPS = "kube-prometheus-stack"
PROMETHEUS = "kubernetes:monitoring.coreos.com/v1:Prometheus"
ALERTMANAGER = "kubernetes:monitoring.coreos.com/v1:Alertmanager"
OPERATOR_DEFAULT_RETENTION = "24h"
"""The Prometheus operator's retention for a Prometheus object that sets none."""
DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
CHART_DEFAULT_RETENTION = "10d"
"""kube-prometheus-stack's `prometheusSpec.retention` when the values leave it out."""
HARD_AFFINITY = "requiredDuringSchedulingIgnoredDuringExecution"
_DURATION = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")
_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def retention_days(text: str) -> float:
    """Days of a Prometheus duration (`15d`, `2w`, `1d12h`); ValueError if it is not one."""
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"'{text}' is not a Prometheus duration")
    return sum(int(n) * _SECONDS[u] for n, u in parts) / 86400


def _component(
    values: Mapping[str, Any], key: str, spec: str, minimum: int, params: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    """Floors of one of the stack's servers (`prometheus` / `alertmanager`)."""
    if known(get(values, f"{key}.enabled", True), f"values.{key}.enabled") is False:
        yield f"{key}.enabled", "false: the release runs no " + key.capitalize()
        return
    where = f"{key}.{spec}"
    replicas = known(get(values, f"{where}.replicas", 1), f"values.{where}.replicas")
    if int(replicas) < minimum:
        yield f"{where}.replicas", f"{replicas}; the floor is {minimum}"
    if (
        params["requirePdb"]
        and known(
            get(values, f"{key}.podDisruptionBudget.enabled"), f"values.{key}.podDisruptionBudget"
        )
        is not True
    ):
        yield f"{key}.podDisruptionBudget.enabled", "not true: a node drain may stop every replica"
    if params["requireAntiAffinity"]:
        mode = known(get(values, f"{where}.podAntiAffinity"), f"values.{where}.podAntiAffinity")
        required = get(values, f"{where}.affinity.podAntiAffinity.{HARD_AFFINITY}")
        if mode != "hard" and not known(required, f"values.{where}.affinity"):
            yield (
                f"{where}.podAntiAffinity",
                f"{mode or 'soft (chart default)'}: replicas may share a node or zone; set hard",
            )


def metrics_stack_problems(
    values: Mapping[str, Any], params: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    """(values path, problem) of a kube-prometheus-stack release's values against the floors, the
    chart's own defaults where a value is left out. Unknown values raise CannotVerify. Shared with
    the stack config, which refuses the same values before anything is planned."""
    yield from _component(
        values, "prometheus", "prometheusSpec", params["minPrometheusReplicas"], params
    )
    yield from _component(
        values, "alertmanager", "alertmanagerSpec", params["minAlertmanagerReplicas"], params
    )
    if known(get(values, "prometheus.enabled", True), "values.prometheus.enabled") is not False:
        where = "prometheus.prometheusSpec.retention"
        text = str(known(get(values, where) or CHART_DEFAULT_RETENTION, f"values.{where}"))
        if retention_days(text) < params["minRetentionDays"]:
            yield where, f"{text}; the floor is {params['minRetentionDays']} days"
    for where, key in _volumes(params):
        if known(get(values, f"{key}.enabled", True), f"values.{key}.enabled") is False:
            continue
        if not known(get(values, where), f"values.{where}"):
            yield where, "not set: the data lives in an emptyDir and is lost with the pod"


def _volumes(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    found = []
    if params["requirePersistentVolumes"]:
        found.append(("prometheus.prometheusSpec.storageSpec.volumeClaimTemplate", "prometheus"))
    if params["requireAlertmanagerVolume"]:
        found.append(("alertmanager.alertmanagerSpec.storage.volumeClaimTemplate", "alertmanager"))
    return found


def _storage_class_name(subject: Subject) -> Any:
    return get(subject.props, "metadata.name")


def _is_default(storage_class: Subject) -> bool:
    annotations = need(storage_class.props, "metadata.annotations") or {}
    return str(annotations.get(DEFAULT_CLASS)).lower() == "true"  # a key with dots in it


def _encrypted_class(name: Any, classes: Sequence[Subject]) -> str | None:
    """Why a claim's StorageClass is not shown encrypted, or None. `name` None: the default class."""
    if name is None:
        chosen = [c for c in classes if _is_default(c)]
        label = "the default StorageClass"
    else:
        chosen = [c for c in classes if _storage_class_name(c) == name]
        label = f"StorageClass '{name}'"
    if not chosen:
        return f"{label} is not one of this stack's, so nothing shows its volumes are encrypted"
    for c in chosen:
        if str(need(c.props, "parameters.encrypted")).lower() != "true":
            return f'{label} does not set parameters.encrypted: "true"'
    return None


def claims(values: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(values path, storageClassName or None) of each volume claim template of the release."""
    for where in ("prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec",
                  "alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec"):  # fmt: skip
        spec = get(values, where)
        if isinstance(spec, Mapping):
            yield where, known(spec.get("storageClassName"), f"values.{where}.storageClassName")


def _releases(subjects: Sequence[Subject], charts: Sequence[str]) -> list[Subject]:
    """Helm releases of these charts; a release whose chart is unknown may be one of them."""
    found = []
    for s in subjects:
        if s.type in HELM:
            # Every release names its chart: none means its properties are not known yet (the
            # engine's preview of a cluster still to be created hands stack rules no outputs).
            if need(s.props, "chart") is None:
                raise CannotVerify("chart")
            if chart_name(s) in charts:
                found.append(s)
    return found


def _clusters(subjects: Sequence[Subject], types: Sequence[str]) -> list[Subject]:
    return [s for s in subjects if s.type in types and not is_dr_replica(s)]


def _custom_resource(server: Subject, params: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(problem, storageClassName of its claim) of a Prometheus or Alertmanager object the stack
    declares itself (the operator's defaults where a field is left out)."""
    if need(server.props, "spec") is None:  # not known yet (see _releases); a server has a spec
        raise CannotVerify("spec")
    prometheus = server.type == PROMETHEUS
    minimum = params["minPrometheusReplicas" if prometheus else "minAlertmanagerReplicas"]
    replicas = need(server.props, "spec.replicas") or 1
    if int(replicas) < minimum:
        yield f"spec.replicas {replicas}; the floor is {minimum}", None
    if prometheus:
        text = str(need(server.props, "spec.retention") or OPERATOR_DEFAULT_RETENTION)
        if retention_days(text) < params["minRetentionDays"]:
            yield f"spec.retention {text}; the floor is {params['minRetentionDays']} days", None
    template = need(server.props, "spec.storage.volumeClaimTemplate")
    wanted = params["requirePersistentVolumes" if prometheus else "requireAlertmanagerVolume"]
    if wanted and not template:
        yield "spec.storage.volumeClaimTemplate not set: the data lives in an emptyDir", None
    if isinstance(template, Mapping):
        yield "", known(get(template, "spec.storageClassName"), "spec.storageClassName")


def _metrics_stack(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    releases = _releases(subjects, [KPS])
    classes = [s for s in subjects if s.type in STORAGE_CLASSES and not s.type.endswith("Patch")]
    servers = [s for s in subjects if s.type in (PROMETHEUS, ALERTMANAGER)]
    for server in servers:
        for problem, claim_class in _custom_resource(server, params):
            if problem:
                yield Finding(f"{server.name}: {problem}", server.urn)
            elif params["requireEncryptedVolumes"]:
                found = _encrypted_class(claim_class, classes)
                if found:
                    yield Finding(f"{server.name}: spec.storage: {found}", server.urn)
    if params["requireStack"] and not releases and not any(s.type == PROMETHEUS for s in servers):
        for cluster in _clusters(subjects, CLUSTERS):
            yield Finding(f"cluster '{cluster.name}' has no in-cluster metrics stack "
                          f"(a {KPS} release)", cluster.urn)  # fmt: skip
    for release in releases:
        values = need(release.props, "values") or {}
        for where, problem in metrics_stack_problems(values, params):
            yield Finding(f"{KPS} release '{release.name}': values.{where} {problem}", release.urn)
        if params["requireEncryptedVolumes"]:
            for where, name in claims(values):
                found = _encrypted_class(name, classes)
                if found:
                    yield Finding(f"{KPS} release '{release.name}': values.{where}: {found}",
                                  release.urn)  # fmt: skip


def _ships_logs(cluster: Subject, subjects: Sequence[Subject], params: Mapping[str, Any]) -> bool:
    if _releases(subjects, params["shippingCharts"]):
        return True
    addons = as_list(get(cluster.props, "addons"), "addons")
    return any(get(a, "name") in params["shippingAddons"] and get(a, "disabled") is not True
               for a in addons)  # fmt: skip


def _log_shipping(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for cluster in _clusters(subjects, CLUSTERS):
        if not _ships_logs(cluster, subjects, params):
            yield Finding(
                f"cluster '{cluster.name}' ships no container logs: no release of "
                f"{params['shippingCharts']} and no cluster add-on of {params['shippingAddons']}",
                cluster.urn,
            )


def _tracing(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    if _releases(subjects, params["collectorCharts"]):
        return
    for cluster in _clusters(subjects, params["clusterTypes"]):
        yield Finding(f"cluster '{cluster.name}' runs no trace collector (a release of "
                      f"{params['collectorCharts']})", cluster.urn)  # fmt: skip


def _namespace(subject: Subject) -> Any:
    return get(subject.props, "metadata.namespace") or "default"


def _public_gateways(subjects: Sequence[Subject]) -> set[tuple[Any, Any]]:
    """(namespace, name) of Gateways whose load balancer (AWS Load Balancer Controller's
    LoadBalancerConfiguration) is internet-facing."""
    for s in subjects:  # each has a spec: none means not known yet (see _releases)
        if s.type in (LB_CONFIG, GATEWAY, ROUTE) and need(s.props, "spec") is None:
            raise CannotVerify("spec")
    facing = {(_namespace(c), get(c.props, "metadata.name")) for c in subjects
              if c.type == LB_CONFIG and need(c.props, "spec.scheme") == "internet-facing"}  # fmt: skip
    found = set()
    for g in subjects:
        ref = get(g.props, "spec.infrastructure.parametersRef") if g.type == GATEWAY else None
        if not isinstance(ref, Mapping) or ref.get("kind") != "LoadBalancerConfiguration":
            continue
        if (_namespace(g), ref.get("name")) in facing:
            found.add((_namespace(g), get(g.props, "metadata.name")))
    return found


def _public_hosts(subjects: Sequence[Subject]) -> Iterator[tuple[str, Subject]]:
    """Hostnames of routes that serve backends through an internet-facing Gateway."""
    public = _public_gateways(subjects)
    for route in (s for s in subjects if s.type == ROUTE):
        rules = as_list(need(route.props, "spec.rules"), "spec.rules")
        if not any(get(r, "backendRefs") for r in rules):
            continue  # a redirect serves nothing to check
        parents = as_list(need(route.props, "spec.parentRefs"), "spec.parentRefs")
        if any(
            (get(p, "namespace") or _namespace(route), get(p, "name")) in public for p in parents
        ):
            for host in as_list(need(route.props, "spec.hostnames"), "spec.hostnames"):
                yield str(known(host, "spec.hostnames")), route


def _entry_health(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    checks = [s for s in subjects if s.type == HEALTH_CHECK]
    alarms = [a for a in subjects if a.type == ALARM and get(a.props, "alarmActions")]
    for host, route in _public_hosts(subjects):
        mine = [c for c in checks if get(c.props, "fqdn") == host]
        if not mine:
            yield Finding(f"public host {host} (route '{route.name}') has no Route 53 health "
                          "check", route.urn)  # fmt: skip
        elif not any(linked(a, "dimensions", c) for a in alarms for c in mine):
            yield Finding(f"the health check of public host {host} has no alarm with "
                          "alarmActions: nobody hears when it fails", mine[0].urn)  # fmt: skip


RULES = [
    Rule(
        id="obs-metrics-stack-ha",
        group="availability",
        severity="high",
        description="Every cluster has an in-cluster metrics stack, and every kube-prometheus-stack release (ours or added) keeps the floors (Prometheus and Alertmanager objects declared directly: replicas, retention, volumes and their class): at least minPrometheusReplicas Prometheus and minAlertmanagerReplicas Alertmanagers, PodDisruptionBudgets and hard anti-affinity (requirePdb, requireAntiAffinity), minRetentionDays of retention, persistent volumes (requirePersistentVolumes, requireAlertmanagerVolume) on a StorageClass of the stack with parameters.encrypted true.",
        remediation="Keep metrics.enabled and the metrics.prometheus / metrics.alertmanager floors of the environment; do not override them in metrics.chart.values (or in a release of your own).",
        types=(*CLUSTERS, *HELM, *STORAGE_CLASSES, PROMETHEUS, ALERTMANAGER),
        stack_check=_metrics_stack,
        params={
            "requireStack": True,
            "minPrometheusReplicas": 2,
            "minAlertmanagerReplicas": 3,
            "minRetentionDays": 15,
            "requirePdb": True,
            "requireAntiAffinity": True,
            "requirePersistentVolumes": True,
            "requireAlertmanagerVolume": True,
            "requireEncryptedVolumes": True,
        },
        anchors="kube-prometheus-stack HA (replicas, PDB, podAntiAffinity), CIS EKS 5.3 (encrypted volumes)",
    ),
    Rule(
        id="obs-log-shipping",
        group="availability",
        severity="medium",
        description="Every cluster ships its container logs: a release of a log-shipping chart (shippingCharts: Fluent Bit on EKS) or a log add-on of the cluster (shippingAddons: ACK's logtail-ds).",
        remediation="Keep logs.shipping.enabled (AWS) / the application log project (Alibaba Cloud), or install a shipper from shippingCharts.",
        types=CLUSTERS + HELM,
        stack_check=_log_shipping,
        params={
            "shippingCharts": ["aws-for-fluent-bit", "fluent-bit", "fluentd", "vector"],
            "shippingAddons": ["logtail-ds", "loongcollector"],
        },
        anchors="CIS EKS 2.1 (logging), Well-Architected OPS08",
    ),
    Rule(
        id="obs-tracing-collector",
        group="availability",
        severity="medium",
        description="Every cluster of clusterTypes runs a trace collector (a release of collectorCharts) the workloads send their traces to. Alibaba Cloud stacks build no collector yet, so ACK is not in the default clusterTypes.",
        remediation="Keep tracing.enabled (the OpenTelemetry Collector), or install a collector from collectorCharts.",
        types=CLUSTERS + HELM,
        stack_check=_tracing,
        params={"clusterTypes": [EKS], "collectorCharts": ["opentelemetry-collector"]},
        anchors="OpenTelemetry Collector deployment",
    ),
    Rule(
        id="obs-entry-health-checks",
        group="availability",
        severity="medium",
        description="Every host an internet-facing Gateway (AWS Load Balancer Controller) serves to backends has a Route 53 health check of that host, watched by an alarm with alarmActions.",
        remediation="Keep healthChecks.enabled (and alerting); a host of your own needs a health check and its alarm.",
        types=(GATEWAY, ROUTE, LB_CONFIG, HEALTH_CHECK, ALARM),
        stack_check=_entry_health,
        anchors="Route 53 health checks, Well-Architected REL06",
    ),
]
