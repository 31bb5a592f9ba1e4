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

from components._base import child_opts, type_token
from components.kubernetes.gateway_api import GATEWAY_API, http_route_spec
from components.kubernetes.platform.baseline import k8s_labels
from components.kubernetes.platform.workload_monitoring import observe
from components.kubernetes.platform.workload_spec import (
    CANARY_SUFFIX,
    HTTP_PORT,
    CanaryArgs,
    PeerArgs,
    RouteArgs,
    SecurityArgs,
    WorkloadArgs,
    validate_workload,
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
