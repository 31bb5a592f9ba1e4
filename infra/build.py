"""`build(cfg)`: compose the platform for one stack. Pure wiring: components and providers only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi

from components.data.aws_backup import BackupPlan, BackupPlanArgs, VaultLockArgs
from components.data.aws_postgres import PostgresHa, PostgresHaArgs, ReaderAutoscalingArgs
from components.data.aws_redis import RedisHa, RedisHaArgs
from components.kubernetes.addons import (
    ChartArgs,
    PlatformAddons,
    PlatformAddonsArgs,
    Route53ZoneArgs,
)
from components.kubernetes.aws_eks import EksCluster, EksClusterArgs, NodeGroupArgs
from components.kubernetes.baseline import (
    PlatformBaseline,
    PlatformBaselineArgs,
    QuotaArgs,
    WorkloadNamespaceArgs,
)
from components.kubernetes.workload import IngressArgs, SecurityArgs, Workload, WorkloadArgs
from components.network.aws_vpc import FlowLogArgs, Vpc, VpcArgs
from components.storage.aws_bucket import (
    AccessLogArgs,
    Bucket,
    BucketArgs,
    LifecycleArgs,
    LogTargetArgs,
    Transition,
)
from components.storage.aws_cdn import Cdn, CdnArgs, CustomDomainArgs, SecurityHeadersArgs
from components.storage.aws_waf import WebFirewallArgs
from infra.config import StackConfig
from infra.kubernetes import kubernetes_provider
from infra.providers import EDGE_REGION, build_providers
from infra.sections.storage import DataBucket

Grants = pulumi.Output[list[dict[str, Any]]]


def build(cfg: StackConfig) -> dict[str, Any]:
    """Create every resource of the stack; return the stack outputs to export."""
    providers = build_providers(cfg)
    in_primary = pulumi.ResourceOptions(provider=providers.primary)

    network = _network(cfg, in_primary)
    outputs: dict[str, Any] = {}
    # Who may reach the databases and caches: the cluster's nodes when there is a cluster, else the
    # application (private) subnets.
    clients = _DataClients(
        security_group_ids=[], cidrs=[s.cidr for s in network.plan.tier("private")]
    )
    if cfg.cluster.enabled:
        cluster = _cluster(cfg, network, in_primary)
        k8s = kubernetes_provider(
            f"k8s-{cluster.static_name}", cluster, cfg.region, cfg.cluster.kubeconfig_role_arn
        )
        on_cluster = pulumi.ResourceOptions(providers=[providers.primary, k8s])
        baseline = _baseline(cfg, on_cluster)
        addons = _addons(cfg, network, cluster, pulumi.ResourceOptions.merge(
            on_cluster, pulumi.ResourceOptions(depends_on=[baseline])))  # fmt: skip
        example = _example_app(cfg, addons, pulumi.ResourceOptions.merge(
            on_cluster, pulumi.ResourceOptions(depends_on=[baseline])))  # fmt: skip
        outputs |= {
            "clusterName": cluster.cluster_name,
            "clusterEndpoint": cluster.endpoint,
            "clusterOidcProviderArn": cluster.oidc_provider_arn,
            "clusterSecurityGroupId": cluster.cluster_security_group_id,
            "nodeSecurityGroupId": cluster.node_security_group_id,
            "ingressClass": addons.ingress_class,
            "clusterIssuer": addons.cluster_issuer_name,
        }
        if example is not None:
            outputs["exampleImage"] = example.image_ref
        clients = _DataClients(security_group_ids=[cluster.node_security_group_id], cidrs=[])
    storage = _storage_and_cdn(cfg, in_primary, pulumi.ResourceOptions(provider=providers.edge))

    outputs |= _data(
        cfg,
        network,
        clients,
        pulumi.ResourceOptions(providers=[providers.primary, providers.random]),
    )
    return {
        **outputs,
        "environment": cfg.environment,
        "region": cfg.region,
        "vpcId": network.vpc_id,
        "vpcCidr": network.vpc_cidr,
        "zones": network.zones,
        "publicSubnetIds": network.public_subnet_ids,
        "privateSubnetIds": network.private_subnet_ids,
        "dataSubnetIds": network.data_subnet_ids,
        **storage,
    }


def _network(cfg: StackConfig, opts: pulumi.ResourceOptions) -> Vpc:
    net = cfg.network
    return Vpc(
        f"{cfg.name}-{cfg.environment}",
        VpcArgs(
            cidr=str(net.cidr),
            zones=cfg.zone_names,
            zone_slots=cfg.zone_slots,
            private_subnet_prefix=net.private_subnet_prefix,
            public_subnet_prefix=net.public_subnet_prefix,
            data_subnet_prefix=net.data_subnet_prefix,
            nat=net.nat,
            flow_logs=(
                FlowLogArgs(
                    retention_days=net.flow_logs.retention_days,
                    traffic_type=net.flow_logs.traffic_type,
                )
                if net.flow_logs.enabled
                else None
            ),
            s3_gateway_endpoint=net.s3_gateway_endpoint,
            interface_endpoints=net.interface_endpoints,
            cluster_names=[cluster_name(cfg)] if cfg.cluster.enabled else [],
            tags=cfg.base_tags,
            protect_stateful=cfg.protect_stateful_resources,
        ),
        opts=opts,
    )


def cluster_name(cfg: StackConfig) -> str:
    """Known before the cluster exists, so the VPC can tag its subnets with it."""
    return f"{cfg.name}-{cfg.environment}"


def _cluster(cfg: StackConfig, network: Vpc, opts: pulumi.ResourceOptions) -> EksCluster:
    c = cfg.cluster
    return EksCluster(
        f"{cfg.name}-{cfg.environment}-eks",
        EksClusterArgs(
            cluster_name=cluster_name(cfg),
            version=c.version,
            support_type=c.support_type,
            vpc_id=network.vpc_id,
            private_subnets={zone: s.id for zone, s in network.subnets["private"].items()},
            endpoint_public_access=c.endpoint.public,
            public_access_cidrs=c.endpoint.public_cidrs,
            admin_role_arns=c.admin_role_arns,
            log_types=c.log_types,
            log_retention_days=c.log_retention_days,
            node_groups={
                name: NodeGroupArgs(
                    instance_types=g.instance_types,
                    capacity_type=g.capacity_type,
                    min_size=g.min_size,
                    desired_size=g.desired_size,
                    max_size=g.max_size,
                    disk_size_gib=g.disk_size_gib,
                    labels=g.labels,
                    per_zone=g.per_zone,
                )
                for name, g in c.node_groups.items()
            },
            addon_versions=c.addon_versions,
            tags=cfg.base_tags,
            protect_stateful=cfg.protect_stateful_resources,
        ),
        opts=opts,
    )


def _baseline(cfg: StackConfig, opts: pulumi.ResourceOptions) -> PlatformBaseline:
    p = cfg.platform
    return PlatformBaseline(
        f"{cfg.name}-{cfg.environment}-baseline",
        PlatformBaselineArgs(
            part_of=cfg.name,
            namespaces=[
                WorkloadNamespaceArgs(
                    name=ns.name,
                    quota=QuotaArgs(
                        requests_cpu=ns.quota.requests_cpu,
                        requests_memory=ns.quota.requests_memory,
                        limits_cpu=ns.quota.limits_cpu,
                        limits_memory=ns.quota.limits_memory,
                        pods=ns.quota.pods,
                    ),
                )
                for ns in p.namespaces
            ],
            ingress_namespace=p.ingress_namespace,
            monitoring_namespace=p.monitoring_namespace,
            platform_namespaces=[p.ingress_namespace, "cert-manager", p.monitoring_namespace],
            storage_reclaim_policy=p.storage_reclaim_policy,
            protect_stateful=cfg.protect_stateful_resources,
        ),
        opts=opts,
    )


def _addons(
    cfg: StackConfig, network: Vpc, cluster: EksCluster, opts: pulumi.ResourceOptions
) -> PlatformAddons:
    p = cfg.platform
    charts = {
        key: ChartArgs(
            chart=chart.chart,
            version=chart.version,
            repository=chart.repository,
            values=chart.values,
        )
        for key, chart in p.charts
    }
    # The autoscaler's minor version must match the cluster's.
    autoscaler = charts["cluster_autoscaler"]
    charts["cluster_autoscaler"] = ChartArgs(
        chart=autoscaler.chart,
        version=autoscaler.version,
        repository=autoscaler.repository,
        values={"image": {"tag": f"v{cfg.cluster.version}.0"}, **autoscaler.values},
    )
    if p.route53_zone is None:
        charts.pop("external_dns")
    return PlatformAddons(
        f"{cfg.name}-{cfg.environment}-addons",
        PlatformAddonsArgs(
            part_of=cfg.name,
            cluster_name=cluster.static_name,
            oidc=cluster.oidc,
            region=cfg.region,
            vpc_id=network.vpc_id,
            charts=charts,
            ingress_namespace=p.ingress_namespace,
            ingress_class=p.ingress_class,
            internet_facing=p.internet_facing,
            acme_email=p.acme_email,
            acme_server=p.acme_server,
            route53_zone=Route53ZoneArgs(
                zone_id=p.route53_zone.zone_id, domain=p.route53_zone.domain
            )
            if p.route53_zone
            else None,
            tags=cfg.base_tags,
        ),
        opts=opts,
    )


def _example_app(
    cfg: StackConfig, addons: PlatformAddons, opts: pulumi.ResourceOptions
) -> Workload | None:
    app = cfg.apps.example
    if app is None:
        return None
    return Workload(
        app.name,
        WorkloadArgs(
            namespace=app.namespace,
            part_of=cfg.name,
            image=app.image,
            tag=app.tag,
            digest=app.digest,
            require_digest=app.require_digest,
            port=app.port,
            min_replicas=app.min_replicas,
            max_replicas=app.max_replicas,
            security=SecurityArgs(run_as_user=101, run_as_group=101),  # the image's nginx user
            ingress=IngressArgs(
                host=app.host,
                ingress_class=addons.ingress_class,
                cluster_issuer=addons.cluster_issuer_name,
            )
            if app.host
            else None,
            ingress_namespace=cfg.platform.ingress_namespace,
        ),
        opts=opts,
    )


@dataclass(frozen=True)
class _DataClients:
    security_group_ids: list[pulumi.Output[str]]
    cidrs: list[str]


def _data(
    cfg: StackConfig, network: Vpc, clients: _DataClients, opts: pulumi.ResourceOptions
) -> dict[str, Any]:
    """Backups, PostgreSQL and the cache in the primary region's data subnets.

    Returns the stack outputs of the data tier: endpoints and secret ARNs, never a credential.
    """
    prefix = f"{cfg.name}-{cfg.environment}"
    protect = cfg.protect_stateful_resources
    outputs: dict[str, Any] = {}

    backup_tags: dict[str, str] = {}
    if cfg.backup.enabled:
        backup = _backup(cfg, f"{prefix}-backup", opts)
        backup_tags = backup.selection_tags
        outputs |= {"backupVaultArn": backup.vault_arn, "backupPlanId": backup.plan_id}

    pg = cfg.postgres
    if pg.enabled:
        scaling = pg.reader_autoscaling
        db = PostgresHa(
            f"{prefix}-postgres",
            PostgresHaArgs(
                vpc_id=network.vpc_id,
                subnet_group_name=network.db_subnet_group_name,
                zones=network.zones,
                client_security_group_ids=clients.security_group_ids,
                client_cidrs=clients.cidrs,
                engine=pg.engine,
                engine_version=pg.engine_version,
                instance_class=pg.instance_class,
                readers=pg.readers,
                multi_az=pg.multi_az,
                allocated_storage_gib=pg.allocated_storage_gib,
                max_allocated_storage_gib=pg.max_allocated_storage_gib,
                database_name=pg.database_name,
                master_username=pg.master_username,
                parameters=pg.parameters,
                iam_auth=pg.iam_auth,
                backup_retention_days=pg.backup_retention_days,
                backup_window=pg.backup_window,
                maintenance_window=pg.maintenance_window,
                performance_insights_retention_days=pg.performance_insights_retention_days,
                monitoring_interval_seconds=pg.monitoring_interval_seconds,
                log_retention_days=pg.log_retention_days,
                autoscaling=(
                    ReaderAutoscalingArgs(
                        max_readers=scaling.max_readers,
                        target_cpu_percent=scaling.target_cpu_percent,
                    )
                    if scaling.enabled
                    else None
                ),
                backup_tags=backup_tags,
                tags=cfg.base_tags,
                protect_stateful=protect,
            ),
            opts=opts,
        )
        outputs |= {
            "postgresWriterEndpoint": db.writer_endpoint,
            "postgresReaderEndpoint": db.reader_endpoint,
            "postgresPort": db.port,
            "postgresMasterSecretArn": db.master_user_secret_arn,
            "postgresSecurityGroupId": db.security_group_id,
        }

    cache_cfg = cfg.redis
    if cache_cfg.enabled:
        cache = RedisHa(
            f"{prefix}-cache",
            RedisHaArgs(
                vpc_id=network.vpc_id,
                subnet_group_name=network.cache_subnet_group_name,
                zones=network.zones,
                client_security_group_ids=clients.security_group_ids,
                client_cidrs=clients.cidrs,
                engine=cache_cfg.engine,
                engine_version=cache_cfg.engine_version,
                node_type=cache_cfg.node_type,
                replicas=cache_cfg.replicas,
                cluster_mode=cache_cfg.cluster_mode,
                shards=cache_cfg.shards,
                multi_az=cache_cfg.multi_az,
                parameters=cache_cfg.parameters,
                auth_token_update_strategy=cache_cfg.auth_token_update_strategy,
                snapshot_retention_days=cache_cfg.snapshot_retention_days,
                snapshot_window=cache_cfg.snapshot_window,
                maintenance_window=cache_cfg.maintenance_window,
                slow_log_retention_days=cache_cfg.slow_log_retention_days,
                tags=cfg.base_tags,
                protect_stateful=protect,
            ),
            opts=opts,
        )
        outputs |= {
            "cachePrimaryEndpoint": cache.primary_endpoint,
            "cacheReaderEndpoint": cache.reader_endpoint,
            "cachePort": cache.port,
            "cacheAuthSecretArn": cache.auth_secret_arn,
            "cacheSecurityGroupId": cache.security_group_id,
        }
    return outputs


def _backup(cfg: StackConfig, name: str, opts: pulumi.ResourceOptions) -> BackupPlan:
    bk = cfg.backup
    lock = bk.vault_lock
    return BackupPlan(
        name,
        BackupPlanArgs(
            retention_days=bk.retention_days,
            schedule=bk.schedule,
            continuous_backup=bk.continuous_backup,
            selection_tag_value=name,
            vault_lock=(
                VaultLockArgs(
                    min_retention_days=lock.min_retention_days,
                    max_retention_days=lock.max_retention_days,
                    changeable_for_days=lock.changeable_for_days,
                )
                if lock.enabled
                else None
            ),
            # Hook for the DR layer: destination vaults in the DR region.
            copy_to_vault_arns=bk.copy_to_vault_arns,
            force_destroy=not cfg.protect_stateful_resources,
            tags=cfg.base_tags,
            protect_stateful=cfg.protect_stateful_resources,
        ),
        opts=opts,
    )


def _storage_and_cdn(
    cfg: StackConfig, opts: pulumi.ResourceOptions, edge_opts: pulumi.ResourceOptions
) -> dict[str, Any]:
    """Log bucket, data buckets, and the CDN over the assets bucket; returns stack outputs.

    The assets bucket's policy and key policy need the distribution's ARN, and the distribution
    needs the bucket: deferred outputs close that loop so the grant still lands in the bucket's
    ONE policy, scoped to the distribution (resolved right after the CDN exists).
    """
    prefix = f"{cfg.name}-{cfg.environment}"
    st, tags, protect = cfg.storage, cfg.base_tags, cfg.protect_stateful_resources
    logs = Bucket(
        f"{prefix}-logs",
        BucketArgs(
            access_logs=None,  # the log bucket does not log into itself
            encryption="AES256",  # S3 server access logging cannot deliver to SSE-KMS buckets
            log_target=LogTargetArgs(
                server_access_log_prefix="s3/",
                vended_log_source_regions=[EDGE_REGION] if cfg.cdn.enabled else [],
            ),
            lifecycle=LifecycleArgs(
                expiration_days=st.logs.retention_days,
                noncurrent_version_expiration_days=st.logs.noncurrent_version_expiration_days,
            ),
            force_destroy=st.force_destroy,
            tags=tags,
            protect_stateful=protect,
        ),
        opts=opts,
    )
    outputs: dict[str, Any] = {"logBucketName": logs.bucket_name}

    grants: Grants
    key_grants: Grants
    resolve_grants: Callable[[Grants], None]
    resolve_key_grants: Callable[[Grants], None]
    grants, resolve_grants = pulumi.deferred_output()
    key_grants, resolve_key_grants = pulumi.deferred_output()
    cdn: Cdn | None = None
    try:
        buckets: dict[str, Bucket] = {}
        for role, settings in (("assets", st.assets), ("uploads", st.uploads),
                               ("backups", st.backups)):  # fmt: skip
            if not settings.enabled:
                continue
            serves_cdn = role == "assets" and cfg.cdn.enabled
            buckets[role] = Bucket(
                f"{prefix}-{role}",
                _bucket_args(cfg, settings, logs, role,
                             grants=grants if serves_cdn else (),
                             key_grants=key_grants if serves_cdn else ()),
                opts=opts,
            )  # fmt: skip
            outputs[f"{role}BucketName"] = buckets[role].bucket_name
        if cfg.cdn.enabled:
            cdn = _cdn(cfg, buckets["assets"], logs, edge_opts)
    finally:
        # Always resolve: the engine waits for every output, so an unresolved one (CDN off, or an
        # error above) would make the program wait forever.
        none: Grants = pulumi.Output.from_input([])
        resolve_grants(cdn.origin_bucket_statements if cdn else none)
        resolve_key_grants(cdn.origin_key_statements if cdn else none)
    if cdn is None:
        return outputs
    outputs |= {
        "cdnDomainName": cdn.domain_name,
        "cdnDistributionId": cdn.distribution_id,
        "cdnTlsPolicyEnforced": cdn.tls_policy_enforced,
    }
    if cdn.web_acl_arn is not None:
        outputs["webAclArn"] = cdn.web_acl_arn
    return outputs


def _bucket_args(
    cfg: StackConfig,
    settings: DataBucket,
    logs: Bucket,
    role: str,
    *,
    grants: Any,
    key_grants: Any,
) -> BucketArgs:
    life = settings.lifecycle
    return BucketArgs(
        access_logs=AccessLogArgs(target_bucket=logs.bucket_name, prefix=f"s3/{role}/"),
        lifecycle=LifecycleArgs(
            abort_incomplete_multipart_upload_days=life.abort_incomplete_multipart_upload_days,
            noncurrent_version_expiration_days=life.noncurrent_version_expiration_days,
            transitions=[
                Transition(days=t.days, storage_class=t.storage_class) for t in life.transitions
            ],
            expiration_days=life.expiration_days,
        ),
        policy_statements=grants,
        key_policy_statements=key_grants,
        force_destroy=cfg.storage.force_destroy,
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def _cdn(cfg: StackConfig, assets: Bucket, logs: Bucket, edge_opts: pulumi.ResourceOptions) -> Cdn:
    c = cfg.cdn
    return Cdn(
        f"{cfg.name}-{cfg.environment}-cdn",
        CdnArgs(
            origin_bucket_arn=assets.arn,
            origin_domain_name=assets.regional_domain_name,
            log_bucket_arn=logs.arn,
            price_class=c.price_class,
            viewer_protocol_policy=c.viewer_protocol_policy,
            minimum_tls_version=c.minimum_tls_version,
            domain=(
                CustomDomainArgs(
                    name=c.domain.name,
                    aliases=c.domain.aliases,
                    hosted_zone_id=c.domain.hosted_zone_id,
                )
                if c.domain
                else None
            ),
            allow_default_certificate=c.allow_default_certificate,
            security_headers=SecurityHeadersArgs(content_security_policy=c.content_security_policy),
            default_root_object=c.default_root_object,
            waf=(
                WebFirewallArgs(
                    rate_limit=c.waf.rate_limit,
                    rate_limit_window_seconds=c.waf.rate_limit_window_seconds,
                    blocked_ip_cidrs=c.waf.blocked_ip_cidrs,
                    blocked_countries=c.waf.blocked_countries,
                    allowed_countries=c.waf.allowed_countries,
                    log_retention_days=c.waf.log_retention_days,
                )
                if c.waf.enabled
                else None
            ),
            tags=cfg.base_tags,
            protect_stateful=cfg.protect_stateful_resources,
        ),
        opts=edge_opts,
    )
