"""`groundwork:aws/kubernetes:PlatformAddons`: the cluster add-ons installed with Helm.

Creates, each as one `helm.v3.Release` with a pinned chart version and repository:
- AWS Load Balancer Controller (kube-system), IRSA role scoped by cluster tags, with its Gateway API
  support on: it provisions the public Gateway's ALB (`aws_gateway.py`; ingress-nginx, retired in
  March 2026, is gone);
- the Gateway API CRDs of the pinned release (`GATEWAY_API_VERSION`, standard channel);
- cert-manager (CRDs included, Gateway API support on) and a Let's Encrypt `ClusterIssuer` solving
  HTTP-01 through the public Gateway;
- metrics-server (resource metrics for HPAs);
- cluster autoscaler (kube-system), IRSA role that may only resize this cluster's node groups;
- external-dns, only when a Route 53 zone is given, IRSA role limited to that zone.

Every IAM policy is JSON built here, in Python. Chart values: ours, then the caller's per chart
(`ChartArgs.values`) merged over them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi_kubernetes import helm

from components._base import child_opts, type_token
from components.kubernetes.aws_addons_spec import PlatformAddonsArgs, Route53ZoneArgs, validate
from components.kubernetes.aws_gateway_alarms import CLUSTER_TAG
from components.kubernetes.aws_irsa import service_account_role
from components.kubernetes.gateway_api import gateway_api_crds
from components.kubernetes.platform.charts import chart_source, cluster_issuer
from components.kubernetes.platform.charts_spec import merge_values

IRSA_SHORT_NAMES = {"aws_load_balancer_controller": "lb-controller"}
"""Add-ons whose IRSA role goes by a shorter name than the add-on's: the role name is the
stack's prefix plus this plus the provider's 8 characters, and IAM stops at 64 (with the
add-on's full name only a 15-character prefix fitted, so `groundwork-staging` did not).
Roles created under the full name keep it (an alias, so no replacement)."""


class PlatformAddons(pulumi.ComponentResource):
    releases: dict[str, helm.v3.Release]
    gateway_api_crds: pulumi.Resource
    load_balancer_controller: helm.v3.Release
    cluster_issuer_name: str
    ingress_class: str

    def __init__(
        self, name: str, args: PlatformAddonsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("kubernetes", "PlatformAddons", cloud="aws"), name, None, opts)
        validate(args)
        self._name, self._args = name, args
        self.releases = {}
        lbc = self._load_balancer_controller()
        self.gateway_api_crds = gateway_api_crds(self, f"{name}-gateway-api-crds")
        self.load_balancer_controller = lbc
        self._cert_manager()
        self._release("metrics_server", "kube-system", {"replicas": args.replicas})
        self._cluster_autoscaler()
        if args.route53_zone is not None:
            self._external_dns(args.route53_zone)
        self.ingress_class = args.ingress_class
        self.register_outputs(
            {
                "releases": sorted(self.releases),
                "clusterIssuer": self.cluster_issuer_name,
                "ingressClass": self.ingress_class,
            }
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _release(
        self,
        key: str,
        namespace: str,
        values: Mapping[str, Any],
        *,
        depends_on: Sequence[pulumi.Resource] = (),
    ) -> helm.v3.Release:
        chart = self._args.charts[key]
        release_name = chart.chart
        ref, repository = chart_source(chart)
        release = helm.v3.Release(
            f"{self._name}-{release_name}",
            name=release_name,
            chart=ref,
            version=chart.version,
            repository_opts=repository,
            namespace=namespace,
            create_namespace=False,  # namespaces come from the baseline, with PSA labels
            values=merge_values(values, chart.values),
            atomic=True,
            cleanup_on_fail=True,
            max_history=10,
            timeout=600,
            opts=child_opts(self, depends_on=list(depends_on)),
        )
        self.releases[key] = release
        return release

    def _irsa(
        self, key: str, namespace: str, account: str, statements: list[dict[str, Any]]
    ) -> pulumi.Output[str]:
        first_name = f"{self._name}-{key.replace('_', '-')}-irsa"
        short = IRSA_SHORT_NAMES.get(key)
        role = service_account_role(
            self,
            f"{self._name}-{short}-irsa" if short else first_name,
            former_names=[first_name] if short else [],
            oidc=self._args.oidc,
            namespace=namespace,
            service_account=account,
            statements=statements,
            tags=self._args.tags,
        )
        return role.arn

    @staticmethod
    def _service_account(name: str, role_arn: pulumi.Output[str]) -> dict[str, Any]:
        return {
            "create": True,
            "name": name,
            "annotations": {"eks.amazonaws.com/role-arn": role_arn},
        }

    # -- add-ons ---------------------------------------------------------------------------------

    def _load_balancer_controller(self) -> helm.v3.Release:
        args = self._args
        account = "aws-load-balancer-controller"
        role_arn = self._irsa(
            "aws_load_balancer_controller",
            "kube-system",
            account,
            load_balancer_controller_statements(self._args.cluster_name),
        )
        return self._release(
            "aws_load_balancer_controller",
            "kube-system",
            {
                "clusterName": args.cluster_name,
                "region": args.region,
                "vpcId": args.vpc_id,
                "replicaCount": args.replicas,
                "serviceAccount": self._service_account(account, role_arn),
                "enableServiceMutatorWebhook": False,
                # On every ELB resource it makes: the Gateway's alarms select them by this tag.
                "defaultTags": {CLUSTER_TAG: args.cluster_name},
                # Gateway API: an ALB per Gateway of the `gateway.k8s.aws/alb` class.
                "controllerConfig": {"featureGates": {"ALBGatewayAPI": True}},
            },
        )

    def _cert_manager(self) -> None:
        args = self._args
        release = self._release(
            "cert_manager",
            "cert-manager",
            {
                "crds": {"enabled": True, "keep": True},
                "config": {"enableGatewayAPI": True},
                "replicaCount": args.replicas,
                "podDisruptionBudget": {"enabled": True, "minAvailable": 1},
                "webhook": {"replicaCount": args.replicas},
            },
        )
        self.cluster_issuer_name = cluster_issuer(
            self,
            f"{self._name}-cluster-issuer",
            part_of=args.part_of,
            acme_server=args.acme_server,
            acme_email=args.acme_email,
            gateway_namespace=args.ingress_namespace,
            depends_on=[release, self.gateway_api_crds],
        )

    def _cluster_autoscaler(self) -> None:
        args = self._args
        account = "cluster-autoscaler"
        role_arn = self._irsa(
            "cluster_autoscaler",
            "kube-system",
            account,
            cluster_autoscaler_statements(self._args.cluster_name),
        )
        self._release(
            "cluster_autoscaler",
            "kube-system",
            {
                "autoDiscovery": {"clusterName": args.cluster_name},
                "awsRegion": args.region,
                "cloudProvider": "aws",
                "replicaCount": 1,  # leader election: a second replica only idles
                "rbac": {"serviceAccount": self._service_account(account, role_arn)},
                "extraArgs": {
                    "balance-similar-node-groups": True,
                    "expander": "least-waste",
                    "skip-nodes-with-system-pods": False,
                },
            },
        )

    def _external_dns(self, zone: Route53ZoneArgs) -> None:
        args = self._args
        account = "external-dns"
        role_arn = self._irsa(
            "external_dns", "kube-system", account, external_dns_statements(zone.zone_id)
        )
        self._release(
            "external_dns",
            "kube-system",
            {
                "provider": {"name": "aws"},
                "env": [{"name": "AWS_DEFAULT_REGION", "value": args.region}],
                "domainFilters": [zone.domain],
                "extraArgs": [f"--zone-id-filter={zone.zone_id}"],
                "policy": "upsert-only",  # never deletes records it did not create
                "registry": "txt",
                "txtOwnerId": self._args.cluster_name,
                "sources": ["gateway-httproute", "service"],
                "serviceAccount": self._service_account(account, role_arn),
            },
        )


def load_balancer_controller_statements(cluster: str) -> list[dict[str, Any]]:
    """What the controller needs for NLBs and their security groups, scoped by its cluster tag."""
    owned = {"StringEquals": {"aws:ResourceTag/elbv2.k8s.aws/cluster": cluster}}
    tagging_new = {"StringEquals": {"aws:RequestTag/elbv2.k8s.aws/cluster": cluster}}
    return [
        {
            "Sid": "CreateServiceLinkedRole",
            "Effect": "Allow",
            "Action": "iam:CreateServiceLinkedRole",
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}},
        },
        {
            "Sid": "Describe",
            "Effect": "Allow",
            "Action": [
                "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses",
                "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways",
                "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags",
                "ec2:DescribeRouteTables", "ec2:GetSecurityGroupsForVpc",
                "elasticloadbalancing:Describe*",
                # The Gateway's ALB: its ACM certificates and WAF web ACL are looked up.
                "acm:ListCertificates", "acm:DescribeCertificate",
                "wafv2:GetWebACL", "wafv2:GetWebACLForResource",
            ],
            "Resource": "*",
        },
        {
            "Sid": "CreateTaggedLoadBalancersAndGroups",
            "Effect": "Allow",
            "Action": [
                "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup",
                "ec2:CreateSecurityGroup",
            ],
            "Resource": "*",
            "Condition": tagging_new,
        },
        {
            "Sid": "TagOnCreate",
            "Effect": "Allow",
            "Action": ["elasticloadbalancing:AddTags", "ec2:CreateTags"],
            "Resource": "*",
            "Condition": {
                **tagging_new,
                "StringEqualsIfExists": {
                    "elasticloadbalancing:CreateAction": ["CreateLoadBalancer", "CreateTargetGroup"],
                    "ec2:CreateAction": "CreateSecurityGroup",
                },
            },
        },
        {
            # NLB IP targets: the controller admits the load balancer into the security group on
            # the pod ENIs, which is the EKS-created cluster group (tagged `owned` by EKS).
            "Sid": "AdmitLoadBalancerIntoClusterGroup",
            "Effect": "Allow",
            "Action": ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
            "Resource": "*",
            "Condition": {"StringEquals": {f"aws:ResourceTag/kubernetes.io/cluster/{cluster}": "owned"}},
        },
        {
            "Sid": "ManageOwned",
            "Effect": "Allow",
            "Action": [
                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
                "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
                "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
                "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress",
                "ec2:DeleteSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags",
            ],
            "Resource": "*",
            "Condition": owned,
        },
        {
            "Sid": "Listeners",
            "Effect": "Allow",
            "Action": [
                "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:ModifyListenerAttributes",
                # ALB (Gateway API): one listener rule per HTTPRoute rule, SNI certificates.
                "elasticloadbalancing:CreateRule", "elasticloadbalancing:ModifyRule",
                "elasticloadbalancing:DeleteRule",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
            ],
            "Resource": "*",
            "Condition": owned,
        },
        {
            # Attach the configured web ACL to the Gateway's own ALB only (tagged by the controller).
            "Sid": "WebAclOnOwnLoadBalancers",
            "Effect": "Allow",
            "Action": ["wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"],
            "Resource": "*",
            "Condition": owned,
        },
    ]  # fmt: skip


def cluster_autoscaler_statements(cluster: str) -> list[dict[str, Any]]:
    """Read everything needed to simulate; resize only node groups tagged as this cluster's."""
    return [
        {
            "Sid": "Describe",
            "Effect": "Allow",
            "Action": [
                "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities",
                "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements",
            ],
            "Resource": "*",
        },
        {
            # The one read that takes a resource: only this cluster's node groups.
            "Sid": "DescribeOwnNodegroups",
            "Effect": "Allow",
            "Action": "eks:DescribeNodegroup",
            "Resource": f"arn:aws:eks:*:*:nodegroup/{cluster}/*/*",
        },
        {
            "Sid": "ResizeOwnGroups",
            "Effect": "Allow",
            "Action": [
                "autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup",
            ],
            "Resource": "*",
            "Condition": {
                "StringEquals": {f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster}": "owned"}
            },
        },
    ]  # fmt: skip


def external_dns_statements(zone_id: str) -> list[dict[str, Any]]:
    """Change records in one hosted zone; list zones (needed to find it)."""
    return [
        {
            "Sid": "ChangeRecordsInOneZone",
            "Effect": "Allow",
            "Action": ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets",
                       "route53:ListTagsForResource", "route53:ListTagsForResources"],
            "Resource": f"arn:aws:route53:::hostedzone/{zone_id}",
        },
        {
            "Sid": "ListZones",
            "Effect": "Allow",
            "Action": "route53:ListHostedZones",
            "Resource": "*",
        },
    ]  # fmt: skip
