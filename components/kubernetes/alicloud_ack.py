"""`groundwork:alicloud/kubernetes:AckCluster`: an ACK managed cluster (Pro) and its node pools.

Creates: a KMS key (rotated) that envelope-encrypts Secrets and the nodes' disks; an SLS project
for the control-plane and audit logs (kept `log_retention_days`); the cluster's security group,
admitting only the VPC and the load balancers' health checks (no admin port from anywhere else);
the cluster: Pro edition, API server on the private network unless asked otherwise, Terway with
network policy, RRSA (workload identity), deletion protection; its autoscaler settings; and one
node pool per entry (or per entry and zone with `per_zone`) across the private vSwitches:
encrypted ESSD system disks, metadata tokens required, no public IP, hardened Alibaba Cloud Linux,
auto-repair, spot only when asked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi
from pulumi_alicloud import cs, ecs, kms, log

from components._base import child_opts, log_class_tag, type_token
from components.kubernetes.alicloud_ack_spec import (
    ACK_VERSIONS,
    AckClusterArgs,
    NodePoolArgs,
    validate,
)

CLUSTER_SPEC = "ack.pro.small"
"""ACK Pro: SLA-backed managed control plane (the basic edition has none)."""
CREDENTIAL_MINUTES = 15
"""Lifetime of the temporary kubeconfig the CA is read from (the shortest ACK issues)."""
CONTROL_PLANE_LOGS = ("apiserver", "kcm", "scheduler", "ccm")
HEALTH_CHECK_CIDR = "100.64.0.0/10"
"""Where Alibaba Cloud load balancers' health checks come from."""


class AckCluster(pulumi.ComponentResource):
    cluster_id: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    """The API server's private (intranet) endpoint."""
    certificate_authority: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    kms_key_id: pulumi.Output[str]
    log_project: pulumi.Output[str]
    rrsa_oidc_provider_arn: pulumi.Output[str]
    node_pools: dict[str, cs.NodePool]

    def __init__(
        self, name: str, args: AckClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("kubernetes", "AckCluster", cloud="alicloud"), name, None, opts)
        validate(args)
        self._name, self._args = name, args
        protect = args.protect_stateful
        self.key: kms.Key | None = None
        if args.kms_key_id is None:
            self.key = kms.Key(
                f"{name}-key",
                description=f"Envelope-encrypts Secrets and node disks of {args.cluster_name}",
                key_usage="ENCRYPT/DECRYPT",
                dkms_instance_id=args.kms_instance_id,
                automatic_rotation="Enabled",
                rotation_interval="31536000s",
                pending_window_in_days=30,
                deletion_protection="Enabled" if protect else "Disabled",
                tags=dict(args.tags),
                opts=child_opts(self, protect=protect),
            )
            self.kms_key_id = self.key.id
        else:
            self.kms_key_id = pulumi.Output.from_input(args.kms_key_id)
        project = log.Project(
            f"{name}-logs",
            project_name=f"{args.cluster_name}-ack-logs",
            description=f"Control-plane and audit logs of {args.cluster_name}",
            tags={**args.tags, **log_class_tag("audit")},  # its logstores' retention class
            opts=child_opts(self, protect=protect),
        )
        self.log_project = project.project_name
        self._security_group()
        switches = [args.private_switches[z] for z in sorted(args.private_switches)]
        self.cluster = cs.ManagedKubernetes(
            f"{name}-cluster",
            name=args.cluster_name,
            cluster_spec=CLUSTER_SPEC,
            version=ACK_VERSIONS[args.version],
            vswitch_ids=switches,
            pod_vswitch_ids=switches,
            new_nat_gateway=False,  # egress is the VPC's own NAT
            slb_internet_enabled=args.endpoint_public,
            service_cidr=args.service_cidr,
            proxy_mode="ipvs",
            security_group_id=self.security_group.id,
            encryption_provider_key=self.kms_key_id,
            enable_rrsa=True,
            deletion_protection=protect,
            audit_log_config=cs.ManagedKubernetesAuditLogConfigArgs(
                enabled=True, sls_project_name=project.project_name
            ),
            control_plane_log_project=project.project_name,
            control_plane_log_components=list(CONTROL_PLANE_LOGS),
            control_plane_log_ttl=str(args.log_retention_days),
            addons=[
                cs.ManagedKubernetesAddonArgs(
                    name="terway-eniip", config=json.dumps({"NetworkPolicy": "true"})
                ),
                cs.ManagedKubernetesAddonArgs(name="csi-plugin"),
                cs.ManagedKubernetesAddonArgs(name="managed-csi-provisioner"),
                cs.ManagedKubernetesAddonArgs(name="metrics-server"),
                *self._log_agent(),
            ],
            maintenance_window=cs.ManagedKubernetesMaintenanceWindowArgs(
                enable=True,
                maintenance_time="2026-01-04T03:00:00.000+08:00",
                duration="3h",
                weekly_period="Sunday",
            ),
            tags=dict(args.tags),
            opts=child_opts(self, protect=protect),
        )
        self.cluster_id = self.cluster.id
        self.endpoint = self.cluster.connections.apply(lambda c: _field(c, "api_server_intranet"))
        # The CA from the cluster-credential data source (the cluster's own
        # `certificate_authorities` is deprecated since provider 1.248.0). Only the CA leaves this
        # call: the short-lived client credential it also returns is never used, so never stored.
        credential = cs.get_cluster_credential_output(
            cluster_id=self.cluster.id,
            temporary_duration_minutes=CREDENTIAL_MINUTES,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        self.certificate_authority = credential.certificate_authorities.apply(
            lambda c: _field(c, "cluster_cert")
        )
        self.rrsa_oidc_provider_arn = self.cluster.rrsa_metadata.apply(
            lambda m: _field(m, "ram_oidc_provider_arn")
        )
        cs.AutoscalingConfig(
            f"{name}-autoscaling",
            cluster_id=self.cluster.id,
            scale_down_enabled=True,
            expander="least-waste",
            skip_nodes_with_system_pods=False,
            daemonset_eviction_for_nodes=False,
            opts=child_opts(self),
        )
        self.node_pools = {}
        for pool_name, pool in args.node_pools.items():
            zones = sorted(args.private_switches)
            groups = (
                {f"{pool_name}-{z}": [z] for z in zones} if pool.per_zone else {pool_name: zones}
            )
            for key, pool_zones in groups.items():
                self.node_pools[key] = self._node_pool(key, pool, pool_zones)
        self.register_outputs(
            {
                "clusterId": self.cluster_id,
                "endpoint": self.endpoint,
                "securityGroupId": self.security_group_id,
                "kmsKeyId": self.kms_key_id,
                "logProject": self.log_project,
                "nodePools": sorted(self.node_pools),
            }
        )

    def _log_agent(self) -> list[cs.ManagedKubernetesAddonArgs]:
        """ACK's log agent, shipping to the application log project (when there is one)."""
        project = self._args.app_log_project
        if project is None:
            return []
        config = pulumi.Output.from_input(project).apply(_log_agent_config)
        return [cs.ManagedKubernetesAddonArgs(name="logtail-ds", config=config)]

    def _security_group(self) -> None:
        name, args = self._name, self._args
        self.security_group = ecs.SecurityGroup(
            f"{name}-sg",
            security_group_name=f"{args.cluster_name}-ack",
            vpc_id=args.vpc_id,
            description=f"Nodes and pods of {args.cluster_name}: the VPC and health checks only",
            tags=dict(args.tags),
            opts=child_opts(self),
        )
        self.security_group_id = self.security_group.id
        for rule, cidr in (("vpc", args.vpc_cidr), ("health-checks", HEALTH_CHECK_CIDR)):
            for protocol in ("tcp", "udp"):
                ecs.SecurityGroupRule(
                    f"{name}-sg-{rule}-{protocol}",
                    security_group_id=self.security_group.id,
                    type="ingress",
                    ip_protocol=protocol,
                    port_range="1/65535",
                    cidr_ip=cidr,
                    policy="accept",
                    description=f"{protocol} from {rule}",
                    opts=child_opts(self),
                )

    def _node_pool(self, key: str, pool: NodePoolArgs, zones: Sequence[str]) -> cs.NodePool:
        args = self._args
        return cs.NodePool(
            f"{self._name}-{key}",
            node_pool_name=key,
            cluster_id=self.cluster.id,
            vswitch_ids=[args.private_switches[z] for z in zones],
            instance_types=list(pool.instance_types),
            instance_charge_type="PostPaid",
            spot_strategy="SpotAsPriceGo" if pool.spot else "NoSpot",
            spot_instance_remedy=True if pool.spot else None,
            multi_az_policy="COST_OPTIMIZED" if pool.spot else "BALANCE",
            scaling_config=cs.NodePoolScalingConfigArgs(
                enable=True, min_size=pool.min_size, max_size=pool.max_size, type="cpu"
            ),
            image_type="AliyunLinux3",
            security_hardening_os=True,
            system_disk_category="cloud_essd",
            system_disk_performance_level="PL0",
            system_disk_size=pool.disk_size_gib,
            system_disk_encrypted=True,
            system_disk_kms_key=self.kms_key_id,
            instance_metadata_options=cs.NodePoolInstanceMetadataOptionsArgs(
                http_tokens="required"
            ),
            internet_max_bandwidth_out=0,
            security_group_ids=[self.security_group.id],
            management=cs.NodePoolManagementArgs(
                enable=True, auto_repair=True, auto_vul_fix=True, max_unavailable=1
            ),
            labels=[cs.NodePoolLabelArgs(key=k, value=v) for k, v in sorted(pool.labels.items())],
            tags=dict(args.tags),
            opts=child_opts(self, ignore_changes=["desiredSize"]),
        )


def _log_agent_config(project: str) -> str:
    return json.dumps({"IngressDashboardEnabled": "false", "sls_project_name": project})


def _field(value: object, attr: str) -> str:
    """A field of a nested output (an SDK output type, read through its property getter), or of
    its first element when it is a list."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        value = value[0] if value else None
    return str(getattr(value, attr, None) or "")
