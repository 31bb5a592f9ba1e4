"""Apps layer: one Workload per service of `apps`, keyed by the service's name, on either cloud
(it takes what it needs of the other layers' handles through the protocols below and those of
apps_args.py).

What a service `uses` becomes its data egress: the data service's port on the data subnets, and
nothing else outside the cluster. The data tier's security groups admit the cluster's nodes, and
with the VPC CNI a pod's traffic leaves through an ENI of its node carrying the node's groups; the
NetworkPolicy is what narrows that down to the services that declared the use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pulumi

from components.kubernetes.platform.workload import Workload
from components.network.cidr_plan import SubnetPlan
from infra.config import StackBase
from infra.layers.apps_args import GatewayLike, TelemetryLike, data_egress, workload_args


class _Vpc(Protocol):
    @property
    def plan(self) -> SubnetPlan: ...


class NetworkLike(Protocol):
    """What the apps layer takes from any cloud's network handles."""

    @property
    def vpc(self) -> _Vpc: ...


class KubernetesLike(Protocol):
    """What the apps layer takes from any cloud's Kubernetes handles."""

    @property
    def gateway(self) -> GatewayLike: ...
    @property
    def on_platform(self) -> pulumi.ResourceOptions: ...


class DataLike(Protocol):
    """What the apps layer takes from any cloud's data handles."""

    @property
    def ports(self) -> dict[str, tuple[int, int]]: ...


@dataclass(frozen=True)
class AppsHandles:
    workloads: dict[str, Workload] = field(default_factory=dict)
    """The Workload of each service, by service name."""

    @property
    def exports(self) -> dict[str, Any]:
        return {"appImages": {name: w.image_ref for name, w in self.workloads.items()}}


def layer(
    cfg: StackBase,
    network: NetworkLike,
    kubernetes: KubernetesLike,
    data: DataLike,
    *,
    images: Mapping[str, pulumi.Input[str]] | None = None,
    monitoring: Sequence[pulumi.Resource] | None = None,
    telemetry: TelemetryLike | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> AppsHandles:
    """One Workload per service on the cluster; each may reach the data services it uses, and one
    without `image` runs from its own repository of the registry. With a monitoring stack
    (`monitoring`: what installs its CRDs), each service gets its monitors and alerts; with
    `telemetry`, the trace collector's endpoint and a path to it (its OTLP port, nothing else)."""
    egress = data_egress(network.vpc.plan, data.ports)
    on_platform = pulumi.ResourceOptions.merge(kubernetes.on_platform, opts)
    return AppsHandles(
        workloads={
            name: Workload(
                name,
                workload_args(
                    cfg,
                    app,
                    egress,
                    kubernetes.gateway,
                    image=(images or {}).get(name),
                    monitoring=monitoring,
                    telemetry=telemetry,
                ),
                opts=on_platform,
            )
            for name, app in cfg.apps.items()
        }
    )
