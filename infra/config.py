"""The typed stack config: one validated, frozen `StackConfig` built from `Pulumi.<stack>.yaml`.

All `pulumi.Config` reads happen in `load_config`; everything downstream takes `StackConfig`.
Bad input fails here, before any resource is registered, with one line per problem that names the
stack-file key, the value and what is allowed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal

import pulumi
from pydantic import Field, ValidationError, model_validator

from components.aws.windows import staggered_windows, windows_overlap
from components.network.cidr_plan import CidrPlanError, SubnetPlan, default_slot, plan_subnets
from infra.presets import PRESETS, deep_merge
from infra.regions import REGIONS, Cloud, is_zone_of, zone_name, zone_suffix
from infra.sections.apps import (
    AppDefaults,
    AppService,
    ServiceName,
    app_problems,
    with_app_defaults,
)
from infra.sections.backup import Backup
from infra.sections.base import Section
from infra.sections.cdn import Cdn
from infra.sections.dr import DisasterRecovery
from infra.sections.kubernetes import Cluster, Platform
from infra.sections.network import Network
from infra.sections.postgres import Postgres
from infra.sections.redis import Redis
from infra.sections.storage import Storage
from infra.sections.tags import Tags

PROJECT = "groundwork"
"""Project name in Pulumi.yaml, and the namespace of every config key we own."""

Environment = Literal["dev", "staging", "prod"]
MIN_PROD_ZONES = 3
MIN_PROD_BACKUP_DAYS = 7


class ConfigError(pulumi.RunError):
    """The stack config is invalid. A RunError, so the Pulumi language host prints the message
    without a Python traceback."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid stack config:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems


class StackConfig(Section):
    """Everything a stack can set, under the `groundwork:` namespace of its stack file."""

    environment: Environment
    """Lifecycle stage; selects the preset in infra/presets.py."""
    cloud: Cloud = "aws"
    """Target cloud."""
    region: str
    """Primary region."""
    account_id: str | None = Field(None, pattern=r"^\d{12}$")
    """AWS account the stack may deploy into (12 digits). When set, the providers refuse any
    other account, so prod credentials pointed at the wrong account fail before touching it."""
    name: str = Field("groundwork", pattern=r"^[a-z][a-z0-9-]{1,20}[a-z0-9]$")
    """Product slug: prefix of every resource name and the `service` tag (3-23 lowercase
    letters, digits or hyphens; valid as a name on both clouds)."""
    tags: Tags
    """Ownership tags."""
    protect_stateful_resources: bool = True
    """Set Pulumi `protect` on stateful resources (keys, log groups, databases, caches, buckets)
    and turn on the cloud's own deletion protection where the resource has one, so neither a
    rename nor a destroy can delete them."""
    network: Network = Network()
    """The VPC."""
    dr: DisasterRecovery = DisasterRecovery()
    """Disaster-recovery region."""
    postgres: Postgres = Postgres()
    """The PostgreSQL HA database (docs/data.md)."""
    redis: Redis = Redis()
    """The Valkey / Redis cache (docs/data.md)."""
    backup: Backup = Backup()
    """AWS Backup vault and plan for the data tier (docs/data.md)."""
    cluster: Cluster = Cluster()
    """The EKS cluster (see docs/kubernetes.md)."""
    platform: Platform = Platform()
    """Platform baseline and add-ons on the cluster."""
    app_defaults: AppDefaults = AppDefaults()
    """What every service of `apps` starts from (the environment preset sets it); a service
    overrides any of it for itself."""
    apps: dict[ServiceName, AppService] = Field(default_factory=dict)
    """Services on the cluster by name, each a hardened Workload (docs/kubernetes.md): image,
    ports, replicas, resources, config, secrets, host and the data services it uses."""
    storage: Storage = Storage()
    """S3 buckets (assets, uploads, backups, logs)."""
    cdn: Cdn = Cdn()
    """CloudFront, TLS, security headers and WAF in front of the assets bucket."""

    @model_validator(mode="before")
    @classmethod
    def _merge_app_defaults(cls, data: Any) -> Any:
        return with_app_defaults(data) if isinstance(data, Mapping) else data

    @model_validator(mode="after")
    def _cross_field_checks(self) -> StackConfig:
        allowed = REGIONS[self.cloud]
        if self.region not in allowed:
            raise ValueError(
                f"region: '{self.region}' is not a {self.cloud} region; allowed: "
                + ", ".join(sorted(allowed))
            )
        self._check_zones()
        if self.environment == "prod" and len(self.network.zones) < MIN_PROD_ZONES:
            raise ValueError(
                f"network.zones: prod needs at least {MIN_PROD_ZONES} availability zones, "
                f"got {len(self.network.zones)}"
            )
        if self.dr.enabled:
            if self.dr.region is None:
                raise ValueError("dr.region: required when dr.enabled is true")
            if self.dr.region == self.region:
                raise ValueError(f"dr.region: must differ from the primary region '{self.region}'")
            if self.dr.region not in allowed:
                raise ValueError(f"dr.region: '{self.dr.region}' is not a {self.cloud} region")
        self._check_postgres()
        self._check_redis()
        self._check_backup()
        self._check_kubernetes()
        self._check_storage_and_cdn()
        return self

    def _check_postgres(self) -> None:
        pg = self.postgres
        # Each instance gets its own back-to-back copy of the maintenance window (aws_postgres.py).
        for window in staggered_windows(pg.maintenance_window, 1 + pg.readers):
            if windows_overlap(pg.backup_window, window):
                raise ValueError(
                    f"postgres.backupWindow: '{pg.backup_window}' overlaps the maintenance window "
                    f"'{window}'"
                    + ("" if window == pg.maintenance_window else " (staggered for an instance)")
                )
        scaling = pg.reader_autoscaling
        if scaling.enabled and pg.engine != "aurora-postgresql":
            raise ValueError("postgres.readerAutoscaling: needs the aurora-postgresql engine")
        if scaling.enabled and scaling.max_readers <= pg.readers:
            raise ValueError(
                f"postgres.readerAutoscaling.maxReaders: must be above readers ({pg.readers})"
            )
        if pg.max_allocated_storage_gib < pg.allocated_storage_gib:
            raise ValueError(
                "postgres.maxAllocatedStorageGib: must be at least allocatedStorageGib"
            )
        if self.environment == "prod" and pg.enabled:
            if pg.readers < 1:
                raise ValueError(
                    "postgres.readers: prod needs at least 1 reader (a failover target)"
                )
            if pg.backup_retention_days < MIN_PROD_BACKUP_DAYS:
                raise ValueError(
                    f"postgres.backupRetentionDays: prod needs at least {MIN_PROD_BACKUP_DAYS}"
                )

    def _check_redis(self) -> None:
        cache = self.redis
        if windows_overlap(cache.snapshot_window, cache.maintenance_window):
            raise ValueError(
                f"redis.snapshotWindow: '{cache.snapshot_window}' overlaps the maintenance window "
                f"'{cache.maintenance_window}'"
            )
        if cache.multi_az and cache.replicas < 1:
            raise ValueError(
                "redis.multiAz: needs at least 1 replica (a single node cannot fail over)"
            )
        if cache.shards > 1 and not cache.cluster_mode:
            raise ValueError("redis.shards: more than one shard needs clusterMode")
        if self.environment == "prod" and cache.enabled:
            if cache.replicas < 1:
                raise ValueError(
                    "redis.replicas: prod needs at least 2 cache nodes (primary + 1 replica)"
                )
            if cache.snapshot_retention_days < MIN_PROD_BACKUP_DAYS:
                raise ValueError(
                    f"redis.snapshotRetentionDays: prod needs at least {MIN_PROD_BACKUP_DAYS}"
                )

    def _check_backup(self) -> None:
        lock, days = self.backup.vault_lock, self.backup.retention_days
        if lock.enabled and not lock.min_retention_days <= days <= lock.max_retention_days:
            raise ValueError(
                f"backup.vaultLock: retentionDays ({days}) must lie within the lock's "
                f"{lock.min_retention_days}..{lock.max_retention_days} days"
            )

    def _check_kubernetes(self) -> None:
        cluster = self.cluster
        if cluster.endpoint.public and not cluster.endpoint.public_cidrs:
            raise ValueError(
                "cluster.endpoint.publicCidrs: required when the public endpoint is on "
                "(an allowlist; 0.0.0.0/0 is refused)"
            )
        for name, group in cluster.node_groups.items():
            path = f"cluster.nodeGroups.{name}"
            if not group.min_size <= group.desired_size <= group.max_size:
                raise ValueError(
                    f"{path}: need minSize <= desiredSize <= maxSize, got {group.min_size}, "
                    f"{group.desired_size}, {group.max_size}"
                )
            if group.capacity_type == "SPOT" and len(group.instance_types) < 2:
                raise ValueError(
                    f"{path}.instanceTypes: SPOT needs at least two types (one reclaimed pool "
                    "must not empty the group)"
                )
            if self.environment == "prod" and group.capacity_type == "SPOT":
                raise ValueError(f"{path}.capacityType: prod runs ON_DEMAND nodes, not SPOT")
        zone = self.platform.route53_zone
        for key, message in app_problems(
            self.apps,
            namespaces=[n.name for n in self.platform.namespaces],
            data_enabled={"postgres": self.postgres.enabled, "redis": self.redis.enabled},
            cluster_enabled=cluster.enabled,
            dns_domain=zone.domain if zone else None,
        ):
            raise ValueError(f"{key}: {message}")
        if cluster.enabled and not cluster.admin_role_arns:
            raise ValueError(
                "cluster.adminRoleArns: at least one role is required: the cluster grants no "
                "implicit creator admin, so without it nobody (Pulumi included) can reach the API"
            )
        role = cluster.kubeconfig_role_arn
        if role is not None and role not in cluster.admin_role_arns:
            raise ValueError(
                f"cluster.kubeconfigRoleArn: '{role}' has no access entry; add it to "
                "cluster.adminRoleArns"
            )

    def _check_storage_and_cdn(self) -> None:
        prod = self.environment == "prod"
        if prod and self.storage.force_destroy:
            raise ValueError("storage.forceDestroy: must be false in prod (buckets hold data)")
        if not self.cdn.enabled:
            return
        if not self.storage.assets.enabled:
            raise ValueError("cdn.enabled: the CDN serves the assets bucket; enable storage.assets")
        if prod and self.cdn.allow_default_certificate:
            raise ValueError(
                "cdn.allowDefaultCertificate: not allowed in prod; set cdn.domain so the minimum "
                "TLS version applies"
            )
        if self.cdn.domain is None and not self.cdn.allow_default_certificate:
            raise ValueError(
                "cdn.domain: required unless cdn.allowDefaultCertificate is true (with the default "
                "*.cloudfront.net certificate AWS fixes the minimum TLS version at TLSv1)"
            )

    def _check_zones(self) -> None:
        for zone in self.network.zones:
            full = zone_name(self.cloud, self.region, zone)
            if not is_zone_of(self.cloud, self.region, full):
                raise ValueError(
                    f"network.zones: '{zone}' is not a zone of {self.region} "
                    f"(use a letter such as 'a' or a full name such as '{zone_name(self.cloud, self.region, 'a')}')"
                )
        names = self.zone_names
        if len(set(names)) != len(names):
            raise ValueError(f"network.zones: the same zone is listed twice: {names}")
        pinned = {zone_name(self.cloud, self.region, z) for z in self.network.zone_slots}
        unknown = pinned - set(names)
        if unknown:
            raise ValueError(
                f"network.zoneSlots: names zones not in network.zones: {sorted(unknown)}"
            )
        try:
            self.subnet_plan()
        except CidrPlanError as exc:
            raise ValueError(str(exc)) from exc

    @property
    def zone_names(self) -> list[str]:
        """Full availability-zone names, in stack-file order."""
        return [zone_name(self.cloud, self.region, z) for z in self.network.zones]

    @property
    def zone_slots(self) -> dict[str, int]:
        """Subnet slot of each zone: pinned in `network.zoneSlots`, else from the zone letter."""
        pinned = {
            zone_name(self.cloud, self.region, z): s for z, s in self.network.zone_slots.items()
        }
        slots: dict[str, int] = {}
        for zone in self.zone_names:
            slot = pinned.get(zone, default_slot(zone_suffix(self.region, zone)))
            if slot is None:
                raise CidrPlanError(
                    "network.zoneSlots",
                    f"zone '{zone}' has no default slot (letters a-f do); pin one in zoneSlots",
                )
            slots[zone] = slot
        return slots

    def subnet_plan(self) -> SubnetPlan:
        net = self.network
        return plan_subnets(
            str(net.cidr),
            self.zone_slots,
            {
                "private": net.private_subnet_prefix,
                "public": net.public_subnet_prefix,
                "data": net.data_subnet_prefix,
            },
            zones=self.zone_names,
        )

    @property
    def base_tags(self) -> dict[str, str]:
        """Tags every taggable resource carries; the required ones win over `tags.extra`."""
        return {
            **self.tags.extra,
            "environment": self.environment,
            "owner": self.tags.owner,
            "cost-center": self.tags.cost_center,
            "service": self.name,
            "managed-by": "pulumi",
        }


def parse_config(raw: Mapping[str, Any]) -> StackConfig:
    """Validate un-namespaced stack-file values (`{"network": {...}}`) merged over their preset."""
    environment = raw.get("environment")
    preset = PRESETS.get(environment, {}) if isinstance(environment, str) else {}
    try:
        return StackConfig.model_validate(deep_merge(preset, raw))
    except ValidationError as exc:
        raise ConfigError([_describe(err) for err in exc.errors()]) from None


_FIELD_PREFIX = re.compile(r"^([a-zA-Z][\w.]*): ")


def _describe(err: Any) -> str:
    path = ".".join(str(p) for p in err["loc"])
    message = err["msg"].removeprefix("Value error, ")
    located = _FIELD_PREFIX.match(message)
    if not path and located:  # cross-field checks name their field at the start of the message
        path, message = located.group(1), message[located.end() :]
    key = f"{PROJECT}:{path}" if path else PROJECT
    if err["type"] == "extra_forbidden":
        return f"{key}: unknown key (check the spelling; see docs/config-reference.md)"
    if err["type"] == "missing":
        return f"{key}: required but not set"
    value = err.get("input")
    shown = "" if isinstance(value, dict | list) or value is None else f" (got {value!r})"
    return f"{key}: {message}{shown}"


def raw_config_from_pulumi() -> dict[str, Any]:
    """Every `groundwork:*` key of the running stack, decoded, without its namespace.

    Reads the in-memory config and PULUMI_CONFIG exactly as `pulumi.Config` does, but enumerates
    the keys so that a misspelt key is an error instead of silently ignored.
    """
    from pulumi.runtime import config as runtime_config  # noqa: PLC0415  (internal module)

    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    prefix = f"{PROJECT}:"
    raw: dict[str, Any] = {}
    for key, value in merged.items():
        if key.startswith(prefix):
            raw[key.removeprefix(prefix)] = _decode(value)
    return raw


def _decode(value: Any) -> Any:
    """Structured values arrive JSON-encoded; plain strings stay strings."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def load_config() -> StackConfig:
    """The running stack's validated config (raises ConfigError)."""
    return parse_config(raw_config_from_pulumi())
