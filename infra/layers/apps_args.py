"""What the apps layer asks of its components (each service's Workload args), built from config;
imported by the preflight without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from components.kubernetes.platform.gateway_metrics import GatewayProxies
from components.kubernetes.platform.workload_spec import (
    CanaryArgs,
    DataEgressArgs,
    PeerArgs,
    ResourcesArgs,
    RouteArgs,
    SecurityArgs,
    WorkloadArgs,
)
from components.network.cidr_plan import SubnetPlan
from infra.config import StackBase
from infra.sections.apps import AppService
from infra.sections.metrics import metrics_args_of

if TYPE_CHECKING:
    import pulumi


class GatewayLike(Protocol):
    """What the apps layer takes from any cloud's public Gateway: where its routes attach, where
    its traffic reaches the pods from (the ALB's subnets on EKS, Envoy's pods on ACK) and its
    proxies with request metrics (Envoy on ACK; none on EKS)."""

    @property
    def namespace(self) -> str: ...
    @property
    def source_cidrs(self) -> Sequence[str]: ...
    @property
    def source_peers(self) -> Sequence[PeerArgs]: ...
    @property
    def proxies(self) -> GatewayProxies | None: ...


@dataclass(frozen=True)
class GatewaySources:
    """A GatewayLike from config alone (preflight checks the Workloads before any component)."""

    namespace: str
    source_cidrs: Sequence[str] = ()
    source_peers: Sequence[PeerArgs] = ()
    proxies: GatewayProxies | None = None


class TelemetryLike(Protocol):
    """Where the services send their traces (a cloud's telemetry handles)."""

    def egress_peer(self) -> PeerArgs | None: ...
    def otlp_env(self) -> dict[str, str]: ...


def data_egress(
    plan: SubnetPlan, ports: Mapping[str, tuple[int, int]]
) -> dict[str, DataEgressArgs]:
    """What each data service (by its `uses` name) opens: its ports on the data subnets."""
    cidrs = [s.cidr for s in plan.tier("data")]
    return {
        name: DataEgressArgs(
            name=name, cidrs=cidrs, port=first, end_port=last if last != first else None
        )
        for name, (first, last) in ports.items()
    }


def workload_args(
    cfg: StackBase,
    app: AppService,
    egress: Mapping[str, DataEgressArgs],
    gateway: GatewayLike,
    *,
    image: pulumi.Input[str] | None = None,
    monitoring: Sequence[pulumi.Resource] | None = None,
    telemetry: TelemetryLike | None = None,
) -> WorkloadArgs:
    """`image`: the service's own repository, used when the service names no `image`;
    `monitoring`: the monitoring stack's CRD installer (None: there is none)."""
    own = app.image if app.image is not None else image
    if own is None:  # config refuses this first (apps.<name>.image); kept for direct callers
        raise ValueError("apps: a service without `image` needs its registry repository")
    return WorkloadArgs(
        namespace=app.namespace,
        part_of=cfg.name,
        image=own,
        tag=app.tag,
        digest=app.digest,
        require_digest=app.require_digest,
        ports=app.ports,
        min_replicas=app.replicas.min,
        max_replicas=app.replicas.max,
        target_cpu_utilization=app.replicas.target_cpu_percent,
        resources=ResourcesArgs(
            requests_cpu=app.resources.requests_cpu,
            requests_memory=app.resources.requests_memory,
            limits_cpu=app.resources.limits_cpu,
            limits_memory=app.resources.limits_memory,
        ),
        liveness_path=app.liveness_path,
        readiness_path=app.readiness_path,
        security=SecurityArgs(run_as_user=app.run_as_user, run_as_group=app.run_as_group),
        writable_paths=app.writable_paths,
        architectures=app.architectures,
        config=app.config,
        secret_env_from=app.secrets,
        route=RouteArgs(host=app.host, gateway_namespace=gateway.namespace) if app.host else None,
        rollout=app.rollout,
        canary=CanaryArgs(
            tag=app.canary.tag,
            digest=app.canary.digest,
            weight=app.canary.weight,
            replicas=app.canary.replicas,
        )
        if app.canary is not None
        else None,
        # Only a routed service admits the Gateway's traffic.
        load_balancer_cidrs=list(gateway.source_cidrs) if app.host else [],
        allowed_peers=list(gateway.source_peers) if app.host else [],
        data_egress=[egress[service] for service in app.uses],
        metrics=replace(
            metrics_args_of(app.metrics, cfg.platform.monitoring_namespace),
            after=monitoring,
            gateway=gateway.proxies,
        )
        if monitoring is not None and app.metrics.enabled
        else None,
        env=telemetry.otlp_env() if telemetry else {},
        egress_peers=[peer] if telemetry and (peer := telemetry.egress_peer()) else [],
    )
