"""Config rejects first what a component would reject.

Each component validates its args when it is constructed (its `_validate`); by then the layers
before it have registered resources, and the failure is a crash. `component_problems` runs every
component's own validator, before anything is registered, on the very args its layer builds (the
layers' `*_args` functions), with stand-ins for what only the cloud knows (ids, ARNs). A refusal
becomes a config problem: the component's message, under the stack-file key it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from components.backup.aws_spec import validate as validate_backup
from components.backup.aws_spec import validate_lock
from components.budget.aws_spec import validate as validate_budget
from components.cdn.aws_api_spec import validate as validate_api_edge
from components.cdn.aws_spec import validate as validate_cdn
from components.cdn.aws_waf_spec import validate as validate_waf
from components.dr.aws_failover_spec import validate as validate_failover
from components.dr.objectives_spec import validate_targets
from components.kubernetes.aws_addons_spec import validate as validate_addons
from components.kubernetes.aws_eks_spec import EBS_MIN_VOLUME_GIB, ebs_storage_class
from components.kubernetes.aws_eks_spec import validate as validate_eks
from components.kubernetes.aws_gateway_spec import validate as validate_gateway
from components.kubernetes.aws_irsa_spec import OidcIdentity
from components.kubernetes.platform.baseline_spec import validate as validate_baseline
from components.kubernetes.platform.monitoring_spec import validate_monitoring
from components.kubernetes.platform.workload_spec import validate_workload
from components.monitoring import relayed_webhooks
from components.monitoring.aws_health_spec import validate as validate_health
from components.monitoring.aws_relay_spec import validate as validate_relay
from components.monitoring.aws_search_spec import validate as validate_search
from components.monitoring.aws_spec import AlarmWiring, AlertTopicsArgs
from components.monitoring.aws_spec import validate as validate_alert_topics
from components.monitoring.aws_telemetry_spec import validate as validate_telemetry
from components.network.aws_spec import validate as validate_vpc
from components.postgres.aws_global_spec import validate as validate_global_secondary
from components.postgres.aws_replica_spec import validate as validate_cross_region_replica
from components.postgres.aws_spec import validate as validate_postgres
from components.redis.aws_global_spec import validate as validate_global_datastore
from components.redis.aws_serverless_spec import READER_PORT, SERVERLESS_FIELDS
from components.redis.aws_serverless_spec import validate as validate_redis_serverless
from components.redis.aws_spec import validate as validate_redis
from components.registry.aws_spec import validate_registry
from components.storage.aws_replication_spec import ReplicatedBucket
from components.storage.aws_replication_spec import validate as validate_replication
from components.storage.aws_spec import validate as validate_bucket
from infra.config import AwsStackConfig, StackBase
from infra.layers import (
    api_args,
    apps_args,
    cost_args,
    data_args,
    dr_args,
    dr_region_args,
    health_args,
    kubernetes_args,
    metrics_args,
    network_args,
    registry_args,
    storage_args,
    telemetry_args,
)

STAND_IN = "stand-in"
"""In place of an id or ARN only the cloud knows: no validator reads one."""
DATA_PORTS = {"postgres": 5432, "redis": 6379}
"""The services' default ports (the components own the real ones; no validator needs more)."""


@dataclass(frozen=True)
class Check:
    """One component validator on the args its layer builds, and where its fields live."""

    component: str
    validator: Callable[..., None]
    args: tuple[Any, ...]
    section: str
    """The stack-file key (dotted, without namespace) the component's args come from."""
    keys: Mapping[str, str] = field(default_factory=dict)
    """Args fields whose stack-file key is not `<section>.<camelCase field>`: field (or dotted
    prefix) -> key from the root."""


def component_problems(cfg: AwsStackConfig) -> Iterator[tuple[str, str]]:
    """(stack-file key, message) for each component that would refuse this config."""
    return run_checks(cfg, checks(cfg))


def run_checks(cfg: BaseModel, found: list[Check]) -> Iterator[tuple[str, str]]:
    """Run each check's validator; (stack-file key, message) for each refusal."""
    for check in found:
        try:
            check.validator(*check.args)
        except ValueError as exc:
            arg, _, message = str(exc).partition(": ")
            yield _key(cfg, check, arg), message or str(exc)


def checks(cfg: AwsStackConfig) -> list[Check]:
    """Every component the stack would build, each with its validator bound to its args."""
    found = [
        Check("Vpc", validate_vpc, (network_args.vpc_args(cfg),), "network",
              {"cluster_names": "name"}),
        Check("Bucket logs", validate_bucket, (storage_args.log_bucket_args(cfg),),
              "storage.logs", {"lifecycle.expiration_days": "storage.logs.retentionDays"}),
    ]  # fmt: skip
    for role, settings in (("assets", cfg.storage.assets), ("uploads", cfg.storage.uploads),
                           ("backups", cfg.storage.backups)):  # fmt: skip
        if settings.enabled:
            args = storage_args.bucket_args(cfg, settings, STAND_IN, role, grants=(), key_grants=())
            found.append(Check(f"Bucket {role}", validate_bucket, (args,), f"storage.{role}"))
    if cfg.cdn.enabled:
        cdn = storage_args.cdn_args(cfg, STAND_IN, STAND_IN, STAND_IN)
        found.append(
            Check("Cdn", validate_cdn, (cdn,), "cdn",
                  {"security_headers.content_security_policy": "cdn.contentSecurityPolicy"})
        )  # fmt: skip
        if cdn.waf is not None:
            found.append(Check("WebFirewall", validate_waf, (cdn.waf,), "cdn.waf"))
    if cfg.api.enabled:
        found.append(Check("ApiEdge", validate_api_edge, (api_args.api_args(cfg, STAND_IN),), "api",
                           {"origin_host": "api.origin", "domain": "api.host",
                            "waf": "cdn.waf"}))  # fmt: skip
        if api_args.failover_dns(cfg):
            found.append(Check("FailoverRecords", validate_failover,
                               (dr_args.failover_args(cfg, STAND_IN),), "dr.failover",
                               {"endpoints": "dr.failover.apiStandbyHost"}))  # fmt: skip
    budget = cost_args.budget_args(cfg)
    if budget is not None:
        found.append(Check("MonthlyBudget", validate_budget, (budget,), "budget",
                           {"monthly_limit_usd": "budget.monthlyLimit"}))  # fmt: skip
    if cfg.alerting.configured:
        topics = AlertTopicsArgs(routing=cfg.alerting.routing())
        found.append(Check("AlertTopics", validate_alert_topics, (topics,), "alerting"))
        if relayed_webhooks(topics.routing):  # the monitoring layer's condition for the relay
            found.append(Check("AlertRelay", validate_relay, (topics.routing,), "alerting"))
    if (entries := health_args.health_args(cfg, {}, AlarmWiring(topics={}))) is not None:
        found.append(Check("EntryHealth", validate_health, (entries,), "healthChecks",
                           {"targets": "apps"}))  # fmt: skip
    found += _data_checks(cfg)
    if cfg.dr.enabled:
        found += _dr_checks(cfg)
    if cfg.cluster.enabled:
        found += _kubernetes_checks(cfg)
    return found


def _data_checks(cfg: AwsStackConfig) -> list[Check]:
    found = []
    subnets = data_args.DataSubnets(
        STAND_IN, STAND_IN, STAND_IN, cfg.zone_names, [STAND_IN for _ in cfg.zone_names]
    )
    clients = data_args.clients_for(cfg.subnet_plan(), STAND_IN if cfg.cluster.enabled else None)
    if cfg.backup.enabled:
        found.append(
            Check("BackupPlan", validate_backup, (data_args.backup_args(cfg, STAND_IN),), "backup")
        )
    if cfg.postgres.enabled:
        pg = data_args.postgres_args(cfg, subnets, clients, {})
        found.append(Check("PostgresHa", validate_postgres, (pg,), "postgres",
                           {"autoscaling": "postgres.readerAutoscaling"}))  # fmt: skip
    if cfg.redis.enabled and (serverless := data_args.redis_serverless_args(cfg, subnets, clients)):
        found.append(Check("RedisServerless", validate_redis_serverless, (serverless,), "redis",
                           {"daily_snapshot_time": "redis.snapshotWindow",
                            "major_engine_version": "redis.engineVersion",
                            **{f: f"redis.serverless.{to_camel(f)}" for f in SERVERLESS_FIELDS}}))  # fmt: skip
    elif cfg.redis.enabled:
        cache = data_args.redis_args(cfg, subnets, clients)
        found.append(Check("RedisHa", validate_redis, (cache,), "redis"))
    return found


def _dr_checks(cfg: AwsStackConfig) -> list[Check]:
    vpc = dr_region_args.dr_vpc_args(cfg)
    found = [
        Check("Vpc dr", validate_vpc, (vpc,), "dr.network"),
        Check("RecoveryObjectives", validate_targets, (cfg.dr.targets.objectives(),),
              "dr.targets"),
        Check("Bucket dr logs", validate_bucket, (storage_args.dr_log_bucket_args(cfg),), "storage.logs",
              {"lifecycle.expiration_days": "storage.logs.retentionDays"}),
    ]  # fmt: skip
    if cfg.dr.backup_copies:
        lock = dr_region_args.dr_vault_args(cfg).vault_lock
        if lock is not None:
            found.append(Check("BackupVault dr", validate_lock, (lock,), "dr.vaultLock"))
    roles = [r for r in cfg.dr.critical_buckets if getattr(cfg.storage, r).enabled]
    for role in roles:
        found.append(Check(f"Bucket {role} replica", validate_bucket,
                           (storage_args.replica_args(cfg, role, STAND_IN),), f"storage.{role}"))  # fmt: skip
    if roles:
        pair = ReplicatedBucket(source_bucket=STAND_IN, source_arn=STAND_IN,
                                source_kms_key_arn=STAND_IN, destination_arn=STAND_IN,
                                destination_kms_key_arn=STAND_IN)  # fmt: skip
        args = dr_args.replication_args(cfg, dict.fromkeys(roles, pair))
        found.append(Check("Replication", validate_replication, (args,), "dr",
                           {"buckets": "dr.criticalBuckets"}))  # fmt: skip
    region = cfg.dr.region or ""
    zones = cfg.zone_names_of(region, cfg.dr.network)
    plan = cfg.subnet_plan(region, cfg.dr.network)
    if data_args.global_database(cfg) and cfg.postgres.enabled:
        if cfg.postgres.engine == "aurora-postgresql":
            secondary = dr_args.global_secondary_args_of(cfg, zones=zones, plan=plan, ids=STAND_IN)
            found.append(Check("GlobalSecondary", validate_global_secondary, (secondary,),
                               "dr", {"mode": "dr.postgres", "serverless": "postgres.serverless",
                                      "instance_class": "postgres.instanceClass"}))  # fmt: skip
        else:
            replica = dr_args.cross_region_replica_args_of(
                cfg, zones=zones, plan=plan, ids=STAND_IN
            )
            found.append(Check("CrossRegionReplica", validate_cross_region_replica, (replica,),
                               "postgres", {"zones": "dr.network.zones"}))  # fmt: skip
    if cfg.dr.cache == "replicated" and cfg.redis.enabled and cfg.redis.serverless is None:
        datastore = dr_args.global_datastore_args_of(cfg, plan=plan, ids=STAND_IN)
        found.append(Check("GlobalDatastore", validate_global_datastore, (datastore,), "redis",
                           {"primary_region": "region", "region": "dr.region"}))  # fmt: skip
    if cfg.dr.compute == "warm" and cfg.cluster.enabled:
        standby = dr_args.standby_args_of(cfg, STAND_IN, dict.fromkeys(zones, STAND_IN))
        found.append(Check("EksCluster dr", validate_eks, (standby,), "cluster",
                           {"public_access_cidrs": "cluster.endpoint.publicCidrs",
                            "endpoint_public_access": "cluster.endpoint.public",
                            "private_subnets": "dr.network.zones",
                            "node_groups": "cluster.nodeGroups"}))  # fmt: skip
    return found


def _kubernetes_checks(cfg: AwsStackConfig) -> list[Check]:
    subnets = dict.fromkeys(cfg.zone_names, STAND_IN)
    oidc = OidcIdentity(provider_arn=STAND_IN, issuer_host=STAND_IN)
    ports = {k: (v, v) for k, v in DATA_PORTS.items() if getattr(cfg, k).enabled}
    if cfg.redis.enabled and not cfg.redis.node_based:
        ports["redis"] = (DATA_PORTS["redis"], READER_PORT)
    eks = kubernetes_args.cluster_args(cfg, STAND_IN, subnets)
    addons = kubernetes_args.addons_args(cfg, STAND_IN, kubernetes_args.cluster_name(cfg), oidc)
    found = [
        Check("EksCluster", validate_eks, (eks,), "cluster",
              {"public_access_cidrs": "cluster.endpoint.publicCidrs",
               "endpoint_public_access": "cluster.endpoint.public",
               "private_subnets": "network.zones"}),
        Check("PlatformBaseline", validate_baseline, (kubernetes_args.baseline_args(cfg),), "platform",
              {"platform_namespaces": "platform.ingressNamespace"}),
        Check("PlatformAddons", validate_addons, (addons,), "platform"),
        Check("PublicGateway", validate_gateway, (kubernetes_args.gateway_args(cfg),), "platform",
              {"route_namespaces": "platform.namespaces", "hosts": "apps",
               "route53_zone_id": "platform.route53Zone.zoneId"}),
        Check("Registry", validate_registry, (registry_args.registry_args(cfg, None),), "registry",
              {"applications": "apps", "untagged_expiry_days": "registry.untaggedImageExpiryDays"}),
        *([Check("LogSearch", validate_search, (search,), "logs.search",
                 {"domain_name": "name", "subnet_ids": "network.zones",
                  "log_retention_days": "logs.retention.audit"})]
          if (search := telemetry_args.log_search_args(cfg)) else []),
        Check("ClusterTelemetry", validate_telemetry,
              (telemetry_args.telemetry_args(cfg, kubernetes_args.cluster_name(cfg), oidc),), "tracing",
              {"cluster_name": "name", "logs.retention_days": "logs.retention.application",
               "logs": "logs.shipping.chart", "tracing": "tracing",
               "workload_namespaces": "platform.namespaces"}),
    ]  # fmt: skip
    gateway = apps_args.GatewaySources(
        cfg.platform.ingress_namespace, source_cidrs=kubernetes_args.load_balancer_cidrs(cfg)
    )
    return (
        found
        + monitoring_checks(cfg, ebs_storage_class().name, EBS_MIN_VOLUME_GIB)
        + workload_checks(cfg, ports, gateway)
    )


def monitoring_checks(cfg: StackBase, storage_class: str, min_volume_gib: int) -> list[Check]:
    """The in-cluster monitoring stack, on either cloud (its StorageClass and smallest volume)."""
    if not cfg.metrics.enabled:
        return []
    args = metrics_args.stack_args(
        cfg, storage_class, min_volume_gib, metrics_args.AlertmanagerWiring(config={})
    )
    return [
        Check("MonitoringStack", validate_monitoring, (args,), "metrics",
              {"zones": "network.zones", "cluster_network_cidr": "network.cidr"})
    ]  # fmt: skip


def workload_checks(
    cfg: StackBase, ports: Mapping[str, tuple[int, int]], gateway: apps_args.GatewayLike
) -> list[Check]:
    """The Workload of each service, on either cloud (`ports`: the data services built;
    `gateway`: where the public Gateway's traffic comes from)."""
    egress = apps_args.data_egress(cfg.subnet_plan(), ports)
    found = []
    for name, app in cfg.apps.items():
        args = apps_args.workload_args(
            cfg, app, egress, gateway, image=STAND_IN,
            monitoring=() if cfg.metrics.enabled else None,
        )  # fmt: skip
        found.append(
            Check(f"Workload {name}", validate_workload, (name, args), f"apps.{name}",
                  {"min_replicas": f"apps.{name}.replicas.min",
                   "max_replicas": f"apps.{name}.replicas.max",
                   "target_cpu_utilization": f"apps.{name}.replicas.targetCpuPercent",
                   "security.run_as_user": f"apps.{name}.runAsUser",
                   "security.run_as_group": f"apps.{name}.runAsGroup",
                   "secret_env_from": f"apps.{name}.secrets",
                   "data_egress": f"apps.{name}.uses",
                   "route.gateway_namespace": "platform.ingressNamespace",
                   "load_balancer_cidrs": "network.cidr",
                   "route": f"apps.{name}.host"})
        )  # fmt: skip
    return found


_FIELD = re.compile(r"^[a-z_][\w.]*$")


def _key(cfg: BaseModel, check: Check, arg: str) -> str:
    """The stack-file key of a component's args field: an explicit one, else the same name in
    camelCase under the section if the config has it, else the section."""
    if not _FIELD.match(arg):
        return check.section
    for prefix in sorted(check.keys, key=len, reverse=True):
        if arg == prefix or arg.startswith(f"{prefix}."):
            return check.keys[prefix] + _camel(arg.removeprefix(prefix))
    candidate = f"{check.section}.{_camel(arg)}"
    return candidate if _has_path(cfg, candidate) else check.section


def _camel(dotted: str) -> str:
    return ".".join(
        re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), part) for part in dotted.split(".")
    )


def _has_path(value: Any, dotted: str) -> bool:
    for part in dotted.split("."):
        if isinstance(value, BaseModel):
            fields = {info.alias or name: name for name, info in type(value).model_fields.items()}
            if part not in fields:
                return False
            value = getattr(value, fields[part])
        elif isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            return False
    return True
