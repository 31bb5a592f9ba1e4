"""The Kubernetes provider of a stack, built from the EKS (or ACK) cluster component's outputs.

Providers belong to infra, not to components. The kubeconfig carries no token: kubectl-style exec
auth (`aws eks get-token`) fetches one per connection. It is rendered from stable values only
(endpoint, CA, cluster name, region) with sorted keys, so it is byte-for-byte the same on every
run; a token refresh therefore never shows up as a provider diff that would make every Kubernetes
object look changed (pulumi/pulumi-eks#764, pulumi/pulumi-kubernetes#1148).
"""

from __future__ import annotations

import json

import pulumi
import pulumi_kubernetes as kubernetes

from components.kubernetes.alicloud_ack import AckCluster
from components.kubernetes.aws_eks import EksCluster


def kubeconfig(
    cluster_name: str, endpoint: str, ca_data: str, region: str, role_arn: str | None = None
) -> str:
    """A deterministic kubeconfig (JSON, sorted keys) using exec-based `aws eks get-token`.

    With `role_arn`, the token is minted for that role (`--role-arn`), so the provider does not
    depend on whichever identity the ambient credentials happen to be (pulumi/pulumi-eks#669).
    """
    args = ["eks", "get-token", "--cluster-name", cluster_name, "--region", region]
    if role_arn:
        args += ["--role-arn", role_arn]
    return _exec_kubeconfig(cluster_name, endpoint, ca_data, "aws", [*args, "--output", "json"])


def ack_kubeconfig(cluster_id: str, endpoint: str, ca_data: str) -> str:
    """The same for ACK: `ack-ram-tool` (Alibaba's credential plugin) fetches a short-lived
    client certificate of the calling RAM identity per connection; no credential is stored."""
    args = ["credential-plugin", "get-credential", "--cluster-id", cluster_id,
            "--api-version", "v1beta1", "--expiration", "3h"]  # fmt: skip
    return _exec_kubeconfig(cluster_id, endpoint, ca_data, "ack-ram-tool", args)


def _exec_kubeconfig(name: str, endpoint: str, ca_data: str, command: str, args: list[str]) -> str:
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": command,
            "args": args,
            "interactiveMode": "Never",
            "provideClusterInfo": False,
        }
    }  # fmt: skip
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": {"server": endpoint, "certificate-authority-data": ca_data}}],
        "users": [{"name": name, "user": user}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        "current-context": name,
        "preferences": {},
    }  # fmt: skip
    return json.dumps(config, sort_keys=True, separators=(",", ":"))


def kubernetes_provider(
    name: str, cluster: EksCluster, region: str, role_arn: str | None = None
) -> kubernetes.Provider:
    """Provider for the cluster's API; waits for the whole cluster component (nodes, add-ons).

    `deleteUnreachable` stays off: on a refresh while the API is briefly unreachable it would drop
    every object from state. To destroy a stack whose cluster is already gone, set
    PULUMI_K8S_DELETE_UNREACHABLE=true for that run (pulumi/pulumi-kubernetes#2517)."""
    config = pulumi.Output.all(
        cluster.cluster_name, cluster.endpoint, cluster.certificate_authority
    ).apply(lambda v: kubeconfig(str(v[0]), str(v[1]), str(v[2]), region, role_arn))
    return kubernetes.Provider(
        name,
        kubeconfig=config,
        enable_server_side_apply=True,
        opts=pulumi.ResourceOptions(depends_on=[cluster]),
    )


def ack_kubernetes_provider(name: str, cluster: AckCluster) -> kubernetes.Provider:
    """Provider for an ACK cluster's private API endpoint; waits for the whole cluster component
    (node pools included). Same rules as `kubernetes_provider`."""
    config = pulumi.Output.all(
        cluster.cluster_id, cluster.endpoint, cluster.certificate_authority
    ).apply(lambda v: ack_kubeconfig(str(v[0]), str(v[1]), str(v[2])))
    return kubernetes.Provider(
        name,
        kubeconfig=config,
        enable_server_side_apply=True,
        opts=pulumi.ResourceOptions(depends_on=[cluster]),
    )
