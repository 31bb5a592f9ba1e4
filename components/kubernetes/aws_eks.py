"""`groundwork:aws/kubernetes:EksCluster`: an EKS cluster built natively on pulumi_aws.

Creates: a customer-managed KMS key (rotation on) that encrypts Kubernetes secrets and the
control-plane log group; the log group (`/aws/eks/<cluster>/cluster`, with retention); cluster and
node IAM roles; an additional cluster security group and a node security group with the rules the
control plane and nodes need; the cluster (private endpoint, optional CIDR-restricted public
endpoint, authentication mode API with access entries, upgrade policy from the args); access entries
with the cluster-admin policy for the admin roles; the IAM OIDC provider for IRSA; a launch template
(IMDSv2 required, hop limit 1, encrypted gp3 root volume); managed node groups over the private
subnets of every zone; the managed add-ons vpc-cni (network policy on), kube-proxy, coredns and
aws-ebs-csi-driver, the CNI and CSI drivers with their own IRSA roles.

Pulumi-eks is not used: it is Node-based, and so neither mockable nor testable here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi_aws import cloudwatch, ec2, eks, iam, kms, vpc

from components._base import child_opts, log_class_tag, merged_tags, type_token
from components.aws.identity import aws_context
from components.aws.policy_docs import kms_key_policy, logs_service_statement
from components.kubernetes.architecture import EKS_AMI_TYPES, group_architecture
from components.kubernetes.aws_alarms import cluster_alarms
from components.kubernetes.aws_eks_spec import (
    EksClusterArgs,
    NodeGroupArgs,
    role_key,
    validate,
)
from components.kubernetes.aws_irsa import service_account_role
from components.kubernetes.aws_irsa_spec import OidcIdentity
from components.monitoring.aws import emit_alarms

ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"


def _by_zone(subnets: Mapping[str, pulumi.Input[str]]) -> list[pulumi.Input[str]]:
    """Subnet ids in zone-name order, whatever order the zones were listed in: a node group's
    subnetIds force its replacement when they change, and a reordered list is a change."""
    return [subnets[zone] for zone in sorted(subnets)]


class EksCluster(pulumi.ComponentResource):
    """An EKS cluster with hardened defaults, managed node groups and core add-ons."""

    cluster_name: pulumi.Output[str]
    static_name: str
    """The cluster name as a plain string (for IAM conditions and chart values)."""
    endpoint: pulumi.Output[str]
    certificate_authority: pulumi.Output[str]
    """Base64 PEM of the cluster CA."""
    version: pulumi.Output[str]
    oidc: OidcIdentity
    oidc_provider_arn: pulumi.Output[str]
    oidc_issuer_host: pulumi.Output[str]
    cluster_security_group_id: pulumi.Output[str]
    """The security group EKS creates and attaches to the control plane and every node."""
    node_security_group_id: pulumi.Output[str]
    """Our node security group (admit it in data-tier security groups)."""
    secrets_key_arn: pulumi.Output[str]
    node_role_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]
    node_group_names: list[pulumi.Output[str]]

    def __init__(
        self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("kubernetes", "EksCluster", cloud="aws"), name, None, opts)
        validate(args)
        self._name, self._args = name, args
        self.static_name = args.cluster_name
        self._ctx = aws_context(self)

        key, log_group = self._key_and_logs()
        cluster_role = self._cluster_role(key)
        self._security_groups()
        self.cluster = eks.Cluster(
            f"{name}-cluster",
            name=args.cluster_name,
            version=args.version,
            role_arn=cluster_role.arn,
            upgrade_policy=eks.ClusterUpgradePolicyArgs(support_type=args.support_type),
            vpc_config=eks.ClusterVpcConfigArgs(
                subnet_ids=_by_zone(args.private_subnets),
                endpoint_private_access=True,
                endpoint_public_access=args.endpoint_public_access,
                public_access_cidrs=list(args.public_access_cidrs)
                if args.endpoint_public_access
                else None,
                security_group_ids=[self.cluster_sg.id],
            ),
            encryption_config=eks.ClusterEncryptionConfigArgs(
                provider=eks.ClusterEncryptionConfigProviderArgs(key_arn=key.arn),
                resources=["secrets"],
            ),
            enabled_cluster_log_types=list(args.log_types),
            access_config=eks.ClusterAccessConfigArgs(
                authentication_mode="API",
                bootstrap_cluster_creator_admin_permissions=False,
            ),
            # Core add-ons come as managed add-ons below, versioned and configured by us.
            bootstrap_self_managed_addons=False,
            zonal_shift_config=eks.ClusterZonalShiftConfigArgs(enabled=args.zonal_shift),
            deletion_protection=args.protect_stateful,
            tags=self._tags(f"{name}-cluster"),
            opts=child_opts(self, depends_on=[log_group], protect=args.protect_stateful),
        )
        self.cluster_name = self.cluster.name
        self.endpoint = self.cluster.endpoint
        self.certificate_authority = self.cluster.certificate_authority.apply(
            lambda ca: ca.data or ""
        )
        self.version = self.cluster.version
        self.cluster_security_group_id = self.cluster.vpc_config.apply(
            lambda c: c.cluster_security_group_id or ""
        )
        self.secrets_key_arn = key.arn
        self.log_group_name = log_group.name
        self.alarms = emit_alarms(
            self, name, "cluster", cluster_alarms(self.cluster.name), args.alarms, args.tags
        )
        self._access_entries()
        self._oidc_provider()
        before_nodes = self._addons_before_nodes()
        self._node_groups(before_nodes)
        self._addons_after_nodes()

        self.register_outputs(
            {
                "clusterName": self.cluster_name,
                "endpoint": self.endpoint,
                "version": self.version,
                "oidcProviderArn": self.oidc_provider_arn,
                "clusterSecurityGroupId": self.cluster_security_group_id,
                "nodeSecurityGroupId": self.node_security_group_id,
                "secretsKeyArn": self.secrets_key_arn,
                "nodeRoleArn": self.node_role_arn,
                "logGroupName": self.log_group_name,
            }
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _tags(self, name: str, **extra: str) -> dict[str, str]:
        return merged_tags(self._args.tags, name, **extra)

    def _aws_policy(self, path: str) -> pulumi.Output[str]:
        return pulumi.Output.format("arn:{0}:iam::aws:policy/{1}", self._ctx.partition, path)

    def _key_and_logs(self) -> tuple[kms.Key, cloudwatch.LogGroup]:
        name, args = self._name, self._args
        protect = args.protect_stateful
        key = kms.Key(
            f"{name}-secrets-key",
            description=f"Encrypts Kubernetes secrets and control-plane logs of {args.cluster_name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=kms_key_policy(self._ctx, [logs_service_statement()]),
            tags=self._tags(f"{name}-secrets-key"),
            opts=child_opts(self, protect=protect),
        )
        # EKS writes to exactly this name; creating it first sets retention and encryption.
        log_group = cloudwatch.LogGroup(
            f"{name}-control-plane-logs",
            name=f"/aws/eks/{args.cluster_name}/cluster",
            retention_in_days=args.log_retention_days,
            kms_key_id=key.arn,
            tags=self._tags(f"{name}-control-plane-logs", **log_class_tag("audit")),
            opts=child_opts(self, protect=protect),
        )
        return key, log_group

    def _cluster_role(self, key: kms.Key) -> iam.Role:
        name = self._name
        role = iam.Role(
            f"{name}-cluster-role",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "eks.amazonaws.com"},
                            "Action": ["sts:AssumeRole", "sts:TagSession"],
                        }
                    ],
                }
            ),
            tags=self._tags(f"{name}-cluster-role"),
            opts=child_opts(self),
        )
        iam.RolePolicyAttachment(
            f"{name}-cluster-policy",
            role=role.name,
            policy_arn=self._aws_policy("AmazonEKSClusterPolicy"),
            opts=child_opts(self),
        )
        # Envelope encryption of secrets: the control plane uses the key through this role only.
        iam.RolePolicy(
            f"{name}-cluster-kms",
            role=role.id,
            policy=key.arn.apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": [
                                    "kms:Encrypt",
                                    "kms:Decrypt",
                                    "kms:ListGrants",
                                    "kms:DescribeKey",
                                ],
                                "Resource": arn,
                            }
                        ],
                    }
                )
            ),
            opts=child_opts(self),
        )
        return role

    def _security_groups(self) -> None:
        name, args = self._name, self._args
        self.cluster_sg = ec2.SecurityGroup(
            f"{name}-cluster-sg",
            vpc_id=args.vpc_id,
            description=f"EKS control plane of {args.cluster_name} (additional)",
            tags=self._tags(f"{name}-cluster-sg"),
            opts=child_opts(self),
        )
        self.node_sg = ec2.SecurityGroup(
            f"{name}-node-sg",
            vpc_id=args.vpc_id,
            description=f"Worker nodes of {args.cluster_name}",
            # Deliberately without the `kubernetes.io/cluster/<name>` tag: the EKS-created cluster
            # security group on the same ENIs carries it, and the load balancer controller refuses
            # ENIs with two tagged groups.
            tags=self._tags(f"{name}-node-sg"),
            opts=child_opts(self),
        )
        self.node_security_group_id = self.node_sg.id
        rules: list[tuple[str, str, str, int, int, str]] = [
            # (rule, security group, source/destination, from, to, description)
            ("cluster-from-nodes-https", "cluster", "node", 443, 443, "Nodes to the API server"),
            ("nodes-from-cluster-kubelet", "node", "cluster", 10250, 10250,
             "Control plane to kubelets"),
            ("nodes-from-cluster-https", "node", "cluster", 443, 443,
             "Control plane to webhooks on 443"),
            ("nodes-from-cluster-webhooks", "node", "cluster", 1025, 65535,
             "Control plane to admission webhooks and metrics on high ports"),
            ("nodes-from-nodes", "node", "node", 0, 65535, "Node to node (pods, DNS)"),
        ]  # fmt: skip
        groups = {"cluster": self.cluster_sg, "node": self.node_sg}
        for rule, target, peer, from_port, to_port, description in rules:
            vpc.SecurityGroupIngressRule(
                f"{name}-{rule}",
                security_group_id=groups[target].id,
                referenced_security_group_id=groups[peer].id,
                ip_protocol="-1" if (from_port, to_port) == (0, 65535) else "tcp",
                from_port=None if (from_port, to_port) == (0, 65535) else from_port,
                to_port=None if (from_port, to_port) == (0, 65535) else to_port,
                description=description,
                tags=self._tags(f"{name}-{rule}"),
                opts=child_opts(self),
            )
        vpc.SecurityGroupEgressRule(
            f"{name}-cluster-to-nodes",
            security_group_id=self.cluster_sg.id,
            referenced_security_group_id=self.node_sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=65535,
            description="Control plane to kubelets and webhooks",
            tags=self._tags(f"{name}-cluster-to-nodes"),
            opts=child_opts(self),
        )
        # Nodes pull images and reach AWS APIs through the NAT or VPC endpoints.
        vpc.SecurityGroupEgressRule(
            f"{name}-nodes-egress",
            security_group_id=self.node_sg.id,
            ip_protocol="-1",
            cidr_ipv4="0.0.0.0/0",
            description="Nodes to registries, AWS APIs and the VPC",
            tags=self._tags(f"{name}-nodes-egress"),
            opts=child_opts(self),
        )

    def _access_entries(self) -> None:
        name, args = self._name, self._args
        policy_arn = pulumi.Output.format(
            "arn:{0}:eks::aws:cluster-access-policy/{1}", self._ctx.partition, ADMIN_POLICY
        )
        # Named after the role, not its place in the list: principalArn forces replacement, and a
        # replaced entry is a moment without cluster access for that role.
        for role_arn in args.admin_role_arns:
            key = f"{name}-admin-{role_key(role_arn)}"
            entry = eks.AccessEntry(
                key,
                cluster_name=self.cluster.name,
                principal_arn=role_arn,
                type="STANDARD",
                tags=self._tags(key),
                opts=child_opts(self),
            )
            eks.AccessPolicyAssociation(
                f"{key}-policy",
                cluster_name=self.cluster.name,
                principal_arn=entry.principal_arn,
                policy_arn=policy_arn,
                access_scope=eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
                opts=child_opts(self),
            )

    def _oidc_provider(self) -> None:
        name = self._name
        issuer = self.cluster.identities.apply(lambda ids: ids[0].oidcs[0].issuer or "")
        provider = iam.OpenIdConnectProvider(
            f"{name}-oidc",
            url=issuer,
            client_id_lists=["sts.amazonaws.com"],
            tags=self._tags(f"{name}-oidc"),
            opts=child_opts(self),
        )
        self.oidc_provider_arn = provider.arn
        self.oidc_issuer_host = issuer.apply(lambda url: url.removeprefix("https://"))
        self.oidc = OidcIdentity(provider_arn=provider.arn, issuer_host=self.oidc_issuer_host)

    def service_account_role(
        self,
        name: str,
        *,
        namespace: str,
        service_account: str,
        statements: Sequence[dict[str, object]] = (),
        managed_policies: Sequence[str] = (),
        parent: pulumi.Resource | None = None,
    ) -> iam.Role:
        """An IAM role that only `namespace/service_account` can assume (IRSA).

        `managed_policies` are AWS-managed policy names (`AmazonEBSCSIDriverPolicy`); the role is a
        child of `parent` (default: this cluster).
        """
        return service_account_role(
            parent or self,
            name,
            oidc=self.oidc,
            namespace=namespace,
            service_account=service_account,
            tags=self._args.tags,
            statements=statements,
            managed_policy_arns={p: self._aws_policy(p) for p in managed_policies},
        )

    def _addon(
        self,
        addon: str,
        *,
        depends_on: Sequence[pulumi.Resource] = (),
        role: iam.Role | None = None,
        configuration: Mapping[str, object] | None = None,
    ) -> eks.Addon:
        name = self._name
        return eks.Addon(
            f"{name}-{addon}",
            cluster_name=self.cluster.name,
            addon_name=addon,
            addon_version=self._args.addon_versions.get(addon),
            service_account_role_arn=role.arn if role else None,
            configuration_values=json.dumps(configuration, sort_keys=True)
            if configuration
            else None,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags=self._tags(f"{name}-{addon}"),
            opts=child_opts(self, depends_on=list(depends_on)),
        )

    def _addons_before_nodes(self) -> list[pulumi.Resource]:
        """Networking add-ons nodes need to become Ready."""
        cni_role = self.service_account_role(
            f"{self._name}-vpc-cni-irsa",
            namespace="kube-system",
            service_account="aws-node",
            managed_policies=["AmazonEKS_CNI_Policy"],
        )
        cni = self._addon(
            "vpc-cni",
            role=cni_role,
            # Network policy enforcement by the VPC CNI agent: NetworkPolicy objects take effect.
            configuration={"enableNetworkPolicy": "true"},
        )
        proxy = self._addon("kube-proxy")
        return [cni, proxy]

    def _addons_after_nodes(self) -> None:
        csi_role = self.service_account_role(
            f"{self._name}-ebs-csi-irsa",
            namespace="kube-system",
            service_account="ebs-csi-controller-sa",
            managed_policies=["service-role/AmazonEBSCSIDriverPolicy"],
        )
        self._addon("coredns", depends_on=self._node_groups_created)
        self._addon("aws-ebs-csi-driver", role=csi_role, depends_on=self._node_groups_created)

    def _node_groups(self, after: Sequence[pulumi.Resource]) -> None:
        name, args = self._name, self._args
        node_role = iam.Role(
            f"{name}-node-role",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
            tags=self._tags(f"{name}-node-role"),
            opts=child_opts(self),
        )
        # CNI permissions live on the vpc-cni IRSA role, not on every node. Image pulls: only
        # the registry's repositories of this account (not AWS's account-wide pull policy).
        attachments: list[pulumi.Resource] = [
            iam.RolePolicyAttachment(
                f"{name}-node-AmazonEKSWorkerNodePolicy",
                role=node_role.name,
                policy_arn=self._aws_policy("AmazonEKSWorkerNodePolicy"),
                opts=child_opts(self),
            ),
            iam.RolePolicy(
                f"{name}-node-image-pull",
                role=node_role.id,
                policy=pulumi.Output.all(
                    self._ctx.account_id, self._ctx.partition, self._ctx.region,
                    *args.image_repository_arns,
                ).apply(lambda v: node_pull_policy(v[0], v[1], v[2], v[3:])),
                opts=child_opts(self),
            ),
        ]  # fmt: skip
        self.node_role_arn = node_role.arn
        self._node_groups_created: list[pulumi.Resource] = []
        self.node_group_names = []
        for group_name, group in args.node_groups.items():
            template = self._launch_template(group_name, group)
            placements: dict[str, list[pulumi.Input[str]]] = (
                {f"{group_name}-{zone}": [subnet] for zone, subnet in args.private_subnets.items()}
                if group.per_zone
                else {group_name: _by_zone(args.private_subnets)}
            )
            for placement, subnets in placements.items():
                node_group = self._node_group(
                    placement,
                    group_name=group_name,
                    group=group,
                    node_role=node_role,
                    template=template,
                    subnets=subnets,
                    after=[*attachments, *after],
                )
                self._node_groups_created.append(node_group)
                self.node_group_names.append(node_group.node_group_name)

    def _node_group(
        self,
        placement: str,
        *,
        group_name: str,
        group: NodeGroupArgs,
        node_role: iam.Role,
        template: ec2.LaunchTemplate,
        subnets: list[pulumi.Input[str]],
        after: Sequence[pulumi.Resource],
    ) -> eks.NodeGroup:
        name, args = self._name, self._args
        return eks.NodeGroup(
            f"{name}-{placement}",
            cluster_name=self.cluster.name,
            node_group_name_prefix=f"{placement}-",
            node_role_arn=node_role.arn,
            subnet_ids=subnets,
            ami_type=EKS_AMI_TYPES[group_architecture(tuple(group.instance_types))],
            capacity_type=group.capacity_type,
            instance_types=list(group.instance_types),
            scaling_config=eks.NodeGroupScalingConfigArgs(
                min_size=group.min_size,
                desired_size=group.desired_size,
                max_size=group.max_size,
            ),
            update_config=eks.NodeGroupUpdateConfigArgs(
                max_unavailable_percentage=group.max_unavailable_percentage
            ),
            node_repair_config=eks.NodeGroupNodeRepairConfigArgs(enabled=True),
            launch_template=eks.NodeGroupLaunchTemplateArgs(
                id=template.id, version=template.latest_version.apply(str)
            ),
            labels={**group.labels, "groundwork.dev/node-group": group_name},
            tags=self._tags(
                f"{name}-{placement}",
                **{
                    "k8s.io/cluster-autoscaler/enabled": "true",
                    f"k8s.io/cluster-autoscaler/{args.cluster_name}": "owned",
                },
            ),
            opts=child_opts(
                self,
                depends_on=list(after),
                # The cluster autoscaler owns the size after creation.
                ignore_changes=["scalingConfig.desiredSize"],
            ),
        )

    def _launch_template(self, group_name: str, group: NodeGroupArgs) -> ec2.LaunchTemplate:
        name = self._name
        lt_name = f"{name}-{group_name}-lt"
        instance_tags = self._tags(f"{name}-{group_name}")
        return ec2.LaunchTemplate(
            lt_name,
            description=f"Nodes of {name}-{group_name}: IMDSv2 only, encrypted gp3 root",
            update_default_version=True,
            # IMDSv2 only, one hop: pods cannot reach the node's instance role; they use IRSA.
            metadata_options=ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=1,
                instance_metadata_tags="disabled",
            ),
            block_device_mappings=[
                ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name="/dev/xvda",
                    ebs=ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=group.disk_size_gib,
                        volume_type="gp3",
                        encrypted="true",
                        delete_on_termination="true",
                    ),
                )
            ],
            vpc_security_group_ids=[self.node_sg.id, self.cluster_security_group_id],
            tag_specifications=[
                ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=instance_tags)
                for kind in ("instance", "volume", "network-interface")
            ],
            tags=self._tags(lt_name),
            opts=child_opts(self),
        )


IMAGE_PULL_ACTIONS = [
    "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability",
]  # fmt: skip


def node_pull_policy(
    account: str, partition: str, region: str, repository_arns: Sequence[str]
) -> str:
    """What the kubelet needs to pull: a registry token (account-wide by nature), the listed
    repositories of this account, and repositories of other accounts in the region, which admit
    a pull only if their own repository policy grants it (the EKS add-on images)."""
    statements: list[dict[str, Any]] = [
        {"Sid": "RegistryToken", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken",
         "Resource": "*"},
        {"Sid": "OtherAccountsRegistries", "Effect": "Allow", "Action": IMAGE_PULL_ACTIONS,
         "Resource": f"arn:{partition}:ecr:{region}:*:repository/*",
         "Condition": {"StringNotEquals": {"aws:ResourceAccount": account}}},
    ]  # fmt: skip
    if repository_arns:
        statements.append({"Sid": "OwnRepositories", "Effect": "Allow",
                           "Action": IMAGE_PULL_ACTIONS, "Resource": sorted(repository_arns)})  # fmt: skip
    return json.dumps({"Version": "2012-10-17", "Statement": statements})
