"""`groundwork:aws/monitoring:ClusterTelemetry`: where an EKS cluster's container logs and traces go.

- **Container logs**: a log group we create (`/aws/eks/<cluster>/containers`, encrypted with the
  given KMS key (the alert topics' in the stacks) or a rotated key of its own, retention of the `application` class, tagged with it) and Fluent Bit
  (`aws-for-fluent-bit`, a DaemonSet in kube-system: it reads the nodes' `/var/log`, which the
  platform namespaces' Pod Security level forbids) shipping every container's log into it. The
  group is never auto-created by Fluent Bit (it would have no key and keep logs forever); its IRSA
  role may only create streams in and put events to that one group.
- **Traces**: an OpenTelemetry Collector (Deployment in the monitoring namespace, 2 replicas and a
  PDB) receiving OTLP/gRPC on 4317, keeping `sampling_ratio` of the traces (probabilistic sampler)
  and exporting them to AWS X-Ray (IRSA role with the X-Ray write actions only) or to an OTLP
  endpoint (Jaeger takes OTLP natively). A NetworkPolicy admits OTLP from the workload
  namespaces to the collector on 4317 and nothing else; workloads reach it through
  `egress_peer` (`PeerArgs`) and `otlp_env` (the environment an OTLP SDK reads).

Needs the primary AWS provider and the cluster's Kubernetes provider (`providers=[aws, k8s]`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

import pulumi
from pulumi_aws import cloudwatch, kms
from pulumi_kubernetes import helm, networking

from components._base import (
    child_opts,
    log_class_tag,
    merged_tags,
    type_token,
)
from components.aws.identity import aws_context
from components.aws.policy_docs import kms_key_policy, logs_service_statement
from components.kubernetes.aws_irsa import service_account_role
from components.kubernetes.platform.baseline import k8s_labels
from components.kubernetes.platform.charts_spec import ChartArgs, merge_values
from components.kubernetes.platform.workload_spec import PeerArgs
from components.monitoring.aws_telemetry_spec import (
    ClusterTelemetryArgs,
    LogShippingArgs,
    TracingArgs,
    validate,
)

OTLP_GRPC_PORT = 4317
COLLECTOR = "opentelemetry-collector"
"""Release name of the collector: Helm names its Service and labels its pods after it."""
FLUENT_BIT = "aws-for-fluent-bit"
COLLECTOR_IMAGE = "otel/opentelemetry-collector-contrib"
"""The contrib distribution: it has the X-Ray exporter and the probabilistic sampler."""
XRAY_WRITE_ACTIONS = (
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
)
"""What the X-Ray exporter calls; X-Ray has no resource-level permissions for them."""


class ClusterTelemetry(pulumi.ComponentResource):
    log_group_name: pulumi.Output[str] | None
    otlp_endpoint: str | None
    """`http://<collector>.<namespace>.svc.cluster.local:4317` (cluster-internal; None without
    tracing)."""

    def __init__(
        self, name: str, args: ClusterTelemetryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            type_token("monitoring", "ClusterTelemetry", cloud="aws"), name, None, opts
        )
        validate(args)
        self._name, self._args = name, args
        self.log_group_name = self._ship_logs(args.logs) if args.logs else None
        self.otlp_endpoint = self._collect_traces(args.tracing) if args.tracing else None
        self.register_outputs(
            {"logGroupName": self.log_group_name, "otlpEndpoint": self.otlp_endpoint}
        )

    # -- logs ------------------------------------------------------------------------------------

    def _ship_logs(self, logs: LogShippingArgs) -> pulumi.Output[str]:
        name, args = self._name, self._args
        protect = args.protect_stateful
        key_arn = args.kms_key_arn
        if key_arn is None:
            key_arn = kms.Key(
                f"{name}-logs-key",
                description=f"Encrypts the container logs of {args.cluster_name}",
                enable_key_rotation=True,
                deletion_window_in_days=30,
                policy=kms_key_policy(aws_context(self), [logs_service_statement()]),
                tags=merged_tags(args.tags, f"{name}-logs-key"),
                opts=child_opts(self, protect=protect),
            ).arn
        group = cloudwatch.LogGroup(
            f"{name}-container-logs",
            name=f"/aws/eks/{args.cluster_name}/containers",
            retention_in_days=logs.retention_days,
            kms_key_id=key_arn,
            deletion_protection_enabled=protect,
            tags=merged_tags(args.tags, f"{name}-container-logs", **log_class_tag("application")),
            opts=child_opts(self, protect=protect),
        )
        role = service_account_role(
            self,
            f"{name}-fluent-bit-irsa",
            oidc=args.oidc,
            namespace="kube-system",
            service_account=FLUENT_BIT,
            statements=pulumi.Output.all(group.arn, args.search.arn if args.search else None).apply(
                lambda a: fluent_bit_statements(a[0], a[1])
            ),
            tags=args.tags,
        )
        self._release(
            "fluent_bit",
            logs.chart,
            "kube-system",
            {
                "cloudWatchLogs": {
                    "enabled": True,
                    "region": args.region,
                    "logGroupName": group.name,
                    "logGroupTemplate": None,  # one group of ours, never one per namespace
                    "autoCreateGroup": False,
                },
                **{
                    out: {"enabled": False}
                    for out in ("cloudWatch", "firehose", "kinesis", "elasticsearch")
                },
                **(
                    {
                        "opensearch": {
                            "enabled": True,
                            "match": "*",
                            "host": args.search.endpoint,
                            "port": "443",
                            "tls": "On",
                            "awsAuth": "On",
                            "awsRegion": args.region,
                            "index": args.search.index,
                            "suppressTypeName": "On",
                        }
                    }
                    if args.search
                    else {}
                ),
                "serviceAccount": _service_account(FLUENT_BIT, role.arn),
                "tolerations": [{"operator": "Exists"}],  # every node's containers
                "priorityClassName": "system-node-critical",
            },
        )
        return group.name

    # -- traces ----------------------------------------------------------------------------------

    def _collect_traces(self, tracing: TracingArgs) -> str:
        name, args = self._name, self._args
        ns = args.monitoring_namespace
        exporters: dict[str, Any]
        account: dict[str, Any] = {"create": True, "name": COLLECTOR}
        if tracing.exporter == "xray":
            role = service_account_role(
                self,
                f"{name}-collector-irsa",
                oidc=args.oidc,
                namespace=ns,
                service_account=COLLECTOR,
                statements=xray_statements(),
                tags=args.tags,
            )
            account = _service_account(COLLECTOR, role.arn)
            exporters = {"awsxray": {"region": args.region}}
        else:
            exporters = {"otlp": {"endpoint": tracing.endpoint}}
        exporter = next(iter(exporters))
        self._release(
            "collector",
            tracing.chart,
            ns,
            {
                "mode": "deployment",
                "replicaCount": tracing.replicas,
                "image": {"repository": COLLECTOR_IMAGE},
                "command": {"name": "otelcol-contrib"},
                "serviceAccount": account,
                # One replica (dev) gets no PDB: it would block every node drain.
                "podDisruptionBudget": {"enabled": tracing.replicas > 1, "minAvailable": 1},
                "securityContext": {
                    "runAsNonRoot": True,
                    "allowPrivilegeEscalation": False,
                    "readOnlyRootFilesystem": True,
                    "capabilities": {"drop": ["ALL"]},
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
                # Only OTLP/gRPC: every other receiver's port stays closed.
                "ports": {
                    port: {"enabled": port == "otlp"}
                    for port in (
                        "otlp",
                        "otlp-http",
                        "jaeger-compact",
                        "jaeger-thrift",
                        "jaeger-grpc",
                        "zipkin",
                    )
                },
                "config": {
                    "receivers": {
                        "otlp": {
                            "protocols": {
                                "grpc": {"endpoint": f"${{env:MY_POD_IP}}:{OTLP_GRPC_PORT}"},
                                "http": None,
                            }
                        },
                        "jaeger": None,
                        "zipkin": None,
                        "prometheus": None,
                    },
                    "processors": {
                        "probabilistic_sampler": {
                            "sampling_percentage": round(tracing.sampling_ratio * 100, 4)
                        }
                    },
                    "exporters": exporters,
                    "service": {
                        "pipelines": {
                            "traces": {
                                "receivers": ["otlp"],
                                "processors": ["memory_limiter", "probabilistic_sampler", "batch"],
                                "exporters": [exporter],
                            },
                            "metrics": None,
                            "logs": None,
                        }
                    },
                },
            },
        )
        self._admit_otlp(ns)
        self._allow_export(ns, export_port(tracing))
        return f"http://{COLLECTOR}.{ns}.svc.cluster.local:{OTLP_GRPC_PORT}"

    def _admit_otlp(self, ns: str) -> None:
        """The collector's pods accept OTLP/gRPC from the workload namespaces, and nothing else."""
        networking.v1.NetworkPolicy(
            f"{self._name}-collector-otlp",
            metadata={
                "name": f"{COLLECTOR}-otlp",
                "namespace": ns,
                "labels": k8s_labels(COLLECTOR, self._args.part_of),
            },
            spec={
                "podSelector": {"matchLabels": collector_pod_labels()},
                "policyTypes": ["Ingress"],
                "ingress": [
                    {
                        "from": [
                            {
                                "namespaceSelector": {
                                    "matchExpressions": [
                                        {
                                            "key": "kubernetes.io/metadata.name",
                                            "operator": "In",
                                            "values": sorted(self._args.workload_namespaces),
                                        }
                                    ]
                                }
                            }
                        ],
                        "ports": [{"protocol": "TCP", "port": OTLP_GRPC_PORT}],
                    }
                ],
            },
            opts=child_opts(self, depends_on=[self._releases["collector"]]),
        )

    def _allow_export(self, ns: str, port: int) -> None:
        """The collector's pods may open `port` anywhere: X-Ray and STS (IRSA), or the OTLP
        endpoint, have no fixed addresses (the monitoring namespace is default-deny)."""
        networking.v1.NetworkPolicy(
            f"{self._name}-collector-export",
            metadata={
                "name": f"{COLLECTOR}-export",
                "namespace": ns,
                "labels": k8s_labels(COLLECTOR, self._args.part_of),
            },
            spec={
                "podSelector": {"matchLabels": collector_pod_labels()},
                "policyTypes": ["Egress"],
                "egress": [
                    {
                        "to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}],
                        "ports": [{"protocol": "TCP", "port": port}],
                    }
                ],
            },
            opts=child_opts(self, depends_on=[self._releases["collector"]]),
        )

    def egress_peer(self) -> PeerArgs | None:
        """What a workload's NetworkPolicy allows out to reach the collector (None: no tracing)."""
        if self.otlp_endpoint is None:
            return None
        return PeerArgs(
            namespace=self._args.monitoring_namespace,
            pod_labels=collector_pod_labels(),
            port=OTLP_GRPC_PORT,
        )

    def otlp_env(self) -> dict[str, str]:
        """The environment an OpenTelemetry SDK reads to send its traces to the collector."""
        if self.otlp_endpoint is None:
            return {}
        return {
            "OTEL_EXPORTER_OTLP_ENDPOINT": self.otlp_endpoint,
            "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
        }

    # -- helpers ---------------------------------------------------------------------------------

    _releases: dict[str, helm.v3.Release]

    def _release(
        self, key: str, chart: ChartArgs, namespace: str, values: Mapping[str, Any]
    ) -> helm.v3.Release:
        if not hasattr(self, "_releases"):
            self._releases = {}
        release = helm.v3.Release(
            f"{self._name}-{chart.chart}",
            name=chart.chart,
            chart=chart.chart,
            version=chart.version,
            repository_opts=helm.v3.RepositoryOptsArgs(repo=chart.repository),
            namespace=namespace,
            create_namespace=False,
            values=merge_values(values, chart.values),
            atomic=True,
            cleanup_on_fail=True,
            max_history=10,
            timeout=600,
            opts=child_opts(self),
        )
        self._releases[key] = release
        return release


def export_port(tracing: TracingArgs) -> int:
    """Where the collector sends traces: 443 for X-Ray, else the OTLP endpoint's port."""
    if tracing.exporter == "xray" or tracing.endpoint is None:
        return 443
    return urlparse(tracing.endpoint).port or 443


def collector_pod_labels() -> dict[str, str]:
    return {"app.kubernetes.io/name": COLLECTOR, "app.kubernetes.io/instance": COLLECTOR}


def _service_account(account: str, role_arn: pulumi.Output[str]) -> dict[str, Any]:
    return {
        "create": True,
        "name": account,
        "annotations": {"eks.amazonaws.com/role-arn": role_arn},
    }


def fluent_bit_statements(group_arn: str, search_arn: str | None = None) -> list[dict[str, Any]]:
    """Create streams in and put events to one log group; nothing else (no group creation, no
    retention change, no other group). With a search domain: index into it (POST/PUT only)."""
    search: list[dict[str, Any]] = (
        [
            {
                "Sid": "IndexIntoTheSearchDomain",
                "Effect": "Allow",
                "Action": ["es:ESHttpPost", "es:ESHttpPut"],
                "Resource": f"{search_arn}/*",
            }
        ]
        if search_arn
        else []
    )
    return [
        *search,
        {
            "Sid": "ShipToOneGroup",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            "Resource": [group_arn, f"{group_arn}:log-stream:*"],
        },
    ]


def xray_statements() -> list[dict[str, Any]]:
    return [
        {
            "Sid": "WriteTraces",
            "Effect": "Allow",
            "Action": list(XRAY_WRITE_ACTIONS),
            "Resource": "*",
        }
    ]
