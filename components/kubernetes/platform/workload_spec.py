"""A Workload's args, names, limits and check: config and preflight need them without the SDKs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from components._base import parse_cidr, require
from components.kubernetes.architecture import ARCHITECTURES, Architecture
from components.kubernetes.platform.workload_monitoring_spec import (
    WorkloadMetricsArgs,
    validate_metrics,
)

if TYPE_CHECKING:
    import pulumi

DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_HOST_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
REPOSITORY = re.compile(
    rf"^(?:{_HOST_LABEL}(?:\.{_HOST_LABEL})*(?::[0-9]+)?/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*$"
)
"""An image reference's name (the distribution grammar): an optional registry host, then
lower-case path components; no tag, no digest. The kubelet refuses anything else (InvalidImageName)."""
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
"""A Kubernetes DNS label (RFC 1123): namespace, service and workload names."""
PORT_NAME = re.compile(r"^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$")  # IANA_SVC_NAME
CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")
"""What Kubernetes accepts as a ConfigMap key."""
SECRET_LIKE = re.compile(
    r"(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential)", re.I
)
ALLOWED_ADDED_CAPABILITIES = frozenset({"NET_BIND_SERVICE"})
"""The only capability PSA `restricted` lets a container add back."""
MIN_DATA_PREFIX = 16
"""Widest CIDR a data egress may open (a VPC); the data subnets are far narrower."""
MAX_DATA_PORTS = 2
"""Most ports one data egress opens (a serverless cache: read/write and reader endpoints)."""
HTTP_PORT = "http"
"""The named port the Service exposes on 80, the probes call and the HTTPRoute routes to."""


@dataclass(frozen=True, kw_only=True)
class SecurityArgs:
    """Container hardening. Every default is the secure value; weakening any is rejected."""

    run_as_non_root: bool = True
    """Refuse to start as UID 0."""
    run_as_user: int | None = None
    """Numeric UID (None: the image's USER, which must then be numeric and non-zero)."""
    run_as_group: int | None = None
    """Numeric GID; also the fsGroup of mounted volumes."""
    read_only_root_filesystem: bool = True
    """Root filesystem read-only; write only to `writable_paths`."""
    allow_privilege_escalation: bool = False
    """No setuid escalation (no_new_privs)."""
    drop_capabilities: Sequence[str] = ("ALL",)
    """Capabilities dropped; must include ALL."""
    add_capabilities: Sequence[str] = ()
    """Capabilities added back; only NET_BIND_SERVICE is allowed."""
    seccomp_profile: Literal["RuntimeDefault", "Localhost"] = "RuntimeDefault"
    """Seccomp profile type (Unconfined is rejected)."""


@dataclass(frozen=True, kw_only=True)
class ResourcesArgs:
    requests_cpu: str = "100m"
    requests_memory: str = "128Mi"
    limits_cpu: str = "500m"
    limits_memory: str = "256Mi"


@dataclass(frozen=True, kw_only=True)
class PeerArgs:
    """Pods allowed to talk to (or be talked to by) the workload."""

    namespace: str
    """Namespace of the peer pods."""
    pod_labels: Mapping[str, str] = field(default_factory=dict)
    """Labels of the peer pods (empty: every pod of the namespace)."""
    port: int | None = None
    """For egress peers: destination port (None: the workload's port is irrelevant, any port)."""


@dataclass(frozen=True, kw_only=True)
class DataEgressArgs:
    """A service outside the cluster (a database, a cache) the workload may connect to."""

    name: str
    """What it is (`postgres`), for humans reading the policy."""
    cidrs: Sequence[str]
    """Private CIDRs it lives in (the data subnets)."""
    port: int
    """Its TCP port; nothing else on those CIDRs is reachable."""
    end_port: int | None = None
    """Last port of a small range starting at `port` (a serverless cache's reader endpoint)."""


@dataclass(frozen=True, kw_only=True)
class RouteArgs:
    host: str
    """Public host name (the Gateway's HTTPS listener serves it)."""
    gateway_namespace: str = "gateway"
    """Namespace of the platform's public Gateway."""
    path: str = "/"


Rollout = Literal["rolling", "canary"]
ROLLOUTS: tuple[Rollout, ...] = ("rolling", "canary")
CANARY_SUFFIX = "-canary"
"""`<name>-canary`: the canary's Deployment, Service and NetworkPolicy."""


@dataclass(frozen=True, kw_only=True)
class CanaryArgs:
    """The second version a canary rollout runs beside the stable one."""

    tag: str
    """Image tag of the canary (same repository as the stable version)."""
    digest: str | None = None
    """`sha256:<64 hex>` of the canary image (required when `require_digest`)."""
    weight: int = 0
    """Percent of the route's requests sent to the canary (0-100); the stable Service gets the
    rest. 0: the canary runs but takes no public traffic."""
    replicas: int = 1
    """Canary pods (a fixed count: the stable Deployment keeps its autoscaler)."""


@dataclass(frozen=True, kw_only=True)
class WorkloadArgs:
    namespace: str
    """Namespace (a baseline workload namespace)."""
    part_of: str
    """Product name (label `app.kubernetes.io/part-of`)."""
    image: pulumi.Input[str]
    """Image repository without tag or digest (`docker.io/nginxinc/nginx-unprivileged`), or the
    URL of a repository created in the same program (an ECR repository's `repository_url`)."""
    tag: str
    """Image tag (never `latest`)."""
    digest: str | None = None
    """`sha256:<64 hex>`; pins the exact image bytes."""
    require_digest: bool = True
    """Refuse to deploy without `digest`."""
    ports: Mapping[str, int] = field(default_factory=lambda: {HTTP_PORT: 8080})
    """Named container ports. `http` is exposed by the Service on 80, probed and routed to by the
    HTTPRoute; other names keep their number on the Service. Empty: a worker with no Service."""
    min_replicas: int = 2
    """HPA lower bound (the Deployment leaves `replicas` to the HPA)."""
    max_replicas: int = 6
    target_cpu_utilization: int = 70
    """HPA target, percent of requested CPU."""
    resources: ResourcesArgs = field(default_factory=ResourcesArgs)
    liveness_path: str = "/"
    readiness_path: str = "/"
    security: SecurityArgs = field(default_factory=SecurityArgs)
    writable_paths: Sequence[str] = ("/tmp",)  # noqa: S108 (an emptyDir, not the node's /tmp)
    """Paths mounted as emptyDir (the root filesystem is read-only)."""
    config: Mapping[str, str] = field(default_factory=dict)
    """Non-secret settings, as a ConfigMap exposed as environment variables."""
    secret_env_from: Sequence[str] = ()
    """Names of existing Secrets exposed as environment variables (no literal secret values)."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Plain environment variables the platform sets (the trace collector's OTLP endpoint)."""
    automount_service_account_token: bool = False
    """Mount a Kubernetes API token (only for pods that call the API)."""
    service_account_role_arn: pulumi.Input[str] | None = None
    """IAM role for the service account (IRSA), if the service calls AWS."""
    route: RouteArgs | None = None
    """Public HTTPS entry (an HTTPRoute on the public Gateway); None: cluster-internal only."""
    rollout: Rollout = "rolling"
    """`rolling`: one Deployment, updated in place. `canary`: a second Deployment and Service
    (`<name>-canary`, running `canary`'s image) beside the stable ones, the route splitting its
    requests between them by `canary.weight`."""
    canary: CanaryArgs | None = None
    """The canary's image and weight (with `rollout: canary` only)."""
    load_balancer_cidrs: Sequence[str] = ()
    """Subnets of the public load balancer, admitted to the workload's ports by the
    NetworkPolicy (the ALB sends to pod IPs from its addresses there)."""
    allowed_peers: Sequence[PeerArgs] = ()
    """Further pods admitted to the workload's port."""
    egress_peers: Sequence[PeerArgs] = ()
    """Pods the workload may call (DNS is allowed by the namespace baseline)."""
    data_egress: Sequence[DataEgressArgs] = ()
    """Data services outside the cluster the workload may call; every other destination outside
    the cluster stays denied by the namespace's default-deny policy."""
    pdb_max_unavailable: int = 1
    """Pods a voluntary disruption (drain, upgrade) may take down at once."""
    zone_spread: Literal["DoNotSchedule", "ScheduleAnyway"] = "ScheduleAnyway"
    architectures: Sequence[Architecture] = ("amd64",)
    """CPU architectures the image is built for: pods are only scheduled on nodes of these
    (`kubernetes.io/arch`), so an amd64-only image never lands on an arm64 (Graviton) node.
    List every architecture of a multi-arch image."""
    """Zone spread strictness (DoNotSchedule blocks scheduling when a zone is missing)."""
    metrics: WorkloadMetricsArgs | None = None
    """Scrape, alerts, scrape NetworkPolicy and dashboard for the in-cluster monitoring stack
    (workload_monitoring.py); None: the workload is not observed."""


def is_repository(image: str) -> bool:
    """An image repository without tag or digest (a registry host may carry a port)."""
    return len(image) <= 255 and REPOSITORY.match(image) is not None


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
