"""`groundwork:kubernetes:PlatformBaseline`: what every cluster gets before any workload.

Creates: workload namespaces with Pod Security Admission `restricted` (enforce, audit, warn); in
each, a default-deny NetworkPolicy (ingress and egress) plus allows for DNS to kube-system and
nothing else (public traffic is admitted per routed workload, from the public Gateway's sources;
scrapes from the monitoring namespace per workload, to its metrics port only:
workload_monitoring.py); a ResourceQuota
and a LimitRange (so pods without resources get sane defaults and count against the quota); the
platform namespaces (public Gateway, cert-manager, monitoring) at PSA `baseline` enforce with
`restricted` audit/warn (their charts need NET_BIND_SERVICE or host settings we do not control);
and a default StorageClass on the EBS CSI driver (gp3, encrypted, WaitForFirstConsumer).

Needs a Kubernetes provider from the caller (`providers=[k8s]` or `provider=k8s`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi_kubernetes import core, networking, storage

from components._base import child_opts, type_token
from components.kubernetes.platform.baseline_spec import (
    PlatformBaselineArgs,
    PodSecurityLevel,
    WorkloadNamespaceArgs,
    validate,
)


def k8s_labels(name: str, part_of: str, **extra: str) -> dict[str, str]:
    """The labels every Kubernetes object of ours carries."""
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/part-of": part_of,
        "app.kubernetes.io/managed-by": "pulumi",
        **extra,
    }


def pod_security_labels(enforce: PodSecurityLevel, audit_warn: PodSecurityLevel) -> dict[str, str]:
    return {
        "pod-security.kubernetes.io/enforce": enforce,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": audit_warn,
        "pod-security.kubernetes.io/warn": audit_warn,
    }


class PlatformBaseline(pulumi.ComponentResource):
    namespace_names: list[str]
    storage_class_name: str

    def __init__(
        self, name: str, args: PlatformBaselineArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("kubernetes", "PlatformBaseline"), name, None, opts)
        validate(args)
        self._name, self._args = name, args
        self.namespaces: dict[str, core.v1.Namespace] = {}
        for ns in args.platform_namespaces:
            self.namespaces[ns] = self._namespace(ns, pod_security_labels("baseline", "restricted"))
        for workload in args.namespaces:
            self.namespaces[workload.name] = self._namespace(
                workload.name,
                {
                    **pod_security_labels(workload.pod_security, workload.pod_security),
                    **args.workload_namespace_labels,
                },
            )
            self._network_policies(workload.name)
            self._quota(workload)
        self._storage_class()
        self.namespace_names = list(self.namespaces)
        self.storage_class_name = args.storage_class.name
        self.register_outputs(
            {"namespaces": self.namespace_names, "storageClass": self.storage_class_name}
        )

    def _labels(self, name: str) -> dict[str, str]:
        return k8s_labels(name, self._args.part_of)

    def _meta(self, name: str, namespace: str | None = None, **extra: Any) -> dict[str, Any]:
        meta: dict[str, Any] = {"name": name, "labels": self._labels(name), **extra}
        if namespace:
            meta["namespace"] = namespace
        return meta

    def _namespace(self, ns: str, psa: Mapping[str, str]) -> core.v1.Namespace:
        return core.v1.Namespace(
            f"{self._name}-ns-{ns}",
            metadata={"name": ns, "labels": {**self._labels(ns), **psa}},
            opts=child_opts(self, protect=self._args.protect_stateful),
        )

    def _policy(self, ns: str, policy: str, spec: dict[str, Any]) -> None:
        networking.v1.NetworkPolicy(
            f"{self._name}-{ns}-{policy}",
            metadata=self._meta(policy, ns),
            spec=spec,
            opts=child_opts(self, depends_on=[self.namespaces[ns]]),
        )

    def _network_policies(self, ns: str) -> None:

        def from_namespace(source: str) -> dict[str, Any]:
            return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": source}}}

        self._policy(
            ns,
            "default-deny",
            {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
        )
        self._policy(
            ns,
            "allow-dns",
            {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [
                    {
                        "to": [
                            {
                                **from_namespace("kube-system"),
                                "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                            }
                        ],
                        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                    }
                ],
            },
        )

    def _quota(self, workload: WorkloadNamespaceArgs) -> None:
        ns, quota, limits = workload.name, workload.quota, workload.limits
        after_ns = child_opts(self, depends_on=[self.namespaces[ns]])
        core.v1.ResourceQuota(
            f"{self._name}-{ns}-quota",
            metadata=self._meta("quota", ns),
            spec={
                "hard": {
                    "requests.cpu": quota.requests_cpu,
                    "requests.memory": quota.requests_memory,
                    "limits.cpu": quota.limits_cpu,
                    "limits.memory": quota.limits_memory,
                    "pods": str(quota.pods),
                }
            },
            opts=after_ns,
        )
        core.v1.LimitRange(
            f"{self._name}-{ns}-limits",
            metadata=self._meta("limits", ns),
            spec={
                "limits": [
                    {
                        "type": "Container",
                        "defaultRequest": {
                            "cpu": limits.default_request_cpu,
                            "memory": limits.default_request_memory,
                        },
                        "default": {
                            "cpu": limits.default_limit_cpu,
                            "memory": limits.default_limit_memory,
                        },
                        "max": {"cpu": limits.max_cpu, "memory": limits.max_memory},
                    }
                ]
            },
            opts=after_ns,
        )

    def _storage_class(self) -> None:
        args, cls = self._args, self._args.storage_class
        storage.v1.StorageClass(
            f"{self._name}-storage-class",
            metadata=self._meta(
                cls.name, annotations={"storageclass.kubernetes.io/is-default-class": "true"}
            ),
            provisioner=cls.provisioner,
            parameters=dict(cls.parameters),
            reclaim_policy=args.storage_reclaim_policy,
            volume_binding_mode="WaitForFirstConsumer",
            allow_volume_expansion=True,
            opts=child_opts(self),
        )
