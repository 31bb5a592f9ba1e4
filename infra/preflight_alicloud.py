"""Config rejects first what an Alibaba Cloud stack's components would reject, and what is not
built on Alibaba Cloud yet (infra/preflight.py does the same for AWS, with the same `Check`s)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from components.alicloud.key_store_spec import validate as validate_key_store
from components.cdn.alicloud_spec import validate as validate_cdn
from components.cdn.alicloud_waf_spec import validate as validate_waf
from components.kubernetes.alicloud_ack_spec import ESSD_MIN_VOLUME_GIB, csi_storage_class
from components.kubernetes.alicloud_ack_spec import validate as validate_ack
from components.kubernetes.alicloud_addons_spec import validate as validate_addons
from components.kubernetes.alicloud_gateway_spec import proxies, source_peers
from components.kubernetes.alicloud_gateway_spec import validate as validate_gateway
from components.kubernetes.alicloud_logs_spec import validate as validate_container_logs
from components.kubernetes.platform.baseline_spec import validate as validate_baseline
from components.monitoring.alicloud_logs_spec import validate_logs as validate_log_project
from components.monitoring.alicloud_mail_spec import validate_mail_sender
from components.monitoring.alicloud_relay_spec import validate as validate_relay
from components.monitoring.alicloud_spec import validate as validate_contacts
from components.network.alicloud_spec import validate as validate_vpc
from components.postgres.alicloud_polardb_spec import validate as validate_polardb
from components.postgres.alicloud_spec import validate as validate_postgres
from components.redis.alicloud_spec import validate as validate_redis
from components.storage.alicloud_replication_spec import validate as validate_replication_role
from components.storage.alicloud_spec import validate as validate_bucket
from components.storage.spec import BUCKET_PURPOSES
from infra.config import AlicloudStackConfig
from infra.layers.alicloud import (
    data_args,
    dr_args,
    keys_args,
    kubernetes_args,
    monitoring_args,
    network_args,
    relay_args,
    storage_args,
)
from infra.layers.apps_args import GatewaySources
from infra.preflight import STAND_IN, Check, monitoring_checks, run_checks, workload_checks

BUDGET_NOT_BUILT = (
    "pulumi-alicloud has no budget resource: on Alibaba Cloud the cost-stack-budget policy holds "
    "the estimate to maxMonthlyCostByCurrency (in the region's price-list currency) of "
    "policies/config/<environment>.json; remove this key"
)


def component_problems(cfg: AlicloudStackConfig) -> Iterator[tuple[str, str]]:
    """(stack-file key, message) for each capability not built yet, then for each component
    that would refuse this config."""
    yield from not_built(cfg)
    yield from run_checks(cfg, checks(cfg))


def not_built(cfg: AlicloudStackConfig) -> Iterator[tuple[str, str]]:
    yield from data_args.not_built(cfg)
    yield from storage_args.not_built(cfg)
    if cfg.alerting.pagerduty_key:
        yield (
            "alerting.pagerdutyKey",
            ("CloudMonitor cannot page PagerDuty; use an https webhook of PagerDuty's Events API"),
        )
    if cfg.budget.monthly_limit is not None:
        yield "budget.monthlyLimit", BUDGET_NOT_BUILT
    if cfg.budget.alert_emails:
        yield "budget.alertEmails", BUDGET_NOT_BUILT


def checks(cfg: AlicloudStackConfig) -> list[Check]:
    """Every Alibaba Cloud component the stack would build, with its validator and args."""
    found = [
        Check("Vpc", validate_vpc, (cfg.prefix, network_args.vpc_args(cfg)), "network",
              {"name": "name"}),
        Check("KeyStore", validate_key_store,
              (keys_args.key_store_args(cfg, STAND_IN, dict.fromkeys(cfg.zone_names, STAND_IN), {}),),
              "kms", {"switch_ids": "network.zones", "vpc_id": "network"}),
    ]  # fmt: skip
    if cfg.cluster.enabled:
        switches = dict.fromkeys(cfg.zone_names, STAND_IN)
        ack = kubernetes_args.cluster_args(cfg, STAND_IN, switches)
        found += [
            Check("AckCluster", validate_ack, (ack,), "cluster",
                  {"node_pools": "cluster.nodeGroups", "private_switches": "network.zones",
                   "endpoint_public": "cluster.endpoint.public", "cluster_name": "name"}),
            Check("PlatformBaseline", validate_baseline, (kubernetes_args.baseline_args(cfg),),
                  "platform", {"platform_namespaces": "platform.ingressNamespace"}),
            Check("PlatformAddons", validate_addons, (kubernetes_args.addons_args(cfg),), "platform"),
            Check("PublicGateway", validate_gateway, (kubernetes_args.gateway_args(cfg, STAND_IN),),
                  "platform", {"route_namespaces": "platform.namespaces", "hosts": "apps"}),
            Check("LogProject app-logs", validate_log_project, (kubernetes_args.app_log_args(cfg),),
                  "logs", {"retention_days": "logs.retention.application",
                           "project_name": "name"}),
            Check("ContainerLogs", validate_container_logs,
                  (kubernetes_args.container_log_args(cfg, STAND_IN),), "platform",
                  {"namespaces": "platform.namespaces"}),
            *monitoring_checks(cfg, csi_storage_class().name, ESSD_MIN_VOLUME_GIB),
            *workload_checks(cfg, data_args.ports(cfg), _gateway_sources(cfg)),
        ]  # fmt: skip
    return (found + _data_checks(cfg) + _storage_checks(cfg) + _monitoring_checks(cfg)
            + _dr_checks(cfg))  # fmt: skip


def _gateway_sources(cfg: AlicloudStackConfig) -> GatewaySources:
    namespace = cfg.platform.ingress_namespace
    return GatewaySources(
        namespace, source_peers=source_peers(namespace), proxies=proxies(namespace)
    )


def _data_checks(cfg: AlicloudStackConfig) -> list[Check]:
    found = []
    switches = data_args.DataSwitches(
        vpc_id=STAND_IN,
        switch_ids=dict.fromkeys(cfg.zone_names, STAND_IN),
        zones=cfg.zone_names,
        clients=data_args.clients_for(cfg.subnet_plan()),
    )
    zones = {"zones": "network.zones", "vswitch_ids": "network.zones"}
    if cfg.postgres.enabled and cfg.postgres.polardb is not None:
        found.append(Check("PolarDbPostgres", validate_polardb, (data_args.polardb_args(cfg, switches),),
                           "postgres", {**zones, "node_class": "postgres.polardb.nodeClass",
                                        "nodes": "postgres.readers",
                                        "cross_region_backup": "dr"}))  # fmt: skip
    elif cfg.postgres.enabled:
        found.append(Check("PostgresHa", validate_postgres, (data_args.postgres_args(cfg, switches),),
                           "postgres", {**zones, "category": "postgres.multiAz",
                                        "sql_log_retention_days": "postgres.logRetentionDays"}))  # fmt: skip
    if cfg.redis.enabled:
        found.append(Check("RedisHa", validate_redis, (data_args.redis_args(cfg, switches),), "redis",
                           {**zones, "instance_class": "redis.nodeType"}))  # fmt: skip
    return found


def _storage_checks(cfg: AlicloudStackConfig) -> list[Check]:
    found: list[Check] = []
    if not storage_args.builds_buckets(cfg):
        return found
    found.append(Check("Bucket logs", validate_bucket, (storage_args.log_bucket_args(cfg),),
                       "storage.logs", {"bucket_name": "name"}))  # fmt: skip
    critical = storage_args.critical_roles(cfg)
    replicated = {"replication.replication_time_control": "dr.replicationTimeControl",
                  "replication.destination_region": "dr.region"}  # fmt: skip
    for role in BUCKET_PURPOSES:
        settings = getattr(cfg.storage, role)
        if settings.enabled:
            args = storage_args.bucket_args(cfg, settings, STAND_IN, role)
            if role in critical:
                args = replace(args, replication=storage_args.replication_args(
                    cfg, STAND_IN, STAND_IN, STAND_IN))  # fmt: skip
            found.append(Check(f"Bucket {role}", validate_bucket, (args,), f"storage.{role}",
                               {"bucket_name": "name", **replicated}))  # fmt: skip
    if critical:
        found += [
            Check("Bucket dr-logs", validate_bucket, (storage_args.dr_log_bucket_args(cfg),),
                  "storage.logs", {"bucket_name": "name"}),
            Check("ReplicationRole", validate_replication_role,
                  (storage_args.replication_role_args(cfg, [STAND_IN]),), "dr",
                  {"role_name": "name"}),
            *(Check(f"Bucket {role} replica", validate_bucket,
                    (storage_args.replica_args(cfg, role, STAND_IN),), f"storage.{role}",
                    {"bucket_name": "name"}) for role in critical),
        ]  # fmt: skip
    if cfg.cdn.enabled and cfg.cdn.domain is not None:
        found.append(Check("Cdn", validate_cdn, (storage_args.cdn_args(cfg, STAND_IN),), "cdn",
                           {"domain_name": "cdn.domain.name"}))  # fmt: skip
        if cfg.cdn.waf.enabled and cfg.cdn.domain.certificate_id is not None:
            found.append(Check("WebFirewall", validate_waf, (storage_args.waf_args(cfg, STAND_IN),),
                               "cdn.waf", {"certificate_id": "cdn.domain.certificateId",
                                           "domain_name": "cdn.domain.name"}))  # fmt: skip
    return found


def _dr_checks(cfg: AlicloudStackConfig) -> list[Check]:
    if not cfg.dr.enabled or cfg.dr.region is None:
        return []
    return [Check("Vpc dr", validate_vpc, (cfg.prefix, dr_args.dr_vpc_args(cfg)), "dr.network",
                  {"name": "name"})]  # fmt: skip


def _monitoring_checks(cfg: AlicloudStackConfig) -> list[Check]:
    if not cfg.alerting.configured:
        return []
    found = [Check("AlertContacts", validate_contacts, (monitoring_args.contacts_args(cfg),),
                   "alerting", {"routing": "alerting"})]  # fmt: skip
    if cfg.alerting.direct_mail is not None:
        found.append(Check("AlertMailSender", validate_mail_sender,
                           (monitoring_args.mail_sender_args(cfg.alerting.direct_mail),),
                           "alerting.directMail"))  # fmt: skip
    if kubernetes_args.relay_needed(cfg):  # the relay layer's condition
        key = {"kms_key_id" if cfg.kms.keys == "default" else "kms_instance_id": STAND_IN}
        vpc = STAND_IN if kubernetes_args.relay_serves_cluster(cfg) else None
        args = relay_args.relay_args(cfg, STAND_IN, key, None, cluster_vpc_id=vpc)
        found.append(Check("AlertRelay", validate_relay, (args,), "alerting",
                           {"routing": "alerting", "kms_key_id": "kms.keys"}))  # fmt: skip
    return found
