"""`build(cfg)`: compose the platform for one stack. Pure wiring: providers, then each layer
(infra/layers/) in dependency order."""

from __future__ import annotations

from typing import Any

import pulumi

from infra.config import AwsStackConfig, ConfigError, StackConfig
from infra.kubernetes import kubernetes_provider
from infra.layers import apps, cost, data, kubernetes, network, storage
from infra.providers import build_providers


def build(cfg: StackConfig) -> dict[str, Any]:
    """Create every resource of the stack; return the stack outputs to export."""
    if not isinstance(cfg, AwsStackConfig):
        # Validated (so a stack file can be written and checked now), not built yet.
        raise ConfigError(
            [f"groundwork:cloud: '{cfg.cloud}' is validated but not built yet (issue #16); "
             "nothing was registered"]
        )  # fmt: skip
    return _build_aws(cfg)


def _build_aws(cfg: AwsStackConfig) -> dict[str, Any]:
    providers = build_providers(cfg)
    in_primary = pulumi.ResourceOptions(provider=providers.primary)

    vpc = network.network(cfg, in_primary)
    cost.budget(cfg, in_primary)
    outputs: dict[str, Any] = {}
    # Who may reach the databases and caches: the cluster's nodes when there is a cluster, else the
    # application (private) subnets.
    clients = data.DataClients(
        security_group_ids=[], cidrs=[s.cidr for s in vpc.plan.tier("private")]
    )
    if cfg.cluster.enabled:
        cluster = kubernetes.cluster(cfg, vpc, in_primary)
        k8s = kubernetes_provider(
            f"k8s-{cluster.static_name}", cluster, cfg.region, cfg.cluster.kubeconfig_role_arn
        )
        on_cluster = pulumi.ResourceOptions(providers=[providers.primary, k8s])
        baseline = kubernetes.baseline(cfg, on_cluster)
        addons = kubernetes.addons(cfg, vpc, cluster, pulumi.ResourceOptions.merge(
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
        clients = data.DataClients(security_group_ids=[cluster.node_security_group_id], cidrs=[])
    edge = storage.storage_and_cdn(cfg, in_primary, pulumi.ResourceOptions(provider=providers.edge))

    outputs |= data.data(
        cfg,
        vpc,
        clients,
        pulumi.ResourceOptions(providers=[providers.primary, providers.random]),
    )
    if cfg.cluster.enabled:
        # The port each data service listens on, by the name services `use` it with.
        ports = {use: outputs[key] for use, key in (("postgres", "postgresPort"),
                                                    ("redis", "cachePort")) if key in outputs}  # fmt: skip
        services = apps.layer(cfg, vpc, ports, addons, pulumi.ResourceOptions.merge(
            on_cluster, pulumi.ResourceOptions(depends_on=[baseline])))  # fmt: skip
        outputs |= services.outputs
    return {
        **outputs,
        "environment": cfg.environment,
        "region": cfg.region,
        "vpcId": vpc.vpc_id,
        "vpcCidr": vpc.vpc_cidr,
        "zones": vpc.zones,
        "publicSubnetIds": vpc.public_subnet_ids,
        "privateSubnetIds": vpc.private_subnet_ids,
        "dataSubnetIds": vpc.data_subnet_ids,
        **edge,
    }
