"""Kubernetes and managed-cluster rules: EKS/ACK control plane, HA, namespaces, networking.

Pod security is in k8s_workloads.py, RBAC in k8s_rbac.py, Secrets and Services in k8s_exposure.py,
Helm in k8s_helm.py."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from . import k8s_objects
from .core import Finding, Rule, Subject, as_list, get, is_unknown, known, need, truthy
from .joins import linked
from .network import is_world

EKS = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes"
ACK_POOL = "alicloud:cs/nodePool:NodePool"
WORKLOADS = tuple(t for t in k8s_objects.WORKLOADS if not t.endswith("Patch"))
"""Objects that create pods (a Patch changes an object that already lives somewhere)."""
SERVICE = "kubernetes:core/v1:Service"
NAMESPACE = "kubernetes:core/v1:Namespace"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
RBAC = "kubernetes:rbac.authorization.k8s.io/v1:"
NAMESPACED = (*WORKLOADS, SERVICE, NETPOL, PDB, "kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:Secret",
              "kubernetes:core/v1:ServiceAccount", f"{RBAC}Role", f"{RBAC}RoleBinding")  # fmt: skip


def _endpoint_not_open(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == ACK:
        public = need(p, "slbInternetEnabled")  # the provider's default is true
        if (public is None or truthy(public)) and not params["allowPublicEndpoint"]:
            yield "slbInternetEnabled is not false: the API server gets an internet load balancer"
        return
    public = need(p, "vpcConfig.endpointPublicAccess")
    public = True if public is None else truthy(public)  # the EKS API defaults to a public endpoint
    if not public:
        return
    if not params["allowPublicEndpoint"]:
        yield "endpointPublicAccess is true; use the private endpoint (allowPublicEndpoint=false)"
        return
    cidrs = as_list(need(p, "vpcConfig.publicAccessCidrs"), "vpcConfig.publicAccessCidrs") or [
        "0.0.0.0/0"
    ]
    world = [c for c in cidrs if is_world(str(known(c, "vpcConfig.publicAccessCidrs[]")))]
    if world:
        yield f"the public endpoint is open to {world}; limit publicAccessCidrs"


def _secrets_kms(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == ACK:
        if not need(p, "encryptionProviderKey"):
            yield "no encryptionProviderKey: Secrets are stored unencrypted by a CMK"
        return
    config = need(p, "encryptionConfig")
    configs = config if isinstance(config, list) else [config] if config else []
    resources = [
        r
        for c in configs
        for r in as_list(
            known(get(c, "resources"), "encryptionConfig.resources"), "encryptionConfig.resources"
        )
    ]
    if "secrets" not in resources:
        yield "encryptionConfig does not envelope-encrypt 'secrets' with a KMS key"


def _control_plane_logging(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == ACK:
        p = subject.props
        if not truthy(need(p, "auditLogConfig.enabled")):
            yield "auditLogConfig.enabled is not true: API server audit logs are not kept in SLS"
        sent = as_list(need(p, "controlPlaneLogComponents"), "controlPlaneLogComponents")
        missing = [c for c in params["ackLogComponents"] if c not in sent]
        if missing:
            yield f"control-plane log components {missing} are not sent to SLS"
        return
    enabled = as_list(need(subject.props, "enabledClusterLogTypes"), "enabledClusterLogTypes")
    missing = [t for t in params["logTypes"] if t not in enabled]
    if missing:
        yield f"control-plane log types {missing} are not enabled"


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split(".")[:2] if x.isdigit())


def _supported_version(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    version = need(subject.props, "version")
    if version is None:
        yield "version is not pinned (the API picks its default)"
    elif _version_tuple(str(version)) < _version_tuple(params["minVersion"]):
        yield f"Kubernetes {version} is older than {params['minVersion']}"


def _multi_zone_nodes(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    subnets = [
        s for s in subjects if s.type in ("aws:ec2/subnet:Subnet", "alicloud:vpc/switch:Switch")
    ]
    for group in subjects:
        if group.type not in (NODE_GROUP, ACK_POOL):
            continue
        prop = "subnetIds" if group.type == NODE_GROUP else "vswitchIds"
        zones = set()
        for subnet in subnets:
            if linked(group, prop, subnet):
                zones.add(get(subnet.props, "availabilityZone") or get(subnet.props, "zoneId"))
        zones.discard(None)
        if any(is_unknown(z) for z in zones):
            continue
        if len(zones) < params["minZones"]:
            yield Finding(
                f"node group '{group.name}' spans {len(zones)} zone(s) {sorted(zones)}; need {params['minZones']}",
                group.urn,
            )


def _on_demand_nodes(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == NODE_GROUP:
        capacity = need(subject.props, "capacityType")
        if capacity == "SPOT":
            yield "capacityType=SPOT: spot nodes can be reclaimed together at two minutes' notice"
    else:
        strategy = need(subject.props, "spotStrategy")
        if strategy not in (None, "NoSpot"):
            yield f"spotStrategy={strategy}: spot nodes can be reclaimed together"


def _namespace(subject: Subject) -> Any:
    return get(subject.props, "metadata.namespace") or "default"


def _labels_match(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    match = get(selector, "matchLabels") or {}
    return bool(match) and all(labels.get(k) == v for k, v in match.items())


def _hpa_min_replicas(w: Subject, subjects: Sequence[Subject]) -> Any:
    """minReplicas of the HorizontalPodAutoscaler scaling `w`, if any. With an HPA the workload
    leaves `spec.replicas` unset (so `pulumi up` never fights the autoscaler); the HPA's floor is
    what runs."""
    kind = w.type.rsplit(":", 1)[-1]
    for h in subjects:
        if h.type != HPA or _namespace(h) != _namespace(w):
            continue
        target = get(h.props, "spec.scaleTargetRef") or {}
        if target.get("kind") == kind and target.get("name") == get(w.props, "metadata.name"):
            return get(h.props, "spec.minReplicas") or 1
    return None


def _replicas_and_pdb(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    pdbs = [s for s in subjects if s.type == PDB]
    for w in subjects:
        if w.type not in ("kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"):
            continue
        replicas = get(w.props, "spec.replicas")
        if replicas is None:
            replicas = _hpa_min_replicas(w, subjects)
        replicas = 1 if replicas is None else replicas
        if not is_unknown(replicas) and int(replicas) < params["minReplicas"]:
            yield Finding(
                f"'{w.name}' runs {replicas} replica(s); need {params['minReplicas']}", w.urn
            )
        labels = get(w.props, "spec.template.metadata.labels") or {}
        covered = [
            p for p in pdbs
            if _namespace(p) == _namespace(w) and _labels_match(get(p.props, "spec.selector") or {}, labels)
        ]  # fmt: skip
        if not covered:
            yield Finding(f"'{w.name}' has no PodDisruptionBudget selecting its pods", w.urn)


def _default_deny(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    namespaces: dict[str, str | None] = {}
    for s in subjects:
        if s.type == NAMESPACE and get(s.props, "metadata.name"):
            namespaces.setdefault(str(get(s.props, "metadata.name")), s.urn)
        elif s.type in WORKLOADS:
            namespaces.setdefault(str(_namespace(s)), s.urn)
    for ns, urn in sorted(namespaces.items()):
        if ns in params["exemptNamespaces"] or is_unknown(ns):
            continue
        deny = [
            p for p in subjects
            if p.type == NETPOL and _namespace(p) == ns and not (get(p.props, "spec.podSelector") or {})
        ]  # fmt: skip
        if not deny:
            yield Finding(
                f"namespace '{ns}' has no default-deny NetworkPolicy (empty podSelector)", urn
            )


def _workload_identity(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(need(subject.props, "enableRrsa")):
        yield "enableRrsa is not true: pods can only use the nodes' RAM role (every pod gets it)"


def _no_default_namespace(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    # An unknown namespace is the name of a Namespace object created by the stack: not 'default'.
    if get(subject.props, "metadata.namespace") in (None, "", "default"):
        yield "deployed to the 'default' namespace"


RULES = [
    Rule(
        id="k8s-cluster-endpoint-not-open",
        group="security",
        severity="critical",
        description="The managed Kubernetes API endpoint is private, or public only to listed CIDRs.",
        remediation="Set vpcConfig.endpointPublicAccess=false, or publicAccessCidrs to office/VPN CIDRs (dev).",
        types=(EKS, ACK),
        resource_check=_endpoint_not_open,
        params={"allowPublicEndpoint": False},
        anchors="CKV_AWS_38/39, AVD-AWS-0040/0041",
    ),
    Rule(
        id="k8s-secrets-kms-encryption",
        group="security",
        severity="high",
        description="Kubernetes Secrets are envelope-encrypted with a KMS key.",
        remediation="Set encryptionConfig {resources: [secrets], provider.keyArn} (ACK: encryptionProviderKey).",
        types=(EKS, ACK),
        resource_check=_secrets_kms,
        anchors="CKV_AWS_58, AVD-AWS-0039",
    ),
    Rule(
        id="k8s-control-plane-logging",
        group="availability",
        severity="medium",
        description="Control-plane and audit logs are kept: EKS api, audit, authenticator to CloudWatch; ACK audit logs and the API server's log to SLS.",
        remediation="Set enabledClusterLogTypes (ACK: auditLogConfig.enabled and controlPlaneLogComponents).",
        types=(EKS, ACK),
        resource_check=_control_plane_logging,
        params={"logTypes": ["api", "audit", "authenticator"], "ackLogComponents": ["apiserver"]},
        anchors="CKV_AWS_37, IG ack-cluster-log-audit-enabled",
    ),
    Rule(
        id="k8s-supported-version",
        group="availability",
        severity="medium",
        description="The cluster runs a pinned, supported Kubernetes version.",
        remediation="Upgrade the cluster version.",
        types=(EKS, ACK),
        resource_check=_supported_version,
        params={"minVersion": "1.33"},
        anchors="CKV_AWS_339",
    ),
    Rule(
        id="alicloud-ack-rrsa",
        group="security",
        severity="high",
        description="ACK clusters enable RRSA, so each workload assumes its own RAM role instead of sharing the nodes'.",
        remediation="Set enableRrsa=true and give workloads RAM roles through RRSA service-account annotations.",
        types=(ACK,),
        resource_check=_workload_identity,
        anchors="IG ack-cluster-rrsa-enabled",
    ),
    Rule(
        id="k8s-multi-zone-nodes",
        group="availability",
        severity="high",
        description="Node groups span at least minZones availability zones.",
        remediation="Give node groups subnets in every zone.",
        types=(NODE_GROUP, ACK_POOL),
        stack_check=_multi_zone_nodes,
        params={"minZones": 3},
        anchors="IG ack-cluster-node-multi-zone",
    ),
    Rule(
        id="k8s-on-demand-nodes",
        group="availability",
        severity="medium",
        description="Node groups run on-demand capacity, never spot (reclaimable at short notice).",
        remediation="Set cluster.nodeGroups.<name>.capacityType ON_DEMAND (Alibaba: spotStrategy NoSpot).",
        types=(NODE_GROUP, ACK_POOL),
        resource_check=_on_demand_nodes,
        anchors="EKS best practices: reliability (spot for interruption-tolerant work only)",
    ),
    Rule(
        id="k8s-no-default-namespace",
        group="availability",
        severity="low",
        description="Namespaced objects are not deployed to 'default'.",
        remediation="Set metadata.namespace to the application namespace.",
        types=NAMESPACED,
        resource_check=_no_default_namespace,
        anchors="CKV_K8S_21",
    ),
    Rule(
        id="k8s-replicas-and-pdb",
        group="availability",
        severity="high",
        description="Deployments/StatefulSets run at least minReplicas replicas and have a PodDisruptionBudget.",
        remediation="Raise spec.replicas and add a PodDisruptionBudget matching the pod labels.",
        types=("kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"),
        stack_check=_replicas_and_pdb,
        params={"minReplicas": 2},
        anchors="CP kubernetes-apps-v1-deployment-configure-minimum-replica-count",
    ),
    Rule(
        id="k8s-default-deny-netpol",
        group="availability",
        severity="medium",
        description="Every workload namespace has a default-deny NetworkPolicy.",
        remediation="Add a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress].",
        types=(NAMESPACE, *WORKLOADS),
        stack_check=_default_deny,
        params={"exemptNamespaces": ["kube-system", "kube-public", "kube-node-lease"]},
        anchors="CISK eks-network-policy-enabled",
    ),
]
