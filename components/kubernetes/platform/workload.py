"""`groundwork:kubernetes:Workload`: what a team uses to run one stateless service.

Creates: a ServiceAccount (token not mounted unless asked; optional IRSA role annotation); a
ConfigMap from declared non-secret settings; a Deployment hardened to PSA `restricted` (non-root,
read-only root filesystem, no privilege escalation, every capability dropped, seccomp
RuntimeDefault), with requests and limits, liveness and readiness probes, writable emptyDirs only
where declared, spread across zones and nodes, the image pinned by tag and, when required, by
digest, and a hash of its config and secret references in the pod template (so changing either
rolls the pods); a ClusterIP Service for its named ports; an autoscaling/v2 HPA; a
PodDisruptionBudget; a NetworkPolicy that admits only the load balancer's subnets (its targets are
the pods' IPs) and declared peers, and lets the pods open connections only to declared pods and to
the declared data services (their port on their CIDRs); and, with a host, a Gateway API
`HTTPRoute` from that host on the platform's public Gateway (HTTPS) to the Service.

Secrets are never values of these args: the workload names existing Secrets (`secret_env_from`),
which are created and rotated elsewhere (External Secrets, Secrets Manager CSI, ...).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pulumi
from pulumi_kubernetes import apiextensions, apps, autoscaling, core, networking, policy

from components._base import child_opts, parse_cidr, require, type_token
from components.kubernetes.architecture import ARCHITECTURES
from components.kubernetes.gateway_api import GATEWAY_API, http_route_spec
from components.kubernetes.platform.baseline import k8s_labels
from components.kubernetes.platform.workload_monitoring import observe, validate_metrics
from components.kubernetes.platform.workload_spec import (
    ALLOWED_ADDED_CAPABILITIES,
    CANARY_SUFFIX,
    CONFIG_KEY,
    DIGEST,
    DNS_LABEL,
    HTTP_PORT,
    MAX_DATA_PORTS,
    MIN_DATA_PREFIX,
    PORT_NAME,
    ROLLOUTS,
    SECRET_LIKE,
    TAG,
    CanaryArgs,
    DataEgressArgs,
    PeerArgs,
    RouteArgs,
    SecurityArgs,
    WorkloadArgs,
    is_repository,
)

CONFIG_HASH_ANNOTATION = "groundwork.dev/config-hash"
"""Pod-template annotation holding the hash of the config and secret references."""


@dataclass(frozen=True)
class _Track:
    """One version of the workload: its object names, pod labels and selector, and image."""

    name: str
    labels: Mapping[str, str]
    selector: Mapping[str, str]
    image: pulumi.Input[str]
    digest: str | None


class Workload(pulumi.ComponentResource):
    image_ref: pulumi.Input[str]
    config_hash: str
    service_name: str | None
    deployment: apps.v1.Deployment
    service: core.v1.Service | None
    network_policy: networking.v1.NetworkPolicy
    canary_deployment: apps.v1.Deployment | None
    canary_service: core.v1.Service | None

    def __init__(
        self, name: str, args: WorkloadArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("kubernetes", "Workload"), name, None, opts)
        validate_workload(name, args)
        self._name, self._args = name, args
        self.image_ref = image_reference(args)
        self.config_hash = config_hash(args.config, args.secret_env_from)
        self._labels = k8s_labels(name, args.part_of)
        self._selector = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": args.part_of}
        stable = _Track(name, self._labels, self._selector, self.image_ref, args.digest)

        sa = core.v1.ServiceAccount(
            f"{name}-sa",
            metadata=self._meta(
                name,
                annotations={"eks.amazonaws.com/role-arn": args.service_account_role_arn}
                if args.service_account_role_arn is not None
                else None,
            ),
            automount_service_account_token=args.automount_service_account_token,
            opts=child_opts(self),
        )
        config_map = (
            core.v1.ConfigMap(
                f"{name}-config",
                metadata=self._meta(f"{name}-config"),
                data=dict(args.config),
                opts=child_opts(self),
            )
            if args.config
            else None
        )
        pod_inputs = [r for r in (sa, config_map) if r is not None]
        self.deployment = apps.v1.Deployment(
            f"{name}-deployment",
            metadata=self._meta(name),
            spec=self._deployment_spec(stable),
            opts=child_opts(self, depends_on=pod_inputs),
        )
        self.service = self._service(stable)
        self.service_name = name if self.service is not None else None
        self._autoscaling()
        self.network_policy = self._network_policy(stable)
        # The canary's objects are its own (`<name>-canary`): adding, reweighting or removing it
        # changes none of the stable Deployment, Service, HPA, PDB or NetworkPolicy.
        self.canary_deployment, self.canary_service = None, None
        if args.rollout == "canary" and args.canary is not None:
            self._canary(args.canary, pod_inputs)
        if args.route is not None:
            self._route(args.route)
        if args.metrics is not None:
            observe(self, name, args.namespace, self._labels, self._selector,
                    args.ports.get(args.metrics.port, 0), args.metrics)  # fmt: skip
        self.register_outputs(
            {
                "image": self.image_ref,
                "configHash": self.config_hash,
                "serviceName": self.service_name,
                "namespace": args.namespace,
            }
        )

    def _canary(self, canary: CanaryArgs, pod_inputs: Sequence[pulumi.Resource]) -> None:
        args, name = self._args, self._name + CANARY_SUFFIX
        labels = k8s_labels(name, args.part_of)
        selector = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": args.part_of}
        image = image_reference(replace(args, tag=canary.tag, digest=canary.digest))
        track = _Track(name, labels, selector, image, canary.digest)
        spec = self._deployment_spec(track)
        # A fixed count, and a pod counts as available only after 10 s of passing readiness: the
        # route's endpoints (the ALB's targets, Envoy's endpoints) hold ready pods only.
        spec = {**spec, "replicas": canary.replicas, "minReadySeconds": 10}
        self.canary_deployment = apps.v1.Deployment(
            f"{name}-deployment",
            metadata=self._meta(name, labels=labels),
            spec=spec,
            opts=child_opts(self, depends_on=list(pod_inputs)),
        )
        self.canary_service = self._service(track)
        self._network_policy(track)
        # Its own budget: the stable one's selector does not match the canary's pods.
        policy.v1.PodDisruptionBudget(
            f"{name}-pdb",
            metadata=self._meta(name, labels=labels),
            spec={
                "maxUnavailable": args.pdb_max_unavailable,
                "selector": {"matchLabels": selector},
            },
            opts=child_opts(self, depends_on=[self.canary_deployment]),
        )

    def _meta(
        self,
        obj: str,
        annotations: Mapping[str, Any] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "name": obj,
            "namespace": self._args.namespace,
            "labels": dict(labels) if labels is not None else self._labels,
        }
        if annotations:
            meta["annotations"] = dict(annotations)
        return meta

    def container_security_context(self) -> dict[str, Any]:
        return container_security_context(self._args.security)

    def _service(self, track: _Track) -> core.v1.Service | None:
        ports = self._args.ports
        if not ports:
            return None
        return core.v1.Service(
            f"{track.name}-service",
            metadata=self._meta(track.name, labels=track.labels),
            spec={
                "type": "ClusterIP",
                "selector": dict(track.selector),
                "ports": [
                    {
                        "name": port_name,
                        "port": 80 if port_name == HTTP_PORT else number,
                        "targetPort": port_name,
                        "protocol": "TCP",
                    }
                    for port_name, number in ports.items()
                ],
            },
            opts=child_opts(self),
        )

    def _deployment_spec(self, track: _Track) -> dict[str, Any]:
        args, sec = self._args, self._args.security
        env_from: list[dict[str, Any]] = []
        if args.config:
            env_from.append({"configMapRef": {"name": f"{self._name}-config"}})
        env_from += [{"secretRef": {"name": secret}} for secret in args.secret_env_from]
        volumes = [
            {"name": _volume_name(path), "emptyDir": {"sizeLimit": "256Mi"}}
            for path in args.writable_paths
        ]
        mounts = [{"name": _volume_name(path), "mountPath": path} for path in args.writable_paths]
        container: dict[str, Any] = {
            "name": self._name,
            "image": track.image,
            # A digest never changes what it names; a tag can move, so it is pulled every start.
            "imagePullPolicy": "IfNotPresent" if track.digest else "Always",
            "ports": [
                {"name": port_name, "containerPort": number, "protocol": "TCP"}
                for port_name, number in args.ports.items()
            ],
            "resources": {
                "requests": {
                    "cpu": args.resources.requests_cpu,
                    "memory": args.resources.requests_memory,
                },
                "limits": {
                    "cpu": args.resources.limits_cpu,
                    "memory": args.resources.limits_memory,
                },
            },
            "securityContext": container_security_context(sec),
            "volumeMounts": mounts,
            **self._probes(),
        }
        if env_from:
            container["envFrom"] = env_from
        if args.env:
            container["env"] = [{"name": k, "value": v} for k, v in sorted(args.env.items())]
        pod_security: dict[str, Any] = {
            "runAsNonRoot": sec.run_as_non_root,
            "seccompProfile": {"type": sec.seccomp_profile},
        }
        if sec.run_as_user is not None:
            pod_security["runAsUser"] = sec.run_as_user
        if sec.run_as_group is not None:
            pod_security["runAsGroup"] = sec.run_as_group
            pod_security["fsGroup"] = sec.run_as_group
        spread = [
            {
                "maxSkew": 1,
                "topologyKey": key,
                "whenUnsatisfiable": mode,
                "labelSelector": {"matchLabels": dict(track.selector)},
            }
            for key, mode in (
                ("topology.kubernetes.io/zone", args.zone_spread),
                ("kubernetes.io/hostname", "ScheduleAnyway"),
            )
        ]
        return {
            # No `replicas`: the HPA owns the count (a value here would fight it on every update).
            "selector": {"matchLabels": dict(track.selector)},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
            },
            "revisionHistoryLimit": 5,
            "template": {
                # The hash changes the pod template when config or secret references change, so
                # the Deployment rolls its pods instead of leaving them on the old settings.
                "metadata": {
                    "labels": dict(track.labels),
                    "annotations": {CONFIG_HASH_ANNOTATION: self.config_hash},
                },
                "spec": {
                    "serviceAccountName": self._name,
                    "automountServiceAccountToken": args.automount_service_account_token,
                    "securityContext": pod_security,
                    "containers": [container],
                    "volumes": volumes,
                    "topologySpreadConstraints": spread,
                    "affinity": self._architecture_affinity(),
                    "terminationGracePeriodSeconds": 30,
                },
            },
        }

    def _architecture_affinity(self) -> dict[str, Any]:
        """Only nodes of an architecture the image is built for (`kubernetes.io/arch`)."""
        match = {"key": "kubernetes.io/arch", "operator": "In",
                 "values": sorted(set(self._args.architectures))}  # fmt: skip
        required = {"nodeSelectorTerms": [{"matchExpressions": [match]}]}
        return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": required}}

    def _probes(self) -> dict[str, Any]:
        """HTTP probes on the `http` port; else TCP probes on the first port; a worker without
        ports has none (the kubelet still restarts it when its process exits)."""
        args = self._args
        if HTTP_PORT in args.ports:
            live: dict[str, Any] = {"httpGet": {"path": args.liveness_path, "port": HTTP_PORT}}
            ready: dict[str, Any] = {"httpGet": {"path": args.readiness_path, "port": HTTP_PORT}}
        elif args.ports:
            first = next(iter(args.ports))
            live = {"tcpSocket": {"port": first}}
            ready = {"tcpSocket": {"port": first}}
        else:
            return {}
        return {
            "livenessProbe": {
                **live,
                "initialDelaySeconds": 10,
                "periodSeconds": 10,
                "failureThreshold": 3,
            },
            "readinessProbe": {**ready, "periodSeconds": 5, "failureThreshold": 3},
        }

    def _autoscaling(self) -> None:
        args, name = self._args, self._name
        autoscaling.v2.HorizontalPodAutoscaler(
            f"{name}-hpa",
            metadata=self._meta(name),
            spec={
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                "minReplicas": args.min_replicas,
                "maxReplicas": args.max_replicas,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {
                                "type": "Utilization",
                                "averageUtilization": args.target_cpu_utilization,
                            },
                        },
                    }
                ],
            },
            opts=child_opts(self, depends_on=[self.deployment]),
        )
        policy.v1.PodDisruptionBudget(
            f"{name}-pdb",
            metadata=self._meta(name),
            spec={
                "maxUnavailable": args.pdb_max_unavailable,
                "selector": {"matchLabels": self._selector},
            },
            opts=child_opts(self),
        )

    def _network_policy(self, track: _Track) -> networking.v1.NetworkPolicy:
        args, name = self._args, track.name

        def peer(p: PeerArgs) -> dict[str, Any]:
            selector: dict[str, Any] = {
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": p.namespace}}
            }
            if p.pod_labels:
                selector["podSelector"] = {"matchLabels": dict(p.pod_labels)}
            return selector

        ports = [{"protocol": "TCP", "port": number} for number in args.ports.values()]
        sources = [peer(p) for p in args.allowed_peers]
        sources += [{"ipBlock": {"cidr": cidr}} for cidr in args.load_balancer_cidrs]
        to_pods = [
            {
                "to": [peer(p)],
                **({"ports": [{"protocol": "TCP", "port": p.port}]} if p.port else {}),
            }
            for p in args.egress_peers
        ]
        # Destinations outside the cluster are IP blocks: exactly the data subnets, on the
        # service's port. Pod selectors above never match anything outside the cluster.
        to_data = [
            {
                "to": [{"ipBlock": {"cidr": cidr}} for cidr in data.cidrs],
                "ports": [
                    {"protocol": "TCP", "port": data.port}
                    | ({"endPort": data.end_port} if data.end_port is not None else {})
                ],
            }
            for data in args.data_egress
        ]
        spec: dict[str, Any] = {
            "podSelector": {"matchLabels": dict(track.selector)},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"from": sources, "ports": ports}] if ports and sources else [],
            "egress": to_pods + to_data,
        }
        return networking.v1.NetworkPolicy(
            f"{name}-netpol",
            metadata=self._meta(name, labels=track.labels),
            spec=spec,
            opts=child_opts(self),
        )

    def _route(self, route: RouteArgs) -> None:
        name = self._name
        backends, services = {name: 100}, [self.service]
        canary = self._args.canary
        if self.canary_service is not None and canary is not None:
            backends = {name: 100 - canary.weight, name + CANARY_SUFFIX: canary.weight}
            services.append(self.canary_service)
        self.route = apiextensions.CustomResource(
            f"{name}-route",
            api_version=GATEWAY_API,
            kind="HTTPRoute",
            metadata=self._meta(name),
            spec=http_route_spec(
                gateway_namespace=route.gateway_namespace,
                host=route.host,
                path=route.path,
                backends=backends,
            ),
            opts=child_opts(self, depends_on=[s for s in services if s is not None]),
        )


def config_hash(config: Mapping[str, str], secret_env_from: Sequence[str]) -> str:
    """SHA-256 of the settings the pods read at start: the config values and, in envFrom order
    (a later Secret wins on a duplicate key), the Secrets' names. A Secret's *content* is not
    known here: rotating it rolls nothing (its owner restarts the pods, or a reloader does)."""
    canonical = json.dumps(
        {"config": dict(config), "secretEnvFrom": list(secret_env_from)},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def container_security_context(sec: SecurityArgs) -> dict[str, Any]:
    context: dict[str, Any] = {
        "runAsNonRoot": sec.run_as_non_root,
        "readOnlyRootFilesystem": sec.read_only_root_filesystem,
        "allowPrivilegeEscalation": sec.allow_privilege_escalation,
        "privileged": False,
        "capabilities": {"drop": list(sec.drop_capabilities)},
        "seccompProfile": {"type": sec.seccomp_profile},
    }
    if sec.add_capabilities:
        context["capabilities"]["add"] = list(sec.add_capabilities)
    if sec.run_as_user is not None:
        context["runAsUser"] = sec.run_as_user
    if sec.run_as_group is not None:
        context["runAsGroup"] = sec.run_as_group
    return context


def image_reference(args: WorkloadArgs) -> pulumi.Input[str]:
    """`repo:tag@digest` (the digest wins at pull time; the tag stays for humans)."""
    suffix = f":{args.tag}@{args.digest}" if args.digest else f":{args.tag}"
    if isinstance(args.image, str):
        return args.image + suffix
    return pulumi.Output.concat(args.image, suffix)


def _volume_name(path: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "root"
    return f"writable-{slug}"[:63].rstrip("-")


def validate_workload(name: str, args: WorkloadArgs) -> None:
    """Reject args that would weaken the workload, naming the field."""
    require(bool(DNS_LABEL.match(name)), "name", f"'{name}' is not a DNS label")
    require(bool(DNS_LABEL.match(args.namespace)), "namespace", "not a DNS label")
    require(
        not isinstance(args.image, str) or is_repository(args.image),
        "image",
        "give the repository only (lower-case path, no tag or digest: they have their own fields)",
    )
    require(bool(TAG.match(args.tag)), "tag", f"'{args.tag}' is not a valid tag")
    require(args.tag != "latest", "tag", "'latest' is not a pin; use a version tag")
    require(
        bool(args.architectures) and set(args.architectures) <= set(ARCHITECTURES),
        "architectures",
        f"must list some of {', '.join(ARCHITECTURES)}",
    )
    if args.digest is not None:
        require(bool(DIGEST.match(args.digest)), "digest", "must be sha256:<64 hex digits>")
    require(
        not args.require_digest or args.digest is not None,
        "digest",
        "required because require_digest is true",
    )
    for port_name, number in args.ports.items():
        require(
            bool(PORT_NAME.match(port_name)),
            f"ports.{port_name}",
            "a port name is 1-15 lowercase letters, digits or '-', with a letter",
        )
        require(
            1024 <= number <= 65535, f"ports.{port_name}", "use an unprivileged port (1024-65535)"
        )
    numbers = list(args.ports.values())
    require(len(set(numbers)) == len(numbers), "ports", f"the same port twice in {numbers}")
    for data in args.data_egress:
        _validate_data_egress(data)
    data_names = [d.name for d in args.data_egress]
    require(len(set(data_names)) == len(data_names), "data_egress", f"duplicates in {data_names}")
    require(1 <= args.min_replicas <= args.max_replicas, "min_replicas", "1 <= min <= max")
    require(1 <= args.target_cpu_utilization <= 100, "target_cpu_utilization", "1-100")
    res = args.resources
    for field_name in ("requests_cpu", "requests_memory", "limits_cpu", "limits_memory"):
        require(bool(getattr(res, field_name)), f"resources.{field_name}", "must be set")
    sec = args.security
    require(sec.run_as_non_root is True, "security.run_as_non_root", "must be true")
    require(sec.run_as_user is None or sec.run_as_user > 0, "security.run_as_user", "UID 0 is root")
    require(
        sec.read_only_root_filesystem is True,
        "security.read_only_root_filesystem",
        "must be true; declare writable_paths instead",
    )
    require(
        sec.allow_privilege_escalation is False,
        "security.allow_privilege_escalation",
        "must be false",
    )
    require("ALL" in sec.drop_capabilities, "security.drop_capabilities", "must drop ALL")
    extra = sorted(set(sec.add_capabilities) - ALLOWED_ADDED_CAPABILITIES)
    require(
        not extra, "security.add_capabilities", f"{extra} are not allowed (only NET_BIND_SERVICE)"
    )
    require(
        sec.seccomp_profile in ("RuntimeDefault", "Localhost"),
        "security.seccomp_profile",
        "must be RuntimeDefault or Localhost (never Unconfined)",
    )
    for key in args.config:
        require(bool(CONFIG_KEY.match(key)), "config", f"'{key}' is not a valid ConfigMap key")
        require(
            not SECRET_LIKE.search(key),
            "config",
            f"'{key}' looks like a secret; put it in a Secret and list it in secret_env_from",
        )
    for path in args.writable_paths:
        require(path.startswith("/") and path != "/", "writable_paths", f"'{path}' is not a path")
    require(
        args.pdb_max_unavailable >= 1, "pdb_max_unavailable", "at least 1 (drains must proceed)"
    )
    if args.metrics is not None:
        validate_metrics(args.metrics, args.ports, routed=args.route is not None)
    if args.route is not None:
        require(bool(args.route.host), "route.host", "must not be empty")
        require(HTTP_PORT in args.ports, "route", f"routes to the '{HTTP_PORT}' port; declare it")
    for cidr in args.load_balancer_cidrs:
        net = parse_cidr("load_balancer_cidrs", cidr)
        require(not net.is_global, "load_balancer_cidrs", f"'{cidr}' is not a VPC's subnet")
    _validate_rollout(name, args)


def _validate_rollout(name: str, args: WorkloadArgs) -> None:
    require(args.rollout in ROLLOUTS, "rollout", f"'{args.rollout}': rolling or canary")
    canary = args.canary
    if args.rollout == "rolling":
        require(canary is None, "canary", "set only with rollout canary (remove it to promote)")
        return
    require(canary is not None, "canary", "required with rollout canary (its tag and weight)")
    assert canary is not None  # for the type checker; require raised otherwise
    require(args.route is not None, "rollout", "a canary splits the route's traffic: needs route")
    require(
        bool(DNS_LABEL.match(name + CANARY_SUFFIX)),
        "rollout",
        f"'{name}{CANARY_SUFFIX}' is not a DNS label (name too long for a canary)",
    )
    require(bool(TAG.match(canary.tag)), "canary.tag", f"'{canary.tag}' is not a valid tag")
    require(canary.tag != "latest", "canary.tag", "'latest' is not a pin; use a version tag")
    if canary.digest is not None:
        require(bool(DIGEST.match(canary.digest)), "canary.digest", "must be sha256:<64 hex>")
    require(
        not args.require_digest or canary.digest is not None,
        "canary.digest",
        "required because require_digest is true",
    )
    require(0 <= canary.weight <= 100, "canary.weight", f"{canary.weight}: a percent, 0-100")
    require(1 <= canary.replicas <= 100, "canary.replicas", f"{canary.replicas}: 1-100")


def _validate_data_egress(data: DataEgressArgs) -> None:
    """A data egress opens one port on private CIDRs: never the internet, never a wide range."""
    field_name = f"data_egress.{data.name}"
    require(bool(DNS_LABEL.match(data.name)), field_name, "name must be a DNS label")
    require(1 <= data.port <= 65535, f"{field_name}.port", "1-65535")
    require(
        data.end_port is None or data.port < data.end_port <= data.port + MAX_DATA_PORTS - 1,
        f"{field_name}.end_port",
        f"above port, at most {MAX_DATA_PORTS} ports in all",
    )
    require(bool(data.cidrs), f"{field_name}.cidrs", "at least one CIDR")
    require(not isinstance(data.cidrs, str), f"{field_name}.cidrs", "a list of CIDRs, not a string")
    for cidr in data.cidrs:
        net = parse_cidr(f"{field_name}.cidrs", cidr)
        require(
            net.is_private and net.prefixlen >= MIN_DATA_PREFIX,
            f"{field_name}.cidrs",
            f"'{cidr}' is not a private subnet (/{MIN_DATA_PREFIX} or narrower)",
        )
