"""`groundwork:aws/kubernetes:PublicGateway`: the platform's public HTTP entry on EKS, through the
Gateway API and the AWS Load Balancer Controller (an ALB per Gateway).

Creates the `alb` GatewayClass (controller `gateway.k8s.aws/alb`), a `LoadBalancerConfiguration`
(scheme; the HTTPS listener's ACM certificates and TLS 1.3 policy), the Gateway `public` with an
HTTP listener (only the redirect to HTTPS and cert-manager's HTTP-01 challenges attach there) and an
HTTPS listener that admits routes from the workload namespaces only, and the redirect route (the
listeners and the redirect are every cloud's: `gateway_api.py`). The
ALB terminates TLS with ACM certificates, one per public host, DNS-validated in the Route 53 zone
when one is given: an ALB cannot use a certificate held in a Kubernetes Secret, so cert-manager
does not issue these (it keeps issuing in-cluster certificates through the same Gateway).
A WAF web ACL (the DR issue's) attaches to the ALB through the configuration (`web_acl_arn`).
With `alarms`: target 5xx and unhealthy hosts of the controller's ALB (Metrics Insights queries on
the controller's tag, aws_gateway_alarms.py) and days to expiry of each certificate.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_aws import cloudwatch
from pulumi_kubernetes import apiextensions

from components._base import child_opts, type_token
from components.aws.certificate_alarms import certificate_alarms
from components.aws.certificates import dns_validated_certificate
from components.kubernetes.aws_gateway_alarms import load_balancer_alarms
from components.kubernetes.aws_gateway_spec import PublicGatewayArgs, validate
from components.kubernetes.gateway_api import (
    GATEWAY_API,
    https_redirect,
    public_listeners,
)
from components.kubernetes.gateway_api_spec import PUBLIC_GATEWAY
from components.kubernetes.platform.baseline import k8s_labels
from components.kubernetes.platform.gateway_metrics import GatewayProxies
from components.kubernetes.platform.workload_spec import PeerArgs
from components.monitoring.aws import emit_alarms

ALB_CONTROLLER = "gateway.k8s.aws/alb"
LBC_API = "gateway.k8s.aws/v1beta1"
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
"""TLS 1.3 and 1.2 with forward-secret ciphers only."""


class PublicGateway(pulumi.ComponentResource):
    name: str
    namespace: str
    hosts: list[str]
    proxies: GatewayProxies | None = None
    """No proxies with Prometheus metrics: the ALB's metrics are CloudWatch's."""
    certificate_arns: dict[str, pulumi.Output[str]]
    source_cidrs: list[str]
    """Where the Gateway's traffic reaches a workload from (the ALB's subnets)."""
    source_peers: list[PeerArgs]
    """Pods the Gateway's traffic reaches a workload from: none (the ALB is outside the cluster)."""
    alarms: dict[str, cloudwatch.MetricAlarm]

    def __init__(
        self, name: str, args: PublicGatewayArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("kubernetes", "PublicGateway", cloud="aws"), name, None, opts)
        validate(args)
        self.name, self.namespace, self.hosts = PUBLIC_GATEWAY, args.namespace, list(args.hosts)
        self.source_cidrs, self.source_peers = list(args.source_cidrs), []
        labels = k8s_labels(PUBLIC_GATEWAY, args.part_of)
        self.certificate_arns = {
            host: dns_validated_certificate(
                self, f"{name}-{host}", [host], zone_id=args.route53_zone_id, tags=args.tags
            )
            for host in sorted(args.hosts)
        }
        gateway_class = apiextensions.CustomResource(
            f"{name}-class",
            api_version=GATEWAY_API,
            kind="GatewayClass",
            metadata={"name": args.class_name, "labels": labels},
            spec={"controllerName": ALB_CONTROLLER},
            opts=child_opts(self),
        )
        config = apiextensions.CustomResource(
            f"{name}-lb-config",
            api_version=LBC_API,
            kind="LoadBalancerConfiguration",
            metadata={"name": PUBLIC_GATEWAY, "namespace": args.namespace, "labels": labels},
            spec=self._lb_config(args),
            opts=child_opts(self),
        )
        self.gateway = apiextensions.CustomResource(
            f"{name}-gateway",
            api_version=GATEWAY_API,
            kind="Gateway",
            metadata={"name": PUBLIC_GATEWAY, "namespace": args.namespace, "labels": labels},
            spec={
                "gatewayClassName": args.class_name,
                "infrastructure": {
                    "parametersRef": {
                        "group": "gateway.k8s.aws",
                        "kind": "LoadBalancerConfiguration",
                        "name": PUBLIC_GATEWAY,
                    }
                },
                "listeners": public_listeners(args.route_namespaces),
            },
            opts=child_opts(self, depends_on=[gateway_class, config]),
        )
        https_redirect(
            self,
            f"{name}-https-redirect",
            namespace=args.namespace,
            labels=labels,
            gateway=self.gateway,
        )
        # Each routed host is one Workload's Service: at least one target group each.
        specs = load_balancer_alarms(args.cluster_name, target_groups=len(args.hosts))
        self.alarms = emit_alarms(self, name, "gateway", specs, args.alarms, args.tags)
        certificates = [
            spec
            for host, arn in self.certificate_arns.items()
            for spec in certificate_alarms(arn, instance=host.replace(".", "-"))
        ]
        self.alarms |= emit_alarms(self, name, "certificate", certificates, args.alarms, args.tags)
        self.register_outputs(
            {"gateway": f"{args.namespace}/{PUBLIC_GATEWAY}", "hosts": self.hosts}
        )

    def _lb_config(self, args: PublicGatewayArgs) -> dict[str, Any]:
        arns = [self.certificate_arns[h] for h in sorted(args.hosts)]
        https: dict[str, Any] = {"protocolPort": "HTTPS:443", "sslPolicy": TLS_POLICY}
        if arns:
            https |= {"defaultCertificate": arns[0], "certificates": arns[1:]}
        spec: dict[str, Any] = {
            "scheme": "internet-facing" if args.internet_facing else "internal",
            "listenerConfigurations": [https],
        }
        if args.web_acl_arn is not None:
            spec["wafV2"] = {"webACL": args.web_acl_arn}
        return spec
