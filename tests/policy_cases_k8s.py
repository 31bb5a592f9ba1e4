"""Cases of the Kubernetes pod-security, RBAC, exposure and Helm rules, and the object builders the
Kubernetes rule tests share (a compliant container, workloads of every kind, patches, manifests)."""

from __future__ import annotations

import json
from typing import Any

from tests.policy_kit import UNKNOWN, UNKNOWN_BOOL, Case, R

DEPLOY = "kubernetes:apps/v1:Deployment"
POD = "kubernetes:core/v1:Pod"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
SVC = "kubernetes:core/v1:Service"
SECRET = "kubernetes:core/v1:Secret"
CROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"
ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role"
CRB = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
RB = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
CONFIG_GROUP = "kubernetes:yaml/v2:ConfigGroup"
RELEASE = "kubernetes:helm.sh/v3:Release"
CHART = "kubernetes:helm.sh/v4:Chart"
GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
APPARMOR = "container.apparmor.security.beta.kubernetes.io/"

SECURE_CTX = {
    "allowPrivilegeEscalation": False,
    "runAsNonRoot": True,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
RESOURCES = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}}
LABELS = {
    "app.kubernetes.io/name": "web",
    "app.kubernetes.io/part-of": "acme",
    "app.kubernetes.io/managed-by": "pulumi",
}


def container(**overrides: Any) -> dict[str, Any]:
    ctx = {**SECURE_CTX, **overrides.pop("ctx", {})}
    return {
        "name": "web",
        "image": "ghcr.io/acme/web:1.4.2",
        "securityContext": ctx,
        "resources": RESOURCES,
        **overrides,
    }


def deploy(
    *containers: dict[str, Any], name: str = "web", ns: Any = "apps", replicas: Any = 2, **spec: Any
) -> R:
    return R(
        DEPLOY,
        name,
        {
            "metadata": {"name": name, "namespace": ns, "labels": LABELS},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {"containers": list(containers) or [container()], **spec},
                },
            },
        },
    )


def pdb(app: str = "web", ns: str = "apps") -> R:
    return R(
        PDB,
        f"{app}-pdb",
        {"metadata": {"namespace": ns}, "spec": {"selector": {"matchLabels": {"app": app}}}},
    )


def hpa(target: str = "web", ns: str = "apps", min_replicas: int = 3) -> R:
    return R(
        "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        f"{target}-hpa",
        {
            "metadata": {"namespace": ns},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
                "minReplicas": min_replicas,
                "maxReplicas": 9,
            },
        },
    )


def with_pod_spec(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    """The props of an object of `kind` whose pod spec is `spec` (where each kind keeps it)."""
    template = {"metadata": {"labels": {"app": "web"}}, "spec": spec}
    if kind == "Pod":
        return {"metadata": {"name": "web", "namespace": "apps"}, "spec": spec}
    if kind == "PodTemplate":
        return {"metadata": {"name": "web", "namespace": "apps"}, "template": template}
    if kind == "CronJob":
        body = {"schedule": "0 * * * *", "jobTemplate": {"spec": {"template": template}}}
        return {"metadata": {"name": "web", "namespace": "apps"}, "spec": body}
    return {"metadata": {"name": "web", "namespace": "apps"}, "spec": {"template": template}}


def rc(*containers: dict[str, Any], **spec: Any) -> R:
    return R(
        "kubernetes:core/v1:ReplicationController",
        "rc",
        with_pod_spec("ReplicationController", {"containers": list(containers), **spec}),
    )


def deployment_patch(*containers: dict[str, Any], **spec: Any) -> R:
    """A DeploymentPatch: only the fields it sets."""
    pod: dict[str, Any] = dict(spec)
    if containers:
        pod["containers"] = list(containers)
    return R(
        "kubernetes:apps/v1:DeploymentPatch",
        "patch",
        {"metadata": {"name": "web", "namespace": "apps"}, "spec": {"template": {"spec": pod}}},
    )


def config_group(*objects: dict[str, Any], as_yaml: bool = False, name: str = "manifests") -> R:
    """A yaml/v2 ConfigGroup declaring `objects` (as `objs`, or as one YAML string)."""
    if as_yaml:
        text = "\n---\n".join(json.dumps(o) for o in objects)  # JSON is YAML
        return R(CONFIG_GROUP, name, {"yaml": text})
    return R(CONFIG_GROUP, name, {"objs": list(objects)})


def manifest(kind: str, api_version: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, **with_pod_spec(kind, spec)}


PRIVILEGED_RC = manifest(
    "ReplicationController", "v1", {"containers": [container(ctx={"privileged": True})]}
)


def role(type_: str, *rules: dict[str, Any], name: str = "r") -> R:
    return R(type_, name, {"metadata": {"name": name}, "rules": list(rules)})


def binding(type_: str, role_name: str, *subjects: dict[str, Any], name: str = "b") -> R:
    return R(
        type_,
        name,
        {
            "metadata": {"name": name},
            "roleRef": {"kind": "ClusterRole", "name": role_name},
            "subjects": list(subjects),
        },
    )


def group(name: str) -> dict[str, Any]:
    return {"kind": "Group", "name": name, "apiGroup": "rbac.authorization.k8s.io"}


def service(type_: str = "ClusterIP", port: int = 80, annotations: Any = None, **spec: Any) -> R:
    return R(
        SVC,
        "svc",
        {
            "metadata": {"name": "svc", "namespace": "apps", "annotations": annotations or {}},
            "spec": {"type": type_, "ports": [{"port": port, "targetPort": port}], **spec},
        },
    )


def release(values: Any = None, **props: Any) -> R:
    base = {
        "chart": "ingress-nginx",
        "version": "4.14.1",
        "namespace": "ingress-nginx",
        "repositoryOpts": {"repo": "https://kubernetes.github.io/ingress-nginx"},
        "values": {"controller": {"replicaCount": 2}} if values is None else values,
    }
    return R(RELEASE, "release", {**base, **props})


INTERNAL = {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"}

CASES: dict[str, Case] = {
    "k8s-no-privileged": Case(
        ok=[
            deploy(),
            rc(container()),
            deployment_patch(container(image="a:2", ctx={})),
            R(DEPLOY + "List", "list", {"items": [deploy().props]}),
        ],
        bad=[
            [deploy(container(ctx={"privileged": True}))],
            [
                R(
                    DEPLOY + "List",
                    "list",
                    {"items": [deploy(container(ctx={"privileged": True})).props]},
                )
            ],
            [
                R(
                    "kubernetes:batch/v1:CronJobList",
                    "list",
                    {
                        "items": [
                            with_pod_spec(
                                "CronJob", {"containers": [container(ctx={"privileged": True})]}
                            )
                        ]
                    },
                )
            ],
            [
                R(
                    POD,
                    "p",
                    {
                        "spec": {
                            "initContainers": [container(ctx={"privileged": True})],
                            "containers": [container()],
                        }
                    },
                )
            ],
            [rc(container(ctx={"privileged": True}))],
            [deployment_patch({"name": "web", "securityContext": {"privileged": True}})],
            [config_group(PRIVILEGED_RC)],
            [config_group(PRIVILEGED_RC, as_yaml=True)],
        ],
        unknown=[deploy(container(ctx={"privileged": UNKNOWN_BOOL}))],
    ),
    "k8s-no-host-namespaces": Case(
        ok=[deploy(), deployment_patch(hostNetwork=False)],
        bad=[
            [deploy(hostNetwork=True)],
            [deploy(volumes=[{"name": "root", "hostPath": {"path": "/"}}])],
            [deploy(container(ports=[{"containerPort": 80, "hostPort": 80}]))],
            [deployment_patch(hostPID=True)],
            [
                R(
                    "kubernetes:batch/v1:CronJob",
                    "cj",
                    with_pod_spec("CronJob", {"containers": [container()], "hostIPC": True}),
                )
            ],
        ],
        unknown=[deploy(hostPID=UNKNOWN_BOOL)],
    ),
    "k8s-pod-security-baseline": Case(
        ok=[
            deploy(
                container(ctx={"seLinuxOptions": {"type": "container_t"}, "procMount": "Default"}),
                securityContext={"sysctls": [{"name": "net.ipv4.tcp_syncookies", "value": "1"}]},
            ),
        ],
        bad=[
            [deploy(container(ctx={"windowsOptions": {"hostProcess": True}}))],
            [deploy(container(ctx={"procMount": "Unmasked"}))],
            [deploy(container(ctx={"seLinuxOptions": {"type": "spc_t"}}))],
            [deploy(securityContext={"seLinuxOptions": {"user": "system_u"}})],
            [deploy(container(ctx={"appArmorProfile": {"type": "Unconfined"}}))],
            [deploy(securityContext={"sysctls": [{"name": "kernel.msgmax", "value": "1"}]})],
            [
                R(
                    DEPLOY,
                    "annotated",
                    {
                        "metadata": {"name": "web", "namespace": "apps"},
                        "spec": {
                            "template": {
                                "metadata": {
                                    "annotations": {f"{APPARMOR}web": "unconfined"},
                                },
                                "spec": {"containers": [container()]},
                            }
                        },
                    },
                )
            ],
            [rc(container(ctx={"procMount": "Unmasked"}))],
            [
                deployment_patch(
                    {"name": "web", "securityContext": {"windowsOptions": {"hostProcess": True}}}
                )
            ],
            [
                config_group(
                    manifest(
                        "DaemonSet",
                        "apps/v1",
                        {
                            "containers": [container()],
                            "securityContext": {
                                "sysctls": [{"name": "vm.swappiness", "value": "1"}]
                            },
                        },
                    )
                )
            ],
        ],
        unknown=[deploy(container(ctx={"procMount": UNKNOWN}))],
    ),
    "k8s-no-privilege-escalation": Case(
        ok=[deploy(), deployment_patch(container(image="a:2", ctx={}))],
        bad=[
            [deploy(container(ctx={"allowPrivilegeEscalation": True}))],
            [deploy({"name": "x", "image": "nginx:1.27"})],
            [
                deployment_patch(
                    {"name": "web", "securityContext": {"allowPrivilegeEscalation": True}}
                )
            ],
        ],
        unknown=[deploy(container(ctx={"allowPrivilegeEscalation": UNKNOWN_BOOL}))],
    ),
    "k8s-run-as-non-root": Case(
        ok=[
            deploy(),
            deploy(
                {"name": "x", "image": "a:1"},
                securityContext={"runAsNonRoot": True},
                name="pod-level",
            ),
            deployment_patch(container(image="a:2", ctx={})),
        ],
        bad=[
            [deploy(container(ctx={"runAsNonRoot": False}))],
            [deploy(container(ctx={"runAsUser": 0}))],
            [deploy(container(ctx={"runAsNonRoot": None}), securityContext={"runAsUser": 0})],
            [deployment_patch(securityContext={"runAsUser": 0})],
        ],
        unknown=[deploy(container(ctx={"runAsNonRoot": UNKNOWN_BOOL}))],
    ),
    "k8s-drop-capabilities": Case(
        ok=[
            deploy(),
            deploy(
                container(ctx={"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}),
                name="bind",
            ),
            deployment_patch(container(image="a:2", ctx={})),
        ],
        bad=[
            [deploy(container(ctx={"capabilities": {"drop": ["NET_RAW"]}}))],
            [deploy(container(ctx={"capabilities": {"drop": ["ALL"], "add": ["SYS_ADMIN"]}}))],
            [deploy(container(ctx={"capabilities": {"drop": ["ALL"], "add": ["CAP_NET_ADMIN"]}}))],
            [
                deployment_patch(
                    {"name": "web", "securityContext": {"capabilities": {"add": ["SYS_PTRACE"]}}}
                )
            ],
        ],
        unknown=[deploy(container(ctx={"capabilities": {"drop": UNKNOWN}}))],
    ),
    "k8s-image-pinned": Case(
        ok=[
            deploy(),
            deploy(container(image="ghcr.io/acme/web@sha256:" + "a" * 64), name="digest"),
            deployment_patch(hostNetwork=False),
        ],
        bad=[
            [deploy(container(image="nginx"))],
            [deploy(container(image="nginx:latest"))],
            [deploy(container(image="localhost:5000/web"))],
            [deployment_patch(container(image="nginx:latest"))],
        ],
        unknown=[deploy(container(image=UNKNOWN))],
    ),
    "k8s-readonly-rootfs-seccomp": Case(
        ok=[deploy(), deployment_patch(container(image="a:2", ctx={}))],
        bad=[
            [deploy(container(ctx={"readOnlyRootFilesystem": False}))],
            [deploy(container(ctx={"seccompProfile": {"type": "Unconfined"}}))],
            [deployment_patch(securityContext={"seccompProfile": {"type": "Unconfined"}})],
        ],
        unknown=[deploy(container(ctx={"readOnlyRootFilesystem": UNKNOWN_BOOL}))],
    ),
    "k8s-resource-limits": Case(
        ok=[deploy(), deployment_patch(container(image="a:2", ctx={}))],
        bad=[
            [deploy(container(resources={}))],
            [deploy(container(resources={"requests": {"cpu": "1", "memory": "1Gi"}}))],
            [rc({"name": "x", "image": "a:1"})],
        ],
        unknown=[deploy(container(resources={**RESOURCES, "limits": {"memory": UNKNOWN}}))],
    ),
    "k8s-rbac-no-wildcards": Case(
        ok=[
            role(CROLE, {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}),
            binding(CRB, "reader", name="readers"),
        ],
        bad=[
            [role(CROLE, {"apiGroups": [""], "resources": ["*"], "verbs": ["get"]})],
            [binding(CRB, "cluster-admin", name="ops-admins")],
            [
                role(
                    "kubernetes:rbac.authorization.k8s.io/v1:RolePatch",
                    {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]},
                )
            ],
            [
                config_group(
                    {
                        "apiVersion": "rbac.authorization.k8s.io/v1",
                        "kind": "ClusterRole",
                        "metadata": {"name": "x"},
                        "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}],
                    }
                )
            ],
        ],
        unknown=[role(CROLE, {"apiGroups": [""], "resources": ["pods"], "verbs": UNKNOWN})],
    ),
    "k8s-rbac-no-public-subjects": Case(
        ok=[
            binding(
                CRB,
                "reader",
                group("platform-readers"),
                {"kind": "ServiceAccount", "name": "web", "namespace": "apps"},
            )
        ],
        bad=[
            [binding(CRB, "view", group("system:unauthenticated"))],
            [binding(RB, "edit", {"kind": "User", "name": "system:anonymous"})],
            [binding(CRB, "reader", group("system:authenticated"))],
            [
                binding(
                    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBindingPatch",
                    "view",
                    group("system:serviceaccounts"),
                )
            ],
        ],
        unknown=[binding(CRB, "view", {"kind": "Group", "name": UNKNOWN})],
    ),
    "k8s-rbac-no-escalation": Case(
        ok=[
            role(CROLE, {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}),
            role(ROLE, {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}),
            role(
                CROLE,
                {"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["get", "list"]},
            ),
        ],
        bad=[
            [
                role(
                    CROLE,
                    {
                        "apiGroups": ["rbac.authorization.k8s.io"],
                        "resources": ["clusterroles"],
                        "verbs": ["escalate", "bind"],
                    },
                )
            ],
            [
                role(
                    ROLE,
                    {"apiGroups": [""], "resources": ["users", "groups"], "verbs": ["impersonate"]},
                )
            ],
            [role(CROLE, {"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]})],
            [role(CROLE, {"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]})],
            [
                role(
                    ROLE,
                    {
                        "apiGroups": [""],
                        "resources": ["serviceaccounts/token"],
                        "verbs": ["create"],
                    },
                )
            ],
            [
                role(
                    CROLE,
                    {
                        "apiGroups": ["certificates.k8s.io"],
                        "resources": ["certificatesigningrequests/approval"],
                        "verbs": ["update"],
                    },
                    {
                        "apiGroups": ["certificates.k8s.io"],
                        "resources": ["signers"],
                        "verbs": ["approve"],
                    },
                )
            ],
            [
                role(
                    CROLE,
                    {
                        "apiGroups": ["admissionregistration.k8s.io"],
                        "resources": ["mutatingwebhookconfigurations"],
                        "verbs": ["patch"],
                    },
                )
            ],
            [role(CROLE, {"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["*"]})],
        ],
        unknown=[role(CROLE, {"apiGroups": [""], "resources": UNKNOWN, "verbs": ["get"]})],
    ),
    "k8s-service-exposure": Case(
        ok=[
            service(),
            service("LoadBalancer", 443),
            service("LoadBalancer", 22, annotations=INTERNAL),
        ],
        bad=[
            [service("NodePort", 22)],
            [service("NodePort", 8080)],
            [service(externalIPs=["203.0.113.10"])],
            [service("LoadBalancer", 22)],
            [R("kubernetes:core/v1:ServicePatch", "p", {"spec": {"type": "NodePort"}})],
            [
                config_group(
                    {
                        "apiVersion": "v1",
                        "kind": "Service",
                        "metadata": {"name": "ssh"},
                        "spec": {"type": "NodePort", "ports": [{"port": 22}]},
                    }
                )
            ],
        ],
        unknown=[service(UNKNOWN)],
    ),
    "k8s-http-via-gateway": Case(
        ok=[
            R(
                "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
                "web",
                {"spec": {"parentRefs": [{"name": "public", "namespace": "gateway"}]}},
            ),
            R(SVC, "svc", {"spec": {"type": "ClusterIP"}}),
        ],
        bad=[
            [R("kubernetes:networking.k8s.io/v1:Ingress", "web", {"spec": {"rules": []}})],
            [
                config_group(
                    {
                        "apiVersion": "networking.k8s.io/v1",
                        "kind": "Ingress",
                        "metadata": {"name": "web"},
                        "spec": {},
                    }
                )
            ],
        ],
    ),
    "k8s-gateway-http-redirect-only": Case(
        ok=[
            R(
                GATEWAY,
                "public",
                {
                    "spec": {
                        "listeners": [
                            {
                                "name": "http",
                                "protocol": "HTTP",
                                "port": 80,
                                "allowedRoutes": {"namespaces": {"from": "Same"}},
                            },
                            {"name": "internal", "protocol": "HTTP", "port": 8080},  # default: Same
                            {
                                "name": "https",
                                "protocol": "HTTPS",
                                "port": 443,
                                "allowedRoutes": {"namespaces": {"from": "All"}},
                            },
                        ]
                    }
                },
            ),
        ],
        bad=[
            [
                R(
                    GATEWAY,
                    "public",
                    {
                        "spec": {
                            "listeners": [
                                {
                                    "name": "http",
                                    "protocol": "HTTP",
                                    "port": 80,
                                    "allowedRoutes": {"namespaces": {"from": "All"}},
                                }
                            ]
                        }
                    },
                )
            ],
            [
                config_group(
                    {
                        "apiVersion": "gateway.networking.k8s.io/v1",
                        "kind": "Gateway",
                        "metadata": {"name": "public"},
                        "spec": {
                            "listeners": [
                                {
                                    "name": "http",
                                    "protocol": "HTTP",
                                    "port": 80,
                                    "allowedRoutes": {"namespaces": {"from": "Selector"}},
                                }
                            ]
                        },
                    }
                )
            ],
        ],
        unknown=[
            R(
                GATEWAY,
                "public",
                {
                    "spec": {
                        "listeners": [
                            {
                                "name": "http",
                                "protocol": "HTTP",
                                "port": 80,
                                "allowedRoutes": {"namespaces": {"from": UNKNOWN}},
                            }
                        ]
                    }
                },
            )
        ],
    ),
    "k8s-no-public-lb-service": Case(
        ok=[
            R(SVC, "svc", {"spec": {"type": "ClusterIP"}}),
            R(SVC, "lb", {"metadata": {"annotations": INTERNAL}, "spec": {"type": "LoadBalancer"}}),
            R(
                SVC,
                "ranged",
                {"spec": {"type": "LoadBalancer", "loadBalancerSourceRanges": ["203.0.113.0/24"]}},
            ),
        ],
        bad=[
            # Two halves of the internet are still the internet.
            [
                R(
                    SVC,
                    "lb",
                    {
                        "spec": {
                            "type": "LoadBalancer",
                            "loadBalancerSourceRanges": ["0.0.0.0/1", "128.0.0.0/1"],
                        }
                    },
                )
            ],
            [R(SVC, "lb", {"spec": {"type": "LoadBalancer"}})],
            [
                R(
                    SVC,
                    "lb",
                    {"spec": {"type": "LoadBalancer", "loadBalancerSourceRanges": ["0.0.0.0/0"]}},
                )
            ],
        ],
        unknown=[R(SVC, "lb", {"spec": {"type": UNKNOWN}})],
    ),
    "k8s-no-plaintext-secret": Case(
        ok=[
            R(SECRET, "generated", {"stringData": {"password": "x"}}, links={"stringData": ["pw"]}),
            R("random:index/randomPassword:RandomPassword", "pw", {}),
            R(SECRET, "empty", {"type": "kubernetes.io/service-account-token"}),
        ],
        bad=[
            [R(SECRET, "db", {"stringData": {"password": "hunter2"}})],
            [R(SECRET, "db", {"data": {"password": "aHVudGVyMg=="}})],
            [R("kubernetes:core/v1:SecretPatch", "p", {"stringData": {"token": "abc"}})],
            [
                R(
                    "kubernetes:core/v1:SecretList",
                    "l",
                    {"items": [{"metadata": {"name": "s"}, "stringData": {"k": "v"}}]},
                )
            ],
            [
                config_group(
                    {
                        "apiVersion": "v1",
                        "kind": "Secret",
                        "metadata": {"name": "s"},
                        "stringData": {"k": "v"},
                    },
                    as_yaml=True,
                )
            ],
        ],
    ),
    "k8s-helm-values-pod-security": Case(
        ok=[
            release(),
            release(
                {
                    "controller": {"hostNetwork": False, "podSecurityContext": {"runAsUser": 101}},
                    "serviceAccount": {"annotations": {"eks.amazonaws.com/role-arn": UNKNOWN}},
                }
            ),
        ],
        bad=[
            [release({"controller": {"hostNetwork": True}})],
            [release({"securityContext": {"privileged": True}})],
            [release({"podSecurityContext": {"runAsUser": 0}})],
            [release({"hostPID": True})],
            [release({"containerSecurityContext": {"capabilities": {"add": ["NET_ADMIN"]}}})],
            [release({"extraVolumes": [{"name": "host", "hostPath": {"path": "/var/run"}}]})],
            [release({"controller": {"image": {"chroot": True}}})],
            [release({"controller": {"containerSecurityContext": {"procMount": "Unmasked"}}})],
            [
                release(
                    {"podSecurityContext": {"sysctls": [{"name": "kernel.msgmax", "value": "1"}]}}
                )
            ],
            [release({"securityContext": {"windowsOptions": {"hostProcess": True}}})],
            [
                R(
                    RELEASE,
                    "ms",
                    {
                        "chart": "metrics-server",
                        "version": "3.13.0",
                        "values": {"hostNetwork": {"enabled": True}},
                    },
                )
            ],
            [
                R(
                    CHART,
                    "c",
                    {
                        "chart": "oci://registry-1.docker.io/bitnamicharts/nginx",
                        "version": "1.0.0",
                        "values": {"podSecurityContext": {"runAsUser": 0}},
                    },
                )
            ],
            [release(valueYamlFiles=["values.yaml"])],
        ],
        unknown=[release({"controller": {"securityContext": {"privileged": UNKNOWN_BOOL}}})],
    ),
    "k8s-helm-chart-source": Case(
        ok=[
            release(
                chart="aws-load-balancer-controller",
                version="1.16.0",
                repositoryOpts={"repo": "https://aws.github.io/eks-charts"},
            ),
            # Envoy Gateway (the public Gateway on ACK) publishes OCI charts only.
            release(
                chart="oci://docker.io/envoyproxy/gateway-helm",
                version="v1.7.5",
                repositoryOpts=None,
            ),
            R(
                CHART,
                "c",
                {
                    "chart": "cert-manager",
                    "version": "v1.19.2",
                    "repositoryOpts": {"repo": "https://charts.jetstack.io/"},
                },
            ),
        ],
        bad=[
            [release()],  # ingress-nginx: retired in March 2026, no longer allowlisted
            [release(repositoryOpts={"repo": "https://charts.example.com"})],
            [
                release(
                    repositoryOpts={
                        "repo": "https://kubernetes.github.io/ingress-nginx.evil.example"
                    }
                )
            ],
            [
                R(
                    CHART,
                    "c",
                    {"chart": "oci://registry.example.com/charts/nginx", "version": "1.0.0"},
                )
            ],
            [release(repositoryOpts=None, chart="./charts/local")],
            # A look-alike registry path is not Envoy Gateway's.
            [release(repositoryOpts=None, chart="oci://docker.io/envoyproxy-mirror/gateway-helm")],
            [release(version=None)],
            [release(version="^4.14.0")],
        ],
        unknown=[release(repositoryOpts={"repo": UNKNOWN})],
    ),
}
