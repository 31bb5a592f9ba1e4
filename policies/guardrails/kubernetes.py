"""Kubernetes and managed-cluster rules: EKS/ACK control plane, pod security, RBAC, HA, networking."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import Finding, Rule, Subject, as_list, get, is_unknown, known, need, truthy
from .joins import linked
from .network import is_world

EKS = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes"
ACK_POOL = "alicloud:cs/nodePool:NodePool"
POD = "kubernetes:core/v1:Pod"
TEMPLATED = (
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:batch/v1:Job",
)
CRONJOB = "kubernetes:batch/v1:CronJob"
WORKLOADS = (POD, *TEMPLATED, CRONJOB)
SERVICE = "kubernetes:core/v1:Service"
NAMESPACE = "kubernetes:core/v1:Namespace"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
RBAC = "kubernetes:rbac.authorization.k8s.io/v1:"
ROLES = (f"{RBAC}Role", f"{RBAC}ClusterRole")
BINDINGS = (f"{RBAC}RoleBinding", f"{RBAC}ClusterRoleBinding")
NAMESPACED = (*WORKLOADS, SERVICE, NETPOL, PDB, "kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:Secret",
              "kubernetes:core/v1:ServiceAccount", f"{RBAC}Role", f"{RBAC}RoleBinding")  # fmt: skip


def pod_spec(subject: Subject) -> tuple[str, Mapping[str, Any]]:
    """(path, pod spec) of a workload; unknown raises CannotVerify."""
    if subject.type == POD:
        path = "spec"
    elif subject.type == CRONJOB:
        path = "spec.jobTemplate.spec.template.spec"
    else:
        path = "spec.template.spec"
    return path, need(subject.props, path) or {}


def containers(subject: Subject) -> Iterator[tuple[str, Mapping[str, Any], Mapping[str, Any]]]:
    """(path, container, pod spec) for containers, initContainers and ephemeralContainers."""
    path, spec = pod_spec(subject)
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for i, c in enumerate(as_list(get(spec, key), f"{path}.{key}")):
            name = get(c, "name") or i
            yield f"{key}[{name}]", c, spec


def _sc(container: Mapping[str, Any], where: str, key: str) -> Any:
    return known(get(container, f"securityContext.{key}"), f"{where}.securityContext.{key}")


def _no_privileged(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    for where, c, _ in containers(subject):
        if truthy(_sc(c, where, "privileged")):
            yield f"{where} runs privileged"


def _no_host_namespaces(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    path, spec = pod_spec(subject)
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if truthy(known(get(spec, key), f"{path}.{key}")):
            yield f"{key}=true shares the node's namespace"
    for i, volume in enumerate(as_list(get(spec, "volumes"), f"{path}.volumes")):
        if get(volume, "hostPath") is not None:
            yield f"volumes[{get(volume, 'name') or i}] mounts a hostPath"
    for where, c, _ in containers(subject):
        for port in get(c, "ports") or []:
            if get(port, "hostPort"):
                yield f"{where} binds hostPort {get(port, 'hostPort')}"


def _no_privilege_escalation(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    for where, c, _ in containers(subject):
        if _sc(c, where, "allowPrivilegeEscalation") is not False:
            yield f"{where} does not set allowPrivilegeEscalation=false"


def _run_as_non_root(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    path, spec = pod_spec(subject)
    pod_non_root = known(
        get(spec, "securityContext.runAsNonRoot"), f"{path}.securityContext.runAsNonRoot"
    )
    pod_user = known(get(spec, "securityContext.runAsUser"), f"{path}.securityContext.runAsUser")
    for where, c, _ in containers(subject):
        non_root = _sc(c, where, "runAsNonRoot")
        user = _sc(c, where, "runAsUser")
        user = pod_user if user is None else user
        if user == 0:
            yield f"{where} runs as UID 0"
        elif not truthy(pod_non_root if non_root is None else non_root):
            yield f"{where} does not set runAsNonRoot=true"


def _drop_capabilities(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    allowed = set(params["allowedAdd"])
    for where, c, _ in containers(subject):
        drop = [
            str(x).upper()
            for x in as_list(_sc(c, where, "capabilities.drop"), f"{where}.capabilities.drop")
        ]
        add = [
            str(x).upper()
            for x in as_list(_sc(c, where, "capabilities.add"), f"{where}.capabilities.add")
        ]
        if "ALL" not in drop:
            yield f"{where} does not drop ALL capabilities"
        extra = sorted(set(add) - allowed)
        if extra:
            yield f"{where} adds capabilities {extra}"


def _readonly_seccomp(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    path, spec = pod_spec(subject)
    pod_seccomp = known(
        get(spec, "securityContext.seccompProfile.type"),
        f"{path}.securityContext.seccompProfile.type",
    )
    for where, c, _ in containers(subject):
        if not truthy(_sc(c, where, "readOnlyRootFilesystem")):
            yield f"{where} has a writable root filesystem"
        seccomp = _sc(c, where, "seccompProfile.type") or pod_seccomp
        if seccomp not in ("RuntimeDefault", "Localhost"):
            yield f"{where} has no RuntimeDefault seccomp profile"


def _image_pinned(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    for where, c, _ in containers(subject):
        image = str(known(get(c, "image"), f"{where}.image") or "")
        name, _, digest = image.partition("@")
        tag = name.rsplit("/", 1)[-1].partition(":")[2]
        if digest:
            continue
        if not tag or tag == "latest":
            yield f"{where} image '{image}' is untagged or :latest"
        elif params["requireDigest"]:
            yield f"{where} image '{image}' is not pinned by digest (@sha256:...)"


def _rbac_no_wildcards(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in ROLES:
        for i, rule in enumerate(as_list(get(p, "rules"), "rules")):
            for key in ("verbs", "resources", "apiGroups"):
                values = as_list(known(get(rule, key), f"rules[{i}].{key}"), f"rules[{i}].{key}")
                if "*" in values and not (key == "apiGroups" and params["allowWildcardApiGroups"]):
                    yield f"rules[{i}].{key} contains '*'"
    elif need(p, "roleRef.name") == "cluster-admin":
        name = str(need(p, "metadata.name") or subject.name)
        if not any(re.search(pattern, name) for pattern in params["clusterAdminBindings"]):
            yield f"binds cluster-admin ('{name}' is not in clusterAdminBindings)"


def _endpoint_not_open(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == ACK:
        if truthy(need(p, "slbInternetEnabled")) and not params["allowPublicEndpoint"]:
            yield "slbInternetEnabled=true publishes the API server on the internet"
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


INTERNAL_LB_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": "intranet",
}


def _no_public_lb(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if need(subject.props, "spec.type") != "LoadBalancer":
        return
    annotations = need(subject.props, "metadata.annotations") or {}
    if not any(
        str(annotations.get(k, "")).lower() == v for k, v in INTERNAL_LB_ANNOTATIONS.items()
    ):
        yield "a LoadBalancer Service without an internal-scheme annotation gets a public load balancer"


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
        id="k8s-no-privileged",
        group="security",
        severity="critical",
        description="No privileged containers.",
        remediation="Remove securityContext.privileged.",
        types=WORKLOADS,
        resource_check=_no_privileged,
        anchors="CKV_K8S_16, KSV-0017",
    ),
    Rule(
        id="k8s-no-host-namespaces",
        group="security",
        severity="high",
        description="Pods do not share host network/PID/IPC, mount hostPath or bind host ports.",
        remediation="Remove hostNetwork/hostPID/hostIPC, hostPath volumes and hostPort.",
        types=WORKLOADS,
        resource_check=_no_host_namespaces,
        anchors="CKV_K8S_17/19/27",
    ),
    Rule(
        id="k8s-no-privilege-escalation",
        group="security",
        severity="high",
        description="Every container sets allowPrivilegeEscalation=false.",
        remediation="Set securityContext.allowPrivilegeEscalation=false.",
        types=WORKLOADS,
        resource_check=_no_privilege_escalation,
        anchors="CKV_K8S_20, KSV-0001",
    ),
    Rule(
        id="k8s-run-as-non-root",
        group="security",
        severity="medium",
        description="Containers run as non-root (runAsNonRoot=true, no UID 0).",
        remediation="Set securityContext.runAsNonRoot=true and a non-zero runAsUser.",
        types=WORKLOADS,
        resource_check=_run_as_non_root,
        anchors="CKV_K8S_23/40, KSV-0012",
    ),
    Rule(
        id="k8s-drop-capabilities",
        group="security",
        severity="medium",
        description="Containers drop ALL capabilities and add only allowed ones.",
        remediation="securityContext.capabilities: {drop: [ALL]}, add only NET_BIND_SERVICE.",
        types=WORKLOADS,
        resource_check=_drop_capabilities,
        params={"allowedAdd": ["NET_BIND_SERVICE"]},
        anchors="CKV_K8S_28/37",
    ),
    Rule(
        id="k8s-image-pinned",
        group="security",
        severity="medium",
        description="Images are tagged (never :latest); pinned by digest where requireDigest.",
        remediation="Use an explicit version tag, or image@sha256:<digest>.",
        types=WORKLOADS,
        resource_check=_image_pinned,
        params={"requireDigest": False},
        anchors="CKV_K8S_14/43, KYV disallow-latest-tag",
    ),
    Rule(
        id="k8s-rbac-no-wildcards",
        group="security",
        severity="high",
        description="RBAC roles use no '*' verbs/resources; cluster-admin is bound only by allowlisted bindings.",
        remediation="List verbs and resources explicitly; bind narrower roles.",
        types=(*ROLES, *BINDINGS),
        resource_check=_rbac_no_wildcards,
        params={"clusterAdminBindings": [], "allowWildcardApiGroups": False},
        anchors="CKV_K8S_49, KSV-0044/0046",
    ),
    Rule(
        id="k8s-control-plane-logging",
        group="availability",
        severity="medium",
        description="EKS control-plane logs (api, audit, authenticator) go to CloudWatch.",
        remediation="Set enabledClusterLogTypes.",
        types=(EKS,),
        resource_check=_control_plane_logging,
        params={"logTypes": ["api", "audit", "authenticator"]},
        anchors="CKV_AWS_37",
    ),
    Rule(
        id="k8s-supported-version",
        group="availability",
        severity="medium",
        description="The cluster runs a pinned, supported Kubernetes version.",
        remediation="Upgrade the cluster version.",
        types=(EKS,),
        resource_check=_supported_version,
        params={"minVersion": "1.33"},
        anchors="CKV_AWS_339",
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
        id="k8s-readonly-rootfs-seccomp",
        group="availability",
        severity="medium",
        description="Containers have a read-only root filesystem and the RuntimeDefault seccomp profile.",
        remediation="Set readOnlyRootFilesystem=true and seccompProfile.type=RuntimeDefault.",
        types=WORKLOADS,
        resource_check=_readonly_seccomp,
        anchors="CKV_K8S_22/31, KSV-0014",
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
    Rule(
        id="k8s-no-public-lb-service",
        group="availability",
        severity="high",
        description="LoadBalancer Services are internal unless exempted by name.",
        remediation="Annotate service.beta.kubernetes.io/aws-load-balancer-scheme: internal, or expose through the CDN/ingress.",
        types=(SERVICE,),
        resource_check=_no_public_lb,
        anchors="pulumi/examples no-public-services",
    ),
]
