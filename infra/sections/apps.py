"""`groundwork:apps` and `groundwork:appDefaults`: the services a stack runs on its cluster, each
one a Workload (components/kubernetes/platform/workload.py), keyed by name.

`appDefaults` holds what usually differs per environment rather than per service (the digest
requirement, replica bounds, resources, namespace); the environment preset sets it, the stack file
may override it, and a service overrides it for itself. Defaults that reach the component unchanged
are the component's own, read from its args dataclass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError, field_validator

from components.kubernetes.architecture import Architecture
from components.kubernetes.platform.workload_spec import (
    CANARY_SUFFIX,
    CONFIG_KEY,
    DIGEST,
    DNS_LABEL,
    HTTP_PORT,
    PORT_NAME,
    SECRET_LIKE,
    TAG,
    CanaryArgs,
    ResourcesArgs,
    Rollout,
    WorkloadArgs,
    is_repository,
)
from infra.policy_limits import PolicyLimits
from infra.presets import deep_merge
from infra.sections.base import Problem, Section, component_default
from infra.sections.metrics import AppMetrics

_DNS_LABEL = DNS_LABEL.pattern
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_HOST = r"^([a-z0-9-]+\.)+[a-z]{2,}$"
_QUANTITY = r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$"
DataService = Literal["postgres", "redis"]
"""Data services a workload may use; each opens its port on the data subnets."""


class Replicas(Section):
    min: int = Field(component_default(WorkloadArgs, "min_replicas"), ge=1, le=100)
    """Lower bound of the HorizontalPodAutoscaler (pods always running)."""
    max: int = Field(component_default(WorkloadArgs, "max_replicas"), ge=1, le=100)
    """Upper bound of the HorizontalPodAutoscaler; equal to `min` for a fixed count."""
    target_cpu_percent: int = Field(
        component_default(WorkloadArgs, "target_cpu_utilization"), ge=1, le=100
    )
    """Average CPU use, in percent of the requests, the autoscaler keeps the pods at."""


class Resources(Section):
    requests_cpu: str = Field(component_default(ResourcesArgs, "requests_cpu"), pattern=_QUANTITY)
    """CPU reserved per pod (Kubernetes quantity: `250m`, `1`)."""
    requests_memory: str = Field(
        component_default(ResourcesArgs, "requests_memory"), pattern=_QUANTITY
    )
    """Memory reserved per pod (`256Mi`)."""
    limits_cpu: str = Field(component_default(ResourcesArgs, "limits_cpu"), pattern=_QUANTITY)
    """CPU a pod may use at most (throttled above)."""
    limits_memory: str = Field(component_default(ResourcesArgs, "limits_memory"), pattern=_QUANTITY)
    """Memory a pod may use at most (killed above)."""


def _pinned_tag(tag: str) -> str:
    if tag == "latest":
        raise ValueError("'latest' is not a pin; use a version tag")
    return tag


class Canary(Section):
    """The version a canary rollout runs beside the stable one (docs/delivery.md, "Canary")."""

    tag: str = Field(pattern=TAG.pattern)
    """Image tag of the canary (the service's repository)."""
    digest: str | None = Field(None, pattern=DIGEST.pattern)
    """Image digest of the canary (required when `requireDigest`)."""
    weight: int = Field(component_default(CanaryArgs, "weight"), ge=0, le=100)
    """Percent of the service's requests the route sends to the canary (0-100); the rest go to
    the stable version. Changing it changes only the HTTPRoute."""
    replicas: int = Field(component_default(CanaryArgs, "replicas"), ge=1, le=100)
    """Canary pods (a fixed count)."""

    _not_latest = field_validator("tag")(_pinned_tag)


class AppDefaults(Section):
    """Settings every service starts from (the environment preset sets them)."""

    namespace: str = Field("apps", pattern=_DNS_LABEL)
    """Namespace (one of `platform.namespaces`)."""
    require_digest: bool = component_default(WorkloadArgs, "require_digest")
    """Refuse to deploy an image without `digest`."""
    replicas: Replicas = Field(default_factory=Replicas)
    """Pod count: autoscaled between `min` and `max` on CPU."""
    resources: Resources = Field(default_factory=Resources)
    """Requests and limits of the service's container."""
    architectures: list[Architecture] = Field(
        default_factory=lambda: list(component_default(WorkloadArgs, "architectures")),
        min_length=1,
    )
    """CPU architectures the image is built for (`amd64`, `arm64`): pods run only on nodes of
    these, and a stack whose node groups offer none of them is refused. Unset: amd64 only; list
    both for a multi-arch image to run on Graviton nodes."""
    metrics: AppMetrics = Field(default_factory=AppMetrics)
    """What the in-cluster monitoring stack watches (`groundwork:metrics`): the request
    metrics' source, scrape port and path, and the alerts' thresholds and severities."""


class AppService(AppDefaults):
    """One service: its image, ports, scale, settings, public host and the data it uses."""

    image: str | None = None
    """Image repository without tag or digest (`ghcr.io/acme/api`). Unset: the service's own
    repository in the stack's registry (on AWS the ECR repository `registry` creates for it)."""
    tag: str = Field(pattern=TAG.pattern)
    """Image tag (never `latest`)."""
    digest: str | None = Field(None, pattern=DIGEST.pattern)
    """Image digest `sha256:<64 hex>`: pins the exact image bytes."""
    ports: dict[str, int] = Field(default_factory=lambda: component_default(WorkloadArgs, "ports"))
    """Named container ports (unprivileged). `http` is served by the Service on 80, probed, and
    routed to by the HTTPRoute; `{}` for a worker with no Service."""
    config: dict[str, str] = Field(default_factory=dict)
    """Non-secret settings, as environment variables from a ConfigMap; a change rolls the pods."""
    secrets: list[str] = Field(default_factory=list)
    """Names of existing Secrets exposed as environment variables (created and rotated
    elsewhere); a change of the list rolls the pods."""
    host: str | None = Field(None, pattern=_HOST)
    """Public host name served over HTTPS by the platform's public Gateway (an HTTPRoute and an
    ACM certificate); unset: cluster-internal only."""
    uses: list[DataService] = Field(default_factory=list)
    """Data services the pods connect to: opens exactly their port on the data subnets."""
    run_as_user: int | None = Field(None, ge=1)
    """Numeric UID the container runs as; unset: the image's USER (must be numeric, non-zero)."""
    run_as_group: int | None = Field(None, ge=1)
    """Numeric GID, also the group of mounted volumes."""
    liveness_path: str = Field(component_default(WorkloadArgs, "liveness_path"), pattern=r"^/")
    """HTTP path of the liveness probe (on the `http` port)."""
    readiness_path: str = Field(component_default(WorkloadArgs, "readiness_path"), pattern=r"^/")
    """HTTP path of the readiness probe (on the `http` port)."""
    writable_paths: list[str] = Field(
        default_factory=lambda: component_default(WorkloadArgs, "writable_paths")
    )
    """Directories mounted as emptyDir (the root filesystem is read-only)."""
    rollout: Rollout = component_default(WorkloadArgs, "rollout")
    """`rolling` (one Deployment, updated in place) or `canary` (a second Deployment and Service
    `<name>-canary` running `canary.tag`, the HTTPRoute splitting requests by `canary.weight`)."""
    canary: Canary | None = None
    """The canary's image, weight and pod count; set with `rollout: canary` only."""

    @field_validator("image")
    @classmethod
    def _repository(cls, image: str | None) -> str | None:
        if image is not None and not is_repository(image):
            raise ValueError(
                "the repository only: a lower-case path, no tag or digest (they have their own keys)"
            )
        return image

    _not_latest = field_validator("tag")(_pinned_tag)

    @field_validator("ports")
    @classmethod
    def _ports(cls, ports: dict[str, int]) -> dict[str, int]:
        for name, number in ports.items():
            if not PORT_NAME.match(name):
                raise ValueError(f"'{name}': a port name is 1-15 lowercase letters, digits or -")
            if not 1024 <= number <= 65535:
                kind = "privileged" if number < 1024 else "not a port"
                raise ValueError(f"{name}: {number} is {kind}; use 1024-65535")
        if len(set(ports.values())) != len(ports):
            raise ValueError(f"the same port twice in {sorted(ports.values())}")
        return ports

    @field_validator("config")
    @classmethod
    def _config(cls, config: dict[str, str]) -> dict[str, str]:
        for key in config:
            if not CONFIG_KEY.match(key):
                raise ValueError(f"'{key}' is not a valid ConfigMap key")
            if SECRET_LIKE.search(key):
                raise ValueError(
                    f"'{key}' looks like a secret; put it in a Secret and list it in `secrets`"
                )
        return config

    @field_validator("secrets")
    @classmethod
    def _secrets(cls, secrets: list[str]) -> list[str]:
        for name in secrets:
            if not _DNS_SUBDOMAIN.match(name):
                raise ValueError(f"'{name}' is not a Secret name")
        if len(set(secrets)) != len(secrets):
            raise ValueError(f"a Secret listed twice in {secrets}")
        return secrets

    @field_validator("uses")
    @classmethod
    def _unique_uses(cls, uses: list[str]) -> list[str]:
        if len(set(uses)) != len(uses):
            raise ValueError(f"a data service listed twice in {uses}")
        return uses

    @field_validator("writable_paths")
    @classmethod
    def _paths(cls, paths: list[str]) -> list[str]:
        for path in paths:
            if not path.startswith("/") or path == "/":
                raise ValueError(f"'{path}' is not an absolute directory below /")
        return paths

    def problems(self) -> Iterator[Problem]:
        """Checks across this service's own fields (keys relative to the service)."""
        yield from super().problems()
        if self.replicas.min > self.replicas.max:
            yield Problem(
                "replicas.min", f"{self.replicas.min} exceeds replicas.max {self.replicas.max}"
            )
        if self.require_digest and self.digest is None:
            yield Problem("digest", "required when requireDigest is true")
        if self.host is not None and HTTP_PORT not in self.ports:
            yield Problem(
                "host", f"the HTTPRoute routes to the '{HTTP_PORT}' port; declare it in ports"
            )
        yield from self._rollout_problems()

    def _rollout_problems(self) -> Iterator[Problem]:
        if self.rollout == "rolling":
            if self.canary is not None:
                yield Problem("canary", "set only with rollout: canary (remove it to promote)")
            return
        if self.canary is None:
            yield Problem("canary", "required with rollout: canary (tag, digest, weight)")
        elif self.require_digest and self.canary.digest is None:
            yield Problem("canary.digest", "required when requireDigest is true")
        if self.host is None:
            yield Problem(
                "rollout", "canary splits the HTTPRoute's traffic; the service needs a host"
            )


def with_app_defaults(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Stack values with `appDefaults` merged under each service of `apps` (a service's own value
    wins; nested objects merge key by key).

    Invalid defaults are not merged: they are reported once, at `appDefaults`, instead of once
    per service."""
    merged = dict(raw)
    apps, defaults = raw.get("apps"), raw.get("appDefaults", {})
    if not isinstance(apps, Mapping) or not isinstance(defaults, Mapping):
        return merged
    try:
        AppDefaults.model_validate(defaults)
    except ValidationError:
        return merged
    merged["apps"] = {
        name: deep_merge(defaults, service) if isinstance(service, Mapping) else service
        for name, service in apps.items()
    }
    return merged


ServiceName = Annotated[str, StringConstraints(pattern=_DNS_LABEL, max_length=63)]
"""A service's key in `apps`: its Kubernetes object names and Pulumi resource names."""


def app_problems(
    apps: Mapping[str, AppService],
    *,
    namespaces: Iterable[str],
    data_enabled: Mapping[str, bool],
    cluster_enabled: bool,
    dns_domain: str | None,
    metrics_enabled: bool = True,
    gateway_metrics: bool = False,
) -> Iterator[tuple[str, str]]:
    """Checks of `apps` against the rest of the stack: (stack-file key, message), every one. (Each
    service's own cross-field checks, `AppService.problems`, run with every other section's.)
    `metrics_enabled`: the stack's monitoring stack is on (each service's monitors are checked);
    `gateway_metrics`: this cloud's public Gateway exports request metrics per route."""
    if apps and not cluster_enabled:
        yield "apps", f"{sorted(apps)} need a cluster; set cluster.enabled or remove them"
    known = set(namespaces)
    hosts: dict[str, str] = {}
    for name, app in apps.items():
        key = f"apps.{name}"
        if app.namespace not in known:
            yield f"{key}.namespace", f"'{app.namespace}' is not one of platform.namespaces"
        if app.rollout == "canary" and len(name + CANARY_SUFFIX) > 63:
            yield (
                f"{key}.rollout",
                f"'{name}{CANARY_SUFFIX}' (the canary's objects) is longer than 63 characters",
            )
        for service in app.uses:
            if not data_enabled.get(service, False):
                yield f"{key}.uses", f"'{service}' is not enabled ({service}.enabled is false)"
        if metrics_enabled:
            for sub, message in app.metrics.problems_of(
                app.ports, routed=app.host is not None, gateway_metrics=gateway_metrics
            ):
                yield f"{key}.metrics.{sub}", message
        if app.host is None:
            continue
        if dns_domain and not app.host.endswith("." + dns_domain):
            yield (
                f"{key}.host",
                f"'{app.host}' is not inside the platform's DNS zone '{dns_domain}'",
            )
        if app.host in hosts:
            yield f"{key}.host", f"'{app.host}' is already the host of apps.{hosts[app.host]}"
        hosts.setdefault(app.host, name)


def app_guardrail_problems(
    apps: Mapping[str, AppService], limits: PolicyLimits
) -> Iterator[tuple[str, str]]:
    """What a mandatory Kubernetes rule of the environment would block in a service, refused up
    front with the service's key (thresholds from policies/config/<environment>.json)."""
    env = limits.environment
    if rule := limits.enforced("k8s-replicas-and-pdb"):
        for name, app in apps.items():
            if app.replicas.min < rule["minReplicas"]:
                yield (
                    f"apps.{name}.replicas.min",
                    f"{env} needs at least {rule['minReplicas']} pods per service, got "
                    f"{app.replicas.min} (policy k8s-replicas-and-pdb)",
                )
            if app.canary is not None and app.canary.replicas < rule["minReplicas"]:
                yield (
                    f"apps.{name}.canary.replicas",
                    f"{env} needs at least {rule['minReplicas']} pods per Deployment, the "
                    f"canary's too, got {app.canary.replicas} (policy k8s-replicas-and-pdb)",
                )
    if (rule := limits.enforced("k8s-image-pinned")) and rule["requireDigest"]:
        for name, app in apps.items():
            if app.digest is None:
                yield (
                    f"apps.{name}.digest",
                    f"{env} deploys images pinned by digest (policy k8s-image-pinned)",
                )
