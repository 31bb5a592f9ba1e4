"""The typed stack config: one validated, frozen config object built from `Pulumi.<stack>.yaml`.

`StackConfig` is a pydantic union discriminated by `cloud`: `AwsStackConfig` (the default) or
`AlicloudStackConfig`. Both share the cloud-neutral intent of `StackBase` (sizes of the HA tiers,
retention, exposure) and add their cloud's own keys per section (infra/sections/), so a stack file
with another cloud's values (an RDS instance class, a CloudFront price class) is refused.

All config reads happen in `load_config`; everything downstream takes the config object.
Bad input fails here, before any resource is registered, with one line per problem that names the
stack-file key, the value and what is allowed. Every field check and every cross-field check runs;
all their problems are reported together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from types import UnionType
from typing import Annotated, Any, ClassVar, Literal, Self, Union, cast, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from components._base import LOG_CLASSES, SLS_FOREVER_DAYS, Cloud
from components.monitoring import AlarmSpec, Severity
from components.network.cidr_plan import CidrPlanError, SubnetPlan, default_slot, plan_subnets
from components.redis.aws_global_spec import global_datastore_problems
from infra.cloud_names import prefix_problems
from infra.config_source import project_values
from infra.name_budget import CAPABILITY_SECTIONS, budget_problems
from infra.policy_limits import PolicyLimits, policy_limits
from infra.presets import preset
from infra.regions import (
    CLOUD_NAMES,
    REGIONS,
    RESIDENCY_NAMES,
    RESIDENCY_REGIONS,
    Residency,
    is_zone_of,
    zone_letters,
    zone_name,
    zone_suffix,
)
from infra.secret_config import offline_placeholders, overlaps, secret_texts
from infra.sections.alerting import (
    Alerting,
    AlicloudAlerting,
    alerting_problems,
    in_cluster_problems,
    unwatched,
)
from infra.sections.api import Api, AwsApi
from infra.sections.apps import (
    AppDefaults,
    AppService,
    ServiceName,
    app_guardrail_problems,
    app_problems,
    with_app_defaults,
)
from infra.sections.backup import AwsBackup, Backup
from infra.sections.base import CrossFieldError, Problem, Section, all_problems
from infra.sections.budget import AwsBudget, Budget
from infra.sections.cdn import AlicloudCdn, AwsCdn, Cdn
from infra.sections.dr import AlicloudDisasterRecovery, AwsDisasterRecovery, DisasterRecovery
from infra.sections.health import HealthChecks
from infra.sections.kms import AlicloudKms
from infra.sections.kubernetes import (
    AlicloudCluster,
    AlicloudPlatform,
    AwsCluster,
    AwsPlatform,
    Cluster,
    Platform,
)
from infra.sections.logs import (
    AwsLogs,
    Logs,
    retention_problems,
    with_class_retention,
)
from infra.sections.metrics import Metrics, metrics_floor_problems
from infra.sections.network import AlicloudNetwork, AwsNetwork, Network
from infra.sections.postgres import AlicloudPostgres, AwsPostgres, Postgres
from infra.sections.redis import AlicloudRedis, AwsRedis, Redis
from infra.sections.registry import AwsRegistry
from infra.sections.storage import AwsStorage, Storage
from infra.sections.tags import Tags
from infra.sections.tracing import Tracing
from planner.config_keys import namespace_problems
from planner.stackfile import dotted_path
from policies.guardrails.obs_floors import EKS as EKS_TYPE

PROJECT = "groundwork"
"""Project name in Pulumi.yaml, and the namespace of every config key we own."""

Environment = Literal["dev", "test", "staging", "prod"]
"""Lifecycle stages in promotion order (test runs beside dev); each has a preset and a policy config."""


class ConfigError(ValueError):
    """The stack config is invalid: `problems` has one line per problem. Not a `pulumi.RunError`
    (validating config imports no SDK): `load_config` raises one for the language host."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid stack config:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems


def _digits(count: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not (len(value) == count and value.isdigit()):
            raise ValueError(f"must be the {count}-digit account id of this cloud")
        return value

    return check


class StackBase(Section):
    """What every stack sets, whatever its cloud, under the `groundwork:` namespace."""

    CLOUD: ClassVar[Cloud]
    BUDGET_IN_CONFIG: ClassVar[bool] = True
    ALERTING_BUILT: ClassVar[bool] = True
    """Whether this cloud builds `alerting` (topics and alarms); where a mandatory rule asks for
    alarms, the section is then required."""
    GATEWAY_REQUEST_METRICS: ClassVar[bool] = False
    """Whether this cloud's public Gateway exports Prometheus request metrics per route (a
    service's `metrics.source: gateway`): Envoy Gateway's proxies do, the ALB does not."""
    """Whether the stack file declares the budget (`budget.monthlyLimit`): a cloud budget resource
    carries it to the cost-stack-budget policy. Without one the policy config holds the limit."""

    environment: Environment
    """Lifecycle stage; selects the preset in infra/presets.py and the policy config
    policies/config/<environment>.json the config is checked against."""
    region: str
    """Primary region."""
    data_residency: Residency | None = None
    """Where the stack's data must stay: `mainland-china` (PIPL) holds the primary region and the
    DR region (`dr.region`) to the cloud's mainland-China regions; None: no constraint."""
    name: str = Field("groundwork", pattern=r"^[a-z][a-z0-9-]{1,20}[a-z0-9]$")
    """Product slug: prefix of every resource name and the `service` tag (3-23 lowercase
    letters, digits or hyphens; valid as a name on both clouds)."""
    tags: Tags
    """Ownership tags."""
    protect_stateful_resources: bool = True
    """Set Pulumi `protect` on stateful resources (keys, log groups, databases, caches, buckets)
    and turn on the cloud's own deletion protection where the resource has one, so neither a
    rename nor a destroy can delete them."""
    network: Network = Field(default_factory=Network)
    """The VPC."""
    dr: DisasterRecovery = Field(default_factory=DisasterRecovery)
    """Disaster-recovery region."""
    postgres: Postgres = Field(default_factory=Postgres)
    """The PostgreSQL HA database (docs/data.md)."""
    redis: Redis = Field(default_factory=Redis)
    """The Valkey / Redis cache (docs/data.md)."""
    backup: Backup = Field(default_factory=Backup)
    """Backups of the data tier (docs/data.md)."""
    budget: Budget = Field(default_factory=Budget)
    """The stack's monthly budget: a cloud budget with alerts, and the limit the
    `cost-stack-budget` policy holds the estimate to (docs/cost.md); required where that policy
    is mandatory (staging, prod)."""
    cluster: Cluster = Field(default_factory=Cluster)
    """The managed Kubernetes cluster (docs/kubernetes.md)."""
    platform: Platform = Field(default_factory=Platform)
    """Platform baseline and add-ons on the cluster."""
    app_defaults: AppDefaults = Field(default_factory=AppDefaults)
    """What every service of `apps` starts from (the environment preset sets it); a service
    overrides any of it for itself."""
    apps: dict[ServiceName, AppService] = Field(default_factory=dict)
    """Services on the cluster by name, each a hardened Workload (docs/kubernetes.md): image,
    ports, replicas, resources, config, secrets, host and the data services it uses."""
    storage: Storage = Field(default_factory=Storage)
    """Buckets (assets, uploads, backups, logs)."""
    cdn: Cdn = Field(default_factory=Cdn)
    """The CDN, TLS, security headers and web firewall in front of the assets bucket."""
    api: Api = Field(default_factory=Api)
    """The edge (CDN + web firewall with a per-client rate limit) in front of the public API."""
    alerting: Alerting = Field(default_factory=Alerting)
    """Alert severities P0-P3 and their channels; the components' alarms and the in-cluster
    Alertmanager both route by it (docs/monitoring.md)."""
    logs: Logs = Field(default_factory=Logs)
    """Log retention by class, on either cloud: every log group's (CloudWatch) or logstore's (SLS)
    days come from its class (docs/monitoring.md)."""
    metrics: Metrics = Field(default_factory=Metrics)
    """The in-cluster metrics stack on the cluster: Prometheus, Alertmanager, Grafana
    (docs/monitoring.md); without a cluster nothing is installed."""

    @model_validator(mode="before")
    @classmethod
    def _merge_app_defaults(cls, data: Any) -> Any:
        return with_app_defaults(data) if isinstance(data, Mapping) else data

    @field_validator("region")
    @classmethod
    def _region_of_cloud(cls, region: str) -> str:
        allowed = REGIONS[cls.CLOUD]
        if region not in allowed:
            raise ValueError(
                f"'{region}' is not an {CLOUD_NAMES[cls.CLOUD]} region; allowed: "
                + ", ".join(sorted(allowed))
            )
        return region

    @model_validator(mode="after")
    def _cross_field_checks(self) -> Self:
        # Runs once every field is valid: then every check of every section runs, and all
        # problems are raised together.
        found = list(all_problems(self))
        if found:
            raise CrossFieldError(found)
        return self

    @property
    def limits(self) -> PolicyLimits:
        """The mandatory guardrails of this environment (policies/config/<environment>.json)."""
        return policy_limits(self.environment)

    def _generating_sections(self) -> Iterator[str]:
        """The sections whose components this stack builds (and so whose names it generates)."""
        for section in CAPABILITY_SECTIONS.values():
            value = getattr(self, section, None)
            if value is None:
                continue
            if section == "budget":
                on = value.monthly_limit is not None
            elif section == "alerting":
                on = value.configured
            else:
                on = getattr(value, "enabled", True)
            if on:
                yield section

    def _image_problems(self) -> Iterator[Problem]:
        if (no_registry := self._own_registry()) is not None:
            for name, app in self.apps.items():
                if app.image is None:
                    yield Problem(
                        f"apps.{name}.image",
                        f"required: {no_registry}, so the service has no repository of its own",
                    )

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        for line in prefix_problems(self.prefix):
            yield Problem(
                "name",
                f"'{self.name}' makes every resource name start '{self.prefix}', which {line}",
            )
        cloud: str = getattr(self, "cloud", "aws")  # each variant's discriminator
        for line in budget_problems(self.name, self.prefix, cloud, self._generating_sections()):
            yield Problem("name", line)
        yield from self._zone_problems()
        yield from self._residency_problems()
        dr = self.dr
        if dr.enabled:
            if dr.region is None:
                yield Problem("dr.region", "required when dr.enabled is true")
            elif dr.region == self.region:
                yield Problem("dr.region", f"must differ from the primary region '{self.region}'")
            elif dr.region not in REGIONS[self.CLOUD]:
                yield Problem(
                    "dr.region", f"'{dr.region}' is not an {CLOUD_NAMES[self.CLOUD]} region"
                )
            else:
                yield from self._dr_problems(dr.region)
        yield from self._guardrail_problems()
        yield from self._image_problems()
        for key, message in app_problems(
            self.apps,
            namespaces=[n.name for n in self.platform.namespaces],
            data_enabled={"postgres": self.postgres.enabled, "redis": self.redis.enabled},
            cluster_enabled=self.cluster.enabled,
            dns_domain=self._dns_domain(),
            metrics_enabled=self.metrics.enabled,
            gateway_metrics=self.GATEWAY_REQUEST_METRICS,
        ):
            yield Problem(key, message)
        if self.cdn.enabled and not self.storage.assets.enabled:
            yield Problem("cdn.enabled", "the CDN serves the assets bucket; enable storage.assets")
        enforced = self.limits.enforced("obs-alarms-for-stateful") is not None
        required = self.ALERTING_BUILT and enforced
        for key, message in alerting_problems(self.alerting, required=required, cloud=self.CLOUD):
            yield Problem(key, message)

    def _stateful_alarms(self) -> dict[str, dict[str, Severity]]:
        """Each stateful capability this stack builds (database, cache, cluster): its alarms'
        keys and default severities, as its component emits them."""
        return {}

    def _guardrail_problems(self) -> Iterator[Problem]:
        """What a mandatory rule of this environment would block, refused with its key."""
        if self.alerting.configured and self.limits.enforced("obs-alarms-for-stateful"):
            yield from unwatched(self.alerting, self._stateful_alarms())
        for minimum in MINIMUMS:
            rule = self.limits.enforced(minimum.rule)
            value = minimum.value(self)
            if rule is not None and value is not None and value < rule[minimum.param]:
                yield Problem(
                    minimum.key,
                    f"{self.environment} needs at least {rule[minimum.param]} {minimum.counts}, "
                    f"got {value} (policy {minimum.rule})",
                )
        if (
            self.BUDGET_IN_CONFIG
            and self.budget.monthly_limit is None
            and self.limits.enforced("cost-stack-budget")
        ):
            yield Problem(
                "budget.monthlyLimit",
                f"{self.environment} needs a monthly budget (policy cost-stack-budget holds the "
                "estimate to it, and the budget alerts watch the bill)",
            )
        for key, message in app_guardrail_problems(self.apps, self.limits):
            yield Problem(key, message)
        yield from metrics_floor_problems(self.metrics, self.limits, self.cluster.enabled)
        if self.storage.force_destroy and self.limits.enforced("stateful-resources-protected"):
            yield Problem(
                "storage.forceDestroy",
                f"must be false in {self.environment}: buckets hold data "
                "(policy stateful-resources-protected)",
            )

    def _service_regions(self) -> dict[str, str]:
        """Regions of services that live outside the stack's region, by stack-file key."""
        return {}

    def _residency_problems(self) -> Iterator[Problem]:
        """A stack under a data-residency rule keeps every region it puts data in inside it."""
        if self.data_residency is None:
            return
        allowed = RESIDENCY_REGIONS[self.data_residency][self.CLOUD]
        where = RESIDENCY_NAMES[self.data_residency]
        listed = ", ".join(sorted(allowed)) or f"none on {CLOUD_NAMES[self.CLOUD]}"
        regions = {"region": self.region, **self._service_regions()}
        if self.dr.enabled and self.dr.region:
            regions["dr.region"] = self.dr.region
        for key, region in regions.items():
            if region not in allowed:
                yield Problem(
                    key,
                    f"'{region}' is outside {where}, where dataResidency "
                    f"'{self.data_residency}' keeps this stack's data; allowed: {listed}",
                )

    def _own_registry(self) -> str | None:
        """Why services cannot run from a repository of the stack's own registry; None: they can."""
        return f"{CLOUD_NAMES[self.CLOUD]} stacks have no registry yet"

    def _dns_domain(self) -> str | None:
        """The DNS zone the platform publishes app hosts in, if any (per cloud)."""
        return None

    def _dr_problems(self, region: str) -> Iterator[Problem]:
        dr = self.dr
        if "cidr" not in dr.network.model_fields_set:
            yield Problem(
                "dr.network.cidr",
                f"required when dr.enabled is true: a block that does not overlap "
                f"network.cidr ({self.network.cidr})",
            )
        elif dr.network.cidr.overlaps(self.network.cidr):
            yield Problem(
                "dr.network.cidr",
                f"{dr.network.cidr} overlaps network.cidr {self.network.cidr}: the regions "
                "need distinct blocks (peering, routes that survive a failover)",
            )
        else:
            yield from self._zone_problems(region, dr.network, "dr.network")
        roles = {"assets": self.storage.assets, "uploads": self.storage.uploads,
                 "backups": self.storage.backups}  # fmt: skip
        for role in dr.critical_buckets:
            if not roles[role].enabled:
                yield Problem(
                    "dr.criticalBuckets", f"'{role}' is not built (storage.{role}.enabled is false)"
                )
        if dr.backup_copies and not self.backup.enabled:
            yield Problem("dr.backupCopies", "copies need the backup plan (backup.enabled)")
        if dr.postgres != "none" and not self.postgres.enabled:
            yield Problem("dr.postgres", f"'{dr.postgres}' needs postgres.enabled (or set none)")

    def _zone_problems(
        self, region: str | None = None, network: Network | None = None, key: str = "network"
    ) -> Iterator[Problem]:
        region, network = region or self.region, network or self.network
        bad = [z for z in network.zones
               if not is_zone_of(self.CLOUD, region, zone_name(self.CLOUD, region, z))]  # fmt: skip
        letters = zone_letters(self.CLOUD, region)
        known = f"; its zones: {', '.join(letters)}" if letters else ""
        for zone in bad:
            yield Problem(
                f"{key}.zones",
                f"'{zone}' is not a zone of {region} (use a letter such as 'a' or a full "
                f"name such as '{zone_name(self.CLOUD, region, 'a')}'{known})",
            )
        if bad:
            return
        names = [zone_name(self.CLOUD, region, z) for z in network.zones]
        if len(set(names)) != len(names):
            yield Problem(f"{key}.zones", f"the same zone is listed twice: {names}")
            return
        pinned = {zone_name(self.CLOUD, region, z) for z in network.zone_slots}
        unknown = pinned - set(names)
        if unknown:
            yield Problem(f"{key}.zoneSlots", f"names zones not in {key}.zones: {sorted(unknown)}")
            return
        try:
            self.subnet_plan(region, network)
        except CidrPlanError as exc:
            yield Problem(exc.field.replace("network", key, 1), exc.message)

    @property
    def zone_names(self) -> list[str]:
        """Full availability-zone names, in stack-file order."""
        return self.zone_names_of(self.region, self.network)

    def zone_names_of(self, region: str, network: Network) -> list[str]:
        return [zone_name(self.CLOUD, region, z) for z in network.zones]

    @property
    def zone_slots(self) -> dict[str, int]:
        """Subnet slot of each zone: pinned in `network.zoneSlots`, else from the zone letter."""
        return self.zone_slots_of(self.region, self.network)

    def zone_slots_of(self, region: str, network: Network) -> dict[str, int]:
        pinned = {zone_name(self.CLOUD, region, z): s for z, s in network.zone_slots.items()}
        slots: dict[str, int] = {}
        for zone in self.zone_names_of(region, network):
            slot = pinned.get(zone, default_slot(zone_suffix(region, zone)))
            if slot is None:
                raise CidrPlanError(
                    "network.zoneSlots",
                    f"zone '{zone}' has no default slot (letters a-f do); pin one in zoneSlots",
                )
            slots[zone] = slot
        return slots

    def subnet_plan(self, region: str | None = None, network: Network | None = None) -> SubnetPlan:
        """The subnet plan of the primary network, or of `network` in `region` (the DR one)."""
        region, net = region or self.region, network or self.network
        return plan_subnets(
            str(net.cidr),
            self.zone_slots_of(region, net),
            {
                "private": net.private_subnet_prefix,
                "public": net.public_subnet_prefix,
                "data": net.data_subnet_prefix,
            },
            zones=self.zone_names_of(region, net),
        )

    @property
    def prefix(self) -> str:
        """`<name>-<environment>`: the prefix of every component name."""
        return f"{self.name}-{self.environment}"

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


class AwsStackConfig(StackBase):
    """A stack on AWS (the default when `cloud` is not set)."""

    CLOUD: ClassVar[Cloud] = "aws"

    cloud: Literal["aws"] = "aws"
    """Target cloud: `aws` (default) or `alicloud`; selects which keys each section has."""
    account_id: Annotated[str, AfterValidator(_digits(12))] | None = Field(
        None, examples=["111122223333"]
    )
    """AWS account the stack may deploy into (12 digits). When set, the providers refuse any
    other account, so prod credentials pointed at the wrong account fail before touching it."""
    network: AwsNetwork = Field(default_factory=AwsNetwork)
    """The VPC."""
    dr: AwsDisasterRecovery = Field(default_factory=AwsDisasterRecovery)
    """Disaster-recovery region (docs/dr.md)."""
    postgres: AwsPostgres = Field(default_factory=AwsPostgres)
    """The PostgreSQL HA database: Aurora or RDS (docs/data.md)."""
    redis: AwsRedis = Field(default_factory=AwsRedis)
    """The Valkey / Redis cache on ElastiCache (docs/data.md)."""
    backup: AwsBackup = Field(default_factory=AwsBackup)
    """AWS Backup vault and plan for the data tier (docs/data.md)."""
    cluster: AwsCluster = Field(default_factory=AwsCluster)
    """The EKS cluster (see docs/kubernetes.md)."""
    platform: AwsPlatform = Field(default_factory=AwsPlatform)
    """Platform baseline and add-ons on the cluster."""
    storage: AwsStorage = Field(default_factory=AwsStorage)
    """S3 buckets (assets, uploads, backups, logs)."""
    cdn: AwsCdn = Field(default_factory=AwsCdn)
    """CloudFront, TLS, security headers and WAF in front of the assets bucket."""
    api: AwsApi = Field(default_factory=AwsApi)
    """CloudFront + WAF (per-client rate limit) in front of the public API (docs/dr.md)."""
    registry: AwsRegistry = Field(default_factory=AwsRegistry)
    """ECR repositories, one per service of `apps` (docs/delivery.md)."""
    budget: AwsBudget = Field(default_factory=AwsBudget)
    """The stack's monthly budget (an AWS Budget) and cost anomaly alerts (docs/cost.md)."""
    logs: AwsLogs = Field(default_factory=AwsLogs)
    """Log retention by class, container log shipping to CloudWatch Logs and an optional
    OpenSearch domain (docs/monitoring.md)."""
    tracing: Tracing = Field(default_factory=Tracing)
    """The OpenTelemetry Collector the services send traces to; X-Ray or an OTLP endpoint."""
    health_checks: HealthChecks = Field(default_factory=HealthChecks)
    """Route 53 health checks of the public entry points, alarmed in us-east-1."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        cluster, cdn = self.cluster, self.cdn

        node_architectures = set()
        for group in cluster.node_groups.values():
            with suppress(ValueError):  # a mixed group is reported under its instanceTypes
                node_architectures.add(group.architecture)
        for name, app in self.apps.items() if cluster.enabled and node_architectures else ():
            if not set(app.architectures) & node_architectures:
                yield Problem(
                    f"apps.{name}.architectures",
                    f"the image runs on {', '.join(app.architectures)} but every node group is "
                    f"{', '.join(sorted(node_architectures))}: list the image's other "
                    "architecture if it is multi-arch, or add a node group it can run on",
                )
        if self.dr.enabled:
            yield from self._aws_dr_problems()
        yield from self._api_problems()
        for key, message in retention_problems(self.logs, self._log_groups(), self.limits):
            yield Problem(key, message)
        search = self.logs.search
        if search.enabled and not (cluster.enabled and self.logs.shipping.enabled):
            yield Problem("logs.search.enabled", "needs cluster.enabled and "
                          "logs.shipping.enabled: Fluent Bit is what fills the domain")  # fmt: skip
        if search.enabled and search.zones > len(self.network.zones):
            yield Problem("logs.search.zones", f"{search.zones} zones, but network.zones has "
                          f"{len(self.network.zones)}")  # fmt: skip
        if cluster.enabled and not cluster.admin_role_arns:
            yield Problem(
                "cluster.adminRoleArns",
                "at least one role is required: the cluster grants no implicit creator admin, so "
                "without it nobody (Pulumi included) can reach the API",
            )
        if cdn.enabled and cdn.domain is None:
            if self.limits.enforced("cdn-https-only"):
                yield Problem(
                    "cdn.domain",
                    f"required in {self.environment}: on the default *.cloudfront.net certificate "
                    "AWS fixes the minimum TLS version at TLSv1 (policy cdn-https-only)",
                )
            elif not cdn.allow_default_certificate:
                yield Problem(
                    "cdn.domain",
                    "required unless cdn.allowDefaultCertificate is true (with the default "
                    "*.cloudfront.net certificate AWS fixes the minimum TLS version at TLSv1)",
                )

    def _stateful_alarms(self) -> dict[str, dict[str, Severity]]:
        # (imported here: the components import the config's section types)
        from components.kubernetes.aws_alarms import cluster_alarms  # noqa: PLC0415
        from components.postgres.aws_alarms import postgres_alarms  # noqa: PLC0415
        from components.redis import aws_alarms as redis  # noqa: PLC0415

        found: dict[str, list[AlarmSpec]] = {}
        if self.postgres.enabled:
            found["postgres"] = postgres_alarms(aurora=self.postgres.engine == "aurora-postgresql",
                                                identifier="-", readers=self.postgres.readers)  # fmt: skip
        if self.redis.enabled:
            cache = self.redis.serverless
            found["redis"] = (
                redis.redis_alarms({"001": "-"}, replicas=1) if cache is None
                else redis.serverless_alarms("-", max_data_storage_gb=cache.max_data_storage_gb,
                                             max_ecpu_per_second=cache.max_ecpu_per_second)
            )  # fmt: skip
        if self.cluster.enabled:
            found["cluster"] = cluster_alarms("-")
        return {c: {a.key: a.severity for a in specs} for c, specs in found.items()}

    def _log_groups(self) -> dict[str, int]:
        """The retention of each log group the stack builds, by its stack-file key."""
        c, redis = self, self.redis
        built = {
            "network.flowLogs.retentionDays": (c.network.flow_logs.enabled,
                                               c.network.flow_logs.retention_days),
            "cluster.logRetentionDays": (c.cluster.enabled, c.cluster.log_retention_days),
            "postgres.logRetentionDays": (c.postgres.enabled, c.postgres.log_retention_days),
            "cdn.waf.logRetentionDays": ((c.cdn.enabled and c.cdn.waf.enabled) or c.api.enabled,
                                         c.cdn.waf.log_retention_days),
            "redis.slowLogRetentionDays": (redis.enabled and redis.node_based,
                                           redis.slow_log_retention_days),
        }  # fmt: skip
        return {key: days for key, (on, days) in built.items() if on}

    def _guardrail_problems(self) -> Iterator[Problem]:
        yield from super()._guardrail_problems()
        env, limits = self.environment, self.limits
        if self.cdn.enabled and not self.cdn.waf.enabled and limits.enforced("cdn-waf-and-logging"):
            yield Problem("cdn.waf.enabled", f"{env} keeps a web firewall in front of the CDN "
                          "(policy cdn-waf-and-logging)")  # fmt: skip
        if self.cluster.enabled:
            yield from self._telemetry_floor_problems()
        if not self.health_checks.enabled and limits.enforced("obs-entry-health-checks"):
            from infra.layers.health_args import entry_points  # noqa: PLC0415 (layers import config)

            if entry_points(self):
                yield Problem("healthChecks.enabled", f"false: {env} checks its public entry "
                              f"points {sorted(entry_points(self))} (policy obs-entry-health-checks); "
                              "allowed: true")  # fmt: skip
        if limits.enforced("k8s-on-demand-nodes"):
            for name, group in self.cluster.node_groups.items():
                if group.capacity_type == "SPOT":
                    yield Problem(
                        f"cluster.nodeGroups.{name}.capacityType",
                        f"{env} runs ON_DEMAND nodes, not SPOT (policy k8s-on-demand-nodes)",
                    )

    def _telemetry_floor_problems(self) -> Iterator[Problem]:
        """The cluster's log shipper and trace collector, where obs-log-shipping and
        obs-tracing-collector are mandatory (the rules look for a release of these charts)."""
        env = self.environment
        floors = (
            ("obs-log-shipping", "shippingCharts", "logs.shipping", self.logs.shipping, "ships container logs"),
            ("obs-tracing-collector", "collectorCharts", "tracing", self.tracing, "runs a trace collector"),
        )  # fmt: skip
        for rule_id, charts, key, section, what in floors:
            rule = self.limits.enforced(rule_id)
            if rule is None or EKS_TYPE not in rule.get("clusterTypes", [EKS_TYPE]):
                continue
            if not section.enabled:
                yield Problem(f"{key}.enabled", f"false: {env} {what} (policy {rule_id}); "
                              "allowed: true")  # fmt: skip
            elif section.chart.chart not in rule[charts]:
                yield Problem(f"{key}.chart.chart", f"'{section.chart.chart}' is not one the "
                              f"policy {rule_id} knows; allowed: {', '.join(rule[charts])}")  # fmt: skip

    def _dns_domain(self) -> str | None:
        zone = self.platform.route53_zone
        return zone.domain if zone else None

    def _aws_dr_problems(self) -> Iterator[Problem]:
        """What the DR region's database and cache need of the primary's (AWS refuses the rest)."""
        dr, pg, cache = self.dr, self.postgres, self.redis
        if dr.postgres == "headless" and pg.enabled and pg.engine != "aurora-postgresql":
            yield Problem(
                "dr.postgres",
                "'headless' is an Aurora Global Database secondary without instances: with "
                "postgres.engine postgres use warm (a cross-region read replica) or none "
                "(cross-region backup copies)",
            )
        if dr.compute == "warm":
            if not self.cluster.enabled:
                yield Problem("dr.compute", "'warm' is a standby of the cluster: it needs "
                              "cluster.enabled (or set cold)")  # fmt: skip
            if dr.network.nat == "none":
                yield Problem("dr.network.nat", "'none' leaves a warm standby's nodes without a "
                              "way to ECR, EKS and STS: set single (dr.compute: warm)")  # fmt: skip
        if dr.cache != "replicated":
            return
        if not cache.enabled:
            yield Problem("dr.cache", "'replicated' needs redis.enabled (or set rebuild)")
        elif cache.serverless is not None:
            yield Problem(
                "dr.cache",
                "'replicated' is an ElastiCache Global Datastore, which serverless caches do "
                "not have: use a node-based cache (redis.serverless: null) or set rebuild",
            )
        elif dr.region is not None:
            keys = {"node_type": "redis.nodeType", "engine_version": "redis.engineVersion",
                    "primary_region": "region", "region": "dr.region"}  # fmt: skip
            for field_name, message in global_datastore_problems(
                engine=cache.engine, engine_version=cache.engine_version,
                node_type=cache.node_type, primary_region=self.region, region=dr.region,
            ):  # fmt: skip
                yield Problem(keys[field_name], f"{message} (dr.cache: replicated)")

    def _api_problems(self) -> Iterator[Problem]:
        api, domain = self.api, self._dns_domain()
        if not api.enabled:
            if self.dr.failover.api_standby_host:
                yield Problem(
                    "dr.failover.apiStandbyHost", "needs api.enabled (nothing to fail over)"
                )
            return
        for key, value in (("api.host", api.host), ("api.origin", api.origin)):
            if value is None:
                yield Problem(key, "required when api.enabled is true")
        if domain is None:
            yield Problem(
                "platform.route53Zone",
                "required by api.enabled: the API certificate and records go into that zone",
            )
        elif api.host and not api.host.endswith(f".{domain}"):
            yield Problem("api.host", f"'{api.host}' is not inside the zone's domain '{domain}'")
        if api.host and api.host == api.origin:
            yield Problem("api.origin", "must differ from api.host (which points at the edge)")
        standby = self.dr.failover.api_standby_host
        if standby and not self.dr.enabled:
            yield Problem("dr.failover.apiStandbyHost", "needs dr.enabled")
        if standby and standby in (api.host, api.origin):
            yield Problem("dr.failover.apiStandbyHost", "must be the DR region's own entry")

    def _own_registry(self) -> str | None:
        return None if self.registry.enabled else "registry.enabled is false"


class AlicloudStackConfig(StackBase):
    """A stack on Alibaba Cloud (infra/layers/alicloud/). A capability not built there yet is
    refused with its key (infra/preflight_alicloud.py), never silently left out."""

    CLOUD: ClassVar[Cloud] = "alicloud"
    BUDGET_IN_CONFIG: ClassVar[bool] = False
    ALERTING_BUILT: ClassVar[bool] = True  # CloudMonitor (infra/layers/alicloud/monitoring.py)
    GATEWAY_REQUEST_METRICS: ClassVar[bool] = True  # Envoy Gateway (alicloud_gateway.py)

    cloud: Literal["alicloud"]
    """Target cloud."""
    account_id: Annotated[str, AfterValidator(_digits(16))] | None = Field(
        None, examples=["1111222233334444"]
    )
    """Alibaba Cloud account (16 digits) the stack deploys into, given to the provider (which uses
    it where an API needs the account id; unlike AWS, it has no account allowlist)."""
    network: AlicloudNetwork = Field(default_factory=AlicloudNetwork)
    """The VPC and its vSwitches."""
    dr: AlicloudDisasterRecovery = Field(default_factory=AlicloudDisasterRecovery)
    """Disaster-recovery region (docs/dr.md): RDS cross-region backups, OSS replicas of the
    critical buckets, the DR network and the recovery objectives the plan checks."""
    postgres: AlicloudPostgres = Field(default_factory=AlicloudPostgres)
    """The PostgreSQL HA database (ApsaraDB RDS / PolarDB)."""
    redis: AlicloudRedis = Field(default_factory=AlicloudRedis)
    """The Redis cache (ApsaraDB for Redis / Tair)."""
    cluster: AlicloudCluster = Field(default_factory=AlicloudCluster)
    """The ACK cluster (docs/kubernetes.md)."""
    platform: AlicloudPlatform = Field(default_factory=AlicloudPlatform)
    """Platform baseline and add-ons on the cluster."""
    alerting: AlicloudAlerting = Field(default_factory=AlicloudAlerting)
    """Alert severities P0-P3 and their channels: CloudMonitor notifies them of the components'
    alarms, the in-cluster Alertmanager of the cluster's (email through `directMail`);
    docs/monitoring.md."""
    cdn: AlicloudCdn = Field(default_factory=AlicloudCdn)
    """The CDN (HTTPS, TLS 1.2+, HSTS, private OSS origin) and its WAF 3.0 in front of the
    assets bucket (docs/alicloud-data-storage.md)."""
    kms: AlicloudKms = Field(default_factory=AlicloudKms)
    """Where the customer master keys live: a KMS instance, or the region's default key
    (docs/alicloud-kms.md)."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if self.cluster.enabled and self.metrics.enabled:  # an Alertmanager runs
            for key, message in in_cluster_problems(self.alerting):
                yield Problem(key, message)
        cdn = self.cdn
        if cdn.enabled and cdn.waf.enabled and cdn.domain and cdn.domain.certificate_id is None:
            yield Problem(
                "cdn.domain.certificateId",
                "required with cdn.waf.enabled: WAF 3.0 terminates HTTPS with an SSL Certificates "
                "Service certificate (the CDN's free certificate is not one)",
            )
        for key, message in retention_problems(self.logs, self._log_groups(), self.limits,
                                               self.CLOUD):  # fmt: skip
            yield Problem(key, message)
        for klass in LOG_CLASSES:
            if getattr(self.logs.retention, klass) >= SLS_FOREVER_DAYS:
                yield Problem(
                    f"logs.retention.{klass}",
                    f"SLS keeps logs forever from {SLS_FOREVER_DAYS} days; at most "
                    f"{SLS_FOREVER_DAYS - 1} on Alibaba Cloud",
                )

    def _kms_problems(self) -> Iterator[Problem]:
        if self.kms.keys != "default":
            return
        if self.limits.enforced("alicloud-kms-key-in-instance"):
            yield Problem(
                "kms.keys",
                f"{self.environment} keeps every key in a KMS instance (policy "
                "alicloud-kms-key-in-instance); 'default' is allowed where that rule is advisory",
            )
        if self.dr.enabled and any(
            getattr(self.storage, r).enabled for r in self.dr.critical_buckets
        ):
            yield Problem(
                "kms.keys",
                "'default' cannot encrypt the DR replicas: the replicas' region would need its "
                "own default key and the replication role a key per region; use 'instance' "
                "(or disable dr)",
            )

    def _service_regions(self) -> dict[str, str]:
        mail = self.alerting.direct_mail
        return {"alerting.directMail.region": mail.region} if mail is not None else {}

    def _stateful_alarms(self) -> dict[str, dict[str, Severity]]:
        from components.postgres.alicloud_alarms import (  # noqa: PLC0415
            polardb_alarms,
            postgres_alarms,
        )
        from components.redis.alicloud_alarms import redis_alarms  # noqa: PLC0415

        found: dict[str, list[AlarmSpec]] = {}
        if self.postgres.enabled:
            polardb = self.postgres.polardb is not None
            found["postgres"] = polardb_alarms("-") if polardb else postgres_alarms("-")
        if self.redis.enabled:
            found["redis"] = redis_alarms("-")
        return {c: {a.key: a.severity for a in specs} for c, specs in found.items()}

    def _log_groups(self) -> dict[str, int]:
        """The retention of each SLS logstore the stack builds, by its stack-file key."""
        c = self
        built = {
            "network.flowLogs.retentionDays": (c.network.flow_logs.enabled,
                                               c.network.flow_logs.retention_days),
            "cluster.logRetentionDays": (c.cluster.enabled, c.cluster.log_retention_days),
        }  # fmt: skip
        return {key: days for key, (on, days) in built.items() if on}

    def _dr_problems(self, region: str) -> Iterator[Problem]:
        for problem in super()._dr_problems(region):
            # The database's copies are its own cross-region backups, not a backup plan's.
            if problem.key != "dr.backupCopies":
                yield problem

    def _guardrail_problems(self) -> Iterator[Problem]:
        yield from super()._guardrail_problems()
        yield from self._kms_problems()
        if self.limits.enforced("k8s-on-demand-nodes"):
            for name, group in self.cluster.node_groups.items():
                if group.spot:
                    yield Problem(
                        f"cluster.nodeGroups.{name}.spot",
                        f"{self.environment} runs pay-as-you-go nodes, not spot "
                        "(policy k8s-on-demand-nodes)",
                    )


@dataclass(frozen=True)
class Minimum:
    """A lower bound the config shares with a guardrail: the rule and its threshold parameter in
    policies/config/<env>.json, the stack-file key it bounds and how to count the config's value
    (None: the bound does not apply, e.g. the tier is off)."""

    rule: str
    param: str
    key: str
    value: Callable[[StackBase], int | None]
    counts: str


MINIMUMS: tuple[Minimum, ...] = (
    Minimum("k8s-multi-zone-nodes", "minZones", "network.zones",
            lambda c: len(c.network.zones), "availability zones"),
    Minimum("db-multi-az", "minInstances", "postgres.readers",
            lambda c: 1 + c.postgres.readers if c.postgres.enabled else None,
            "database instances (writer + readers: a failover target)"),
    Minimum("db-backup-retention", "minDays", "postgres.backupRetentionDays",
            lambda c: c.postgres.backup_retention_days if c.postgres.enabled else None,
            "days of database backups"),
    Minimum("redis-multi-az-failover", "minNodes", "redis.replicas",
            # A serverless cache has no nodes: the service replicates it across zones.
            lambda c: 1 + c.redis.replicas if c.redis.enabled and c.redis.node_based else None,
            "cache nodes (primary + replicas)"),
    Minimum("redis-backup-and-release-protection", "minDays", "redis.snapshotRetentionDays",
            lambda c: c.redis.snapshot_retention_days if c.redis.enabled else None,
            "days of cache snapshots"),
)  # fmt: skip


def _cloud_of(value: Any) -> str:
    """The union's tag: `cloud` as given, else the AWS variant's default."""
    if isinstance(value, Mapping):
        return str(value.get("cloud", AwsStackConfig.CLOUD))
    return str(getattr(value, "cloud", ""))


StackConfig = AwsStackConfig | AlicloudStackConfig
"""A validated stack config, one variant per cloud."""
VARIANTS: dict[str, type[StackBase]] = {"aws": AwsStackConfig, "alicloud": AlicloudStackConfig}


@cache
def stack_config_adapter() -> TypeAdapter[StackConfig]:
    """The pydantic adapter of the union, for the JSON schema. Validation uses the stack's own
    variant (`parse_config`): building only that cloud's validators halves the work of a run."""
    return TypeAdapter(
        Annotated[
            Annotated[AwsStackConfig, Tag("aws")] | Annotated[AlicloudStackConfig, Tag("alicloud")],
            Discriminator(_cloud_of),
        ]
    )


def parse_config(raw: Mapping[str, Any]) -> StackConfig:
    """Validate un-namespaced stack-file values (`{"network": {...}}`) merged over their preset."""
    environment, cloud = raw.get("environment"), _cloud_of(raw)
    if cloud not in VARIANTS:
        raise ConfigError(
            [f"{PROJECT}:cloud: must be {' or '.join(map(repr, VARIANTS))} (got {cloud!r})"]
        )
    try:
        merged = preset(environment, cloud, raw)
        merged = with_class_retention(merged, raw, cloud)  # each log's retention from its class
        config = cast(StackConfig, VARIANTS[cloud].model_validate(merged))
    except ValidationError as exc:
        problems = [line for err in exc.errors() for line in _describe(err, cloud)]
        raise ConfigError(list(dict.fromkeys(problems))) from None
    # Last, on a config valid in itself: what each component would refuse (infra/preflight.py,
    # infra/preflight_alicloud.py; imported here because they import the layers).
    if isinstance(config, AwsStackConfig):
        from infra.preflight import component_problems  # noqa: PLC0415

        found = component_problems(config)
    else:
        from infra.preflight_alicloud import component_problems as alicloud_problems  # noqa: PLC0415

        found = alicloud_problems(config)
    refused = [f"{_key([key])}: {message}" for key, message in found]
    if refused:
        raise ConfigError(list(dict.fromkeys(refused)))
    return config


_FIELD_PREFIX = re.compile(r"^([a-zA-Z][\w.]*): ")


def _describe(err: Any, cloud: str) -> Iterator[str]:
    loc = [str(p) for p in err["loc"]]
    if loc and loc[0] in VARIANTS:  # the union's tag
        loc = loc[1:]
    error = (err.get("ctx") or {}).get("error")
    if isinstance(error, CrossFieldError):  # a section's cross-field checks: every problem
        for problem in error.problems:
            yield f"{_key([*loc, problem.key])}: {problem.message}"
        return
    key = _key(loc)
    if err["type"] == "union_tag_invalid":
        yield f"{PROJECT}:cloud: must be {' or '.join(map(repr, VARIANTS))} (got {cloud!r})"
        return
    if err["type"] == "extra_forbidden":
        other = [c for c, model in VARIANTS.items() if c != cloud and _has_key(model, loc)]
        if other:
            yield (
                f"{key}: only for cloud: {' or '.join(other)} (this stack has cloud: {cloud}); "
                "see docs/config-reference.md"
            )
        else:
            yield f"{key}: unknown key (check the spelling; see docs/config-reference.md)"
        return
    if err["type"] == "missing":
        yield f"{key}: required but not set"
        return
    message = err["msg"].removeprefix("Value error, ")
    located = _FIELD_PREFIX.match(message)
    if not loc and located:  # a check that names its own field
        key, message = _key([located.group(1)]), message[located.end() :]
    value = err.get("input")
    shown = "" if isinstance(value, dict | list) or value is None else f" (got {value!r})"
    yield f"{key}: {message}{shown}"


def _key(loc: list[str]) -> str:
    path = ".".join(p for p in loc if p)
    return f"{PROJECT}:{path}" if path else PROJECT


def _has_key(model: type[BaseModel], loc: list[str]) -> bool:
    """Whether a camelCase key path exists in a model (to tell another cloud's key from a typo)."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if get_origin(current) in (dict, Mapping):
            current = get_args(current)[1]  # a map keyed by name: any key
        elif isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or n: f.annotation for n, f in current.model_fields.items()}
            if part not in fields:
                return False
            current = fields[part]
        else:
            return False
    return True


def _unwrap(annotation: Any) -> Any:
    """`Model | None` -> `Model`; anything else unchanged."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (Union, UnionType) and len(args) == 1:
        return args[0]
    return annotation


def config_from_values(
    values: Mapping[str, Any], secret_keys: Iterable[str] = ()
) -> tuple[StackConfig, frozenset[str]]:
    """Validate the stack's config as the engine hands it over (every namespace, values as text);
    return it with the texts of its secret values (see infra/secret_config.py)."""
    secret_keys = frozenset(secret_keys)
    problems = [f"{k}: {why}" for k, why in namespace_problems(values, PROJECT).items()]
    raw = project_values(values, PROJECT)
    raw, placeholder_paths, secret_problems = offline_placeholders(
        raw, VARIANTS.get(_cloud_of(raw), AwsStackConfig), _error_keys
    )
    problems += [f"{PROJECT}:{dotted_path(p)}: {why}" for p, why in secret_problems.items()]
    try:
        config = parse_config(raw)
    except ConfigError as exc:
        # A secret the offline plan could not stand in for is explained above, once.
        problems += [
            p for p in exc.problems
            if not any(overlaps(_error_key(p), path) for path in secret_problems)
        ]  # fmt: skip
        raise ConfigError(problems) from None
    if problems:
        raise ConfigError(problems)
    prefix = f"{PROJECT}:"
    secret_paths = placeholder_paths + [
        (key.removeprefix(prefix),)
        for key in secret_keys
        if key.startswith(prefix)
        and not any(p[0] == key.removeprefix(prefix) for p in placeholder_paths)
    ]
    if config.alerting.has_secrets() and not any(p[0] == "alerting" for p in secret_paths):
        raise ConfigError(
            [f"{prefix}alerting: holds webhook URLs or a PagerDuty key in plain text; set them as "
             f"secrets (pulumi config set --secret --path '{prefix}alerting.pagerdutyKey' ...)"]
        )  # fmt: skip
    return config, secret_texts(config, secret_paths)


def _error_keys(raw: dict[str, Any]) -> list[str]:
    """Dotted keys (without the namespace) of every problem `raw` has."""
    try:
        parse_config(raw)
    except ConfigError as exc:
        return [_error_key(p) for p in exc.problems]
    return []


def _error_key(problem: str) -> str:
    """`groundwork:network.cidr: not valid...` -> `network.cidr`."""
    return problem.split(": ", 1)[0].removeprefix(f"{PROJECT}:")


def load_config() -> StackConfig:
    """The running stack's validated config. Invalid config raises a `pulumi.RunError` (the
    language host prints it without a traceback) caused by the ConfigError. Resource inputs that
    carry a secret config value are registered as secrets from here on."""
    import pulumi  # noqa: PLC0415  (the program's side: validating config needs no SDK)
    from pulumi.runtime import config as runtime_config  # noqa: PLC0415  (internal module)

    from infra.secret_inputs import mark_secret_inputs  # noqa: PLC0415

    # What `pulumi.Config` reads (in-memory config over PULUMI_CONFIG), but every key, so that
    # misspelt keys and namespaces are errors instead of silently ignored.
    values = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = [k for k in values if runtime_config.is_config_secret(k)]
    secret_keys += runtime_config.get_config_secret_keys_env()
    try:
        config, secrets = config_from_values(values, secret_keys)
    except ConfigError as exc:
        raise pulumi.RunError(str(exc)) from exc
    mark_secret_inputs(secrets)
    return config
