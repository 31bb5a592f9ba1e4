"""Platform baseline, add-ons and the web service, as the dev and prod stacks build them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.kubernetes.aws_addons import (
    cluster_autoscaler_statements,
    external_dns_statements,
    load_balancer_controller_statements,
)
from components.kubernetes.aws_eks_spec import ebs_storage_class
from components.kubernetes.gateway_api import GATEWAY_API_CRDS, GATEWAY_API_VERSION
from components.kubernetes.platform.baseline import PlatformBaseline
from components.kubernetes.platform.baseline_spec import PlatformBaselineArgs, WorkloadNamespaceArgs
from planner.recorder import RecordedResource, RecordingMonitor
from tests.conftest import ALL_STACKS, built, of_type, one, run_mocked, stack_config

NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
HELM = "kubernetes:helm.sh/v3:Release"


def namespaces(monitor: RecordingMonitor) -> dict[str, dict[str, str]]:
    return {
        r.inputs["metadata"]["name"]: r.inputs["metadata"]["labels"]
        for r in of_type(monitor, "kubernetes:core/v1:Namespace")
    }


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_workload_namespaces_enforce_restricted(stack: str) -> None:
    labels = namespaces(built(stack))["apps"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"


def test_platform_namespaces_exist_for_the_add_ons() -> None:
    ns = namespaces(built("prod"))
    assert {"gateway", "cert-manager", "monitoring", "apps"} == set(ns)
    assert ns["gateway"]["pod-security.kubernetes.io/audit"] == "restricted"


def policies(monitor: RecordingMonitor, namespace: str) -> dict[str, dict[str, Any]]:
    return {
        r.inputs["metadata"]["name"]: r.inputs["spec"]
        for r in of_type(monitor, NETPOL)
        if r.inputs["metadata"]["namespace"] == namespace and r.parent and "Baseline" in r.parent
    }


def test_default_deny_and_the_platform_allows() -> None:
    specs = policies(built("prod"), "apps")
    assert specs["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    dns = specs["allow-dns"]["egress"][0]
    assert dns["to"][0]["namespaceSelector"]["matchLabels"] == {
        "kubernetes.io/metadata.name": "kube-system"
    }
    assert {p["protocol"] for p in dns["ports"]} == {"UDP", "TCP"}

    # Public traffic is admitted per routed workload (from the public Gateway's sources), and
    # Prometheus per workload to its metrics port (tests/test_metrics_stack.py): never a whole
    # namespace.
    assert set(specs) == {"default-deny", "allow-dns"}


def test_quota_limits_and_default_storage_class() -> None:
    monitor = built("prod")
    quota = one(monitor, "kubernetes:core/v1:ResourceQuota").inputs["spec"]["hard"]
    assert {"requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods"} <= set(quota)
    limits = one(monitor, "kubernetes:core/v1:LimitRange").inputs["spec"]["limits"][0]
    assert limits["type"] == "Container" and limits["default"] and limits["defaultRequest"]
    sc = one(monitor, "kubernetes:storage.k8s.io/v1:StorageClass").inputs
    assert sc["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true"
    assert sc["provisioner"] == "ebs.csi.aws.com"
    assert sc["parameters"]["type"] == "gp3" and sc["parameters"]["encrypted"] == "true"
    assert sc["volumeBindingMode"] == "WaitForFirstConsumer"
    assert sc["reclaimPolicy"] == "Retain"
    dev_sc = one(built("dev"), "kubernetes:storage.k8s.io/v1:StorageClass").inputs
    assert dev_sc["reclaimPolicy"] == "Delete"


def test_baseline_rejects_a_relaxed_workload_namespace() -> None:
    args = PlatformBaselineArgs(
        part_of="acme",
        namespaces=[WorkloadNamespaceArgs(name="apps", pod_security="baseline")],
        storage_class=ebs_storage_class(),
    )
    with pytest.raises(ValueError, match=r"^namespaces.apps.pod_security: "):
        run_mocked(lambda: PlatformBaseline("b", args))


def releases(stack: str) -> dict[str, RecordedResource]:
    return {r.inputs["chart"]: r for r in of_type(built(stack), HELM)}


def test_add_ons_per_environment() -> None:
    common = {"aws-load-balancer-controller", "cert-manager", "metrics-server",
              "cluster-autoscaler",
              "aws-for-fluent-bit", "opentelemetry-collector"}  # logs and traces: test_telemetry.py  # fmt: skip
    common |= {"kube-prometheus-stack"}  # the monitoring stack's release (its own component)
    assert set(releases("dev")) == common  # no Route 53 zone in dev
    assert set(releases("prod")) == common | {"external-dns"}


@pytest.mark.parametrize(
    ("stack", "server"),
    [("dev", "https://acme-staging-v02.api.letsencrypt.org/directory"),
     ("prod", "https://acme-v02.api.letsencrypt.org/directory")],
)  # fmt: skip
def test_cluster_issuer_uses_the_environments_acme_server(stack: str, server: str) -> None:
    issuer = one(built(stack), "kubernetes:cert-manager.io/v1:ClusterIssuer").inputs
    assert issuer["spec"]["acme"]["server"] == server
    assert issuer["spec"]["acme"]["email"] == stack_config(stack).platform.acme_email


@pytest.mark.parametrize("stack", ALL_STACKS)
def test_no_stack_of_either_cloud_installs_ingress_nginx_or_an_ingress(stack: str) -> None:
    monitor = built(stack)
    charts = [str(r.inputs.get("chart", "")) for r in of_type(monitor, HELM)]
    assert charts and not any("ingress-nginx" in chart for chart in charts)
    assert not [r for r in monitor.recorded if r.type.endswith((":Ingress", ":IngressClass"))]
    # Every service with a host is reached through an HTTPRoute on the public Gateway.
    routes = of_type(monitor, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")
    parents = {p["name"] for r in routes for p in r.inputs["spec"]["parentRefs"]}
    assert parents == {"public"}


@pytest.mark.parametrize("stack", ["dev", "test", "staging", "prod"])
def test_no_ingress_nginx_and_the_controller_serves_the_gateway_api(stack: str) -> None:
    monitor = built(stack)
    assert not any("ingress-nginx" in r.inputs.get("chart", "") for r in of_type(monitor, HELM))
    assert of_type(monitor, "kubernetes:networking.k8s.io/v1:Ingress") == []
    assert of_type(monitor, "kubernetes:networking.k8s.io/v1:IngressClass") == []
    lbc = releases(stack)["aws-load-balancer-controller"].inputs["values"]
    assert lbc["controllerConfig"]["featureGates"] == {"ALBGatewayAPI": True}
    cert_manager = releases(stack)["cert-manager"].inputs["values"]
    assert cert_manager["config"]["enableGatewayAPI"] is True
    (crds,) = of_type(monitor, "kubernetes:yaml/v2:ConfigFile")
    assert crds.inputs["file"] == GATEWAY_API_CRDS
    assert f"/download/{GATEWAY_API_VERSION}/standard-install.yaml" in GATEWAY_API_CRDS


def test_the_public_gateway_is_an_internet_facing_alb_with_an_acm_certificate_per_host() -> None:
    monitor = built("prod")
    (gc,) = of_type(monitor, "kubernetes:gateway.networking.k8s.io/v1:GatewayClass")
    assert gc.inputs["spec"] == {"controllerName": "gateway.k8s.aws/alb"}
    (gw,) = of_type(monitor, "kubernetes:gateway.networking.k8s.io/v1:Gateway")
    spec = gw.inputs["spec"]
    assert spec["gatewayClassName"] == gc.inputs["metadata"]["name"] == "alb"
    assert gw.inputs["metadata"] == {
        **gw.inputs["metadata"],
        "name": "public",
        "namespace": "gateway",
    }
    http, https = spec["listeners"]
    assert (http["protocol"], http["port"], http["allowedRoutes"]) == (
        "HTTP",
        80,
        {"namespaces": {"from": "Same"}},
    )  # only the redirect (and ACME challenges)
    assert (https["protocol"], https["port"]) == ("HTTPS", 443)
    selector = https["allowedRoutes"]["namespaces"]["selector"]["matchExpressions"]
    assert selector == [
        {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["apps"]}
    ]
    (config,) = of_type(monitor, "kubernetes:gateway.k8s.aws/v1beta1:LoadBalancerConfiguration")
    assert spec["infrastructure"]["parametersRef"]["name"] == config.inputs["metadata"]["name"]
    assert config.inputs["spec"]["scheme"] == "internet-facing"
    [listener] = config.inputs["spec"]["listenerConfigurations"]
    assert listener["protocolPort"] == "HTTPS:443"
    assert listener["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    cert = one(
        monitor, "aws:acm/certificate:Certificate", "acme-prod-gateway-web.acme.example-certificate"
    )
    assert cert.inputs["domainName"] == "web.acme.example"
    validation = one(monitor, "aws:acm/certificateValidation:CertificateValidation",
                     "acme-prod-gateway-web.acme.example-certificate-validation")  # fmt: skip
    assert listener["defaultCertificate"] == validation.outputs["certificateArn"]
    (redirect,) = [r for r in of_type(monitor, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")
                   if r.inputs["metadata"]["name"] == "https-redirect"]  # fmt: skip
    assert redirect.inputs["spec"]["parentRefs"][0]["sectionName"] == "http"
    assert redirect.inputs["spec"]["rules"][0]["filters"][0]["requestRedirect"] == {
        "scheme": "https", "statusCode": 301}  # fmt: skip


def test_each_aws_calling_add_on_has_its_own_irsa_role() -> None:
    monitor = built("prod")
    roles = {
        r.name: r
        for r in of_type(monitor, "aws:iam/role:Role")
        if r.name.startswith("acme-prod-addons-")
    }
    assert set(roles) == {
        "acme-prod-addons-lb-controller-irsa",
        "acme-prod-addons-cluster-autoscaler-irsa",
        "acme-prod-addons-external-dns-irsa",
    }
    expected_accounts = {  # chart: (role name part, service account)
        "aws-load-balancer-controller": ("lb-controller", "aws-load-balancer-controller"),
        "cluster-autoscaler": ("cluster-autoscaler", "cluster-autoscaler"),
        "external-dns": ("external-dns", "external-dns"),
    }
    for chart, (role_part, account) in expected_accounts.items():
        role = roles[f"acme-prod-addons-{role_part}-irsa"]
        trust = json.loads(role.inputs["assumeRolePolicy"])
        subjects = list(trust["Statement"][0]["Condition"]["StringEquals"].values())
        assert f"system:serviceaccount:kube-system:{account}" in subjects
        values = releases("prod")[chart].inputs["values"]
        sa = (
            values["rbac"]["serviceAccount"]
            if chart == "cluster-autoscaler"
            else values["serviceAccount"]
        )
        assert sa["name"] == account
        assert sa["annotations"]["eks.amazonaws.com/role-arn"] == role.outputs["arn"]


@pytest.mark.parametrize(
    "statements",
    [load_balancer_controller_statements("c"), cluster_autoscaler_statements("c"),
     external_dns_statements("Z1")],
    ids=["lbc", "autoscaler", "external-dns"],
)  # fmt: skip
def test_add_on_policies_are_least_privilege(statements: list[dict[str, Any]]) -> None:
    for statement in statements:
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        assert "*" not in actions and not any(a.endswith(":*") for a in actions)
        mutating = [
            a for a in actions if not a.split(":")[1].startswith(("Describe", "List", "Get"))
        ]
        if mutating and statement["Resource"] == "*":
            assert "Condition" in statement, statement["Sid"]


def test_external_dns_is_limited_to_the_configured_zone() -> None:
    change, listing = external_dns_statements("Z1")
    assert change["Resource"] == "arn:aws:route53:::hostedzone/Z1"
    assert "route53:ListTagsForResource" in change["Action"]
    assert listing["Action"] == "route53:ListHostedZones"  # the one zone call with no resource
    values = releases("prod")["external-dns"].inputs["values"]
    assert values["domainFilters"] == ["acme.example"]
    assert values["policy"] == "upsert-only"


def test_autoscaler_describes_only_its_own_node_groups() -> None:
    by_sid = {s["Sid"]: s for s in cluster_autoscaler_statements("c")}
    assert by_sid["DescribeOwnNodegroups"]["Resource"] == "arn:aws:eks:*:*:nodegroup/c/*/*"
    assert "eks:DescribeNodegroup" not in by_sid["Describe"]["Action"]


def test_autoscaler_matches_the_cluster_version() -> None:
    values = releases("prod")["cluster-autoscaler"].inputs["values"]
    assert values["image"]["tag"] == "v1.35.0"
    assert values["autoDiscovery"]["clusterName"] == "acme-prod"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_kubernetes_object_carries_the_standard_labels(stack: str) -> None:
    for r in built(stack).recorded:
        if r.custom and r.type.startswith("kubernetes:") and r.type != HELM:
            labels = r.inputs["metadata"]["labels"]
            assert labels["app.kubernetes.io/part-of"] == "acme", r.name
            assert labels["app.kubernetes.io/managed-by"] == "pulumi", r.name
            assert labels["app.kubernetes.io/name"], r.name


SECURE = [
    ("runAsNonRoot", True),
    ("readOnlyRootFilesystem", True),
    ("allowPrivilegeEscalation", False),
    ("capabilities", {"drop": ["ALL"]}),
    ("seccompProfile", {"type": "RuntimeDefault"}),
]


@pytest.mark.parametrize("stack", ["dev", "prod"])
@pytest.mark.parametrize(("field", "secure"), SECURE)
def test_example_service_runs_hardened(stack: str, field: str, secure: Any) -> None:
    (deployment,) = of_type(built(stack), "kubernetes:apps/v1:Deployment")
    pod = deployment.inputs["spec"]["template"]["spec"]
    assert pod["containers"][0]["securityContext"][field] == secure
    assert pod["automountServiceAccountToken"] is False


def addon_args(**overrides: Any) -> Any:
    from components.kubernetes.aws_addons_spec import PlatformAddonsArgs
    from components.kubernetes.aws_irsa_spec import OidcIdentity
    from components.kubernetes.platform.charts_spec import ChartArgs

    charts = {
        key: ChartArgs(chart=key.replace("_", "-"), version="1.0.0", repository="https://charts.example")
        for key in ("aws_load_balancer_controller", "ingress_nginx", "cert_manager",
                    "metrics_server", "cluster_autoscaler")
    }  # fmt: skip
    fields: dict[str, Any] = {
        "part_of": "acme",
        "cluster_name": "main",
        "oidc": OidcIdentity(provider_arn="arn:aws:iam::1:oidc-provider/x", issuer_host="x"),
        "region": "eu-west-1",
        "vpc_id": "vpc-1",
        "charts": charts,
        "acme_email": "ops@acme.example",
    }
    return PlatformAddonsArgs(**{**fields, **overrides})


def build_addons(args: Any) -> RecordingMonitor:
    import pulumi
    import pulumi_aws as aws
    import pulumi_kubernetes as kubernetes

    from components.kubernetes.aws_addons import PlatformAddons

    def program() -> None:
        providers = [aws.Provider("aws-test", region="eu-west-1"),
                     kubernetes.Provider("k8s-test", kubeconfig="{}")]  # fmt: skip
        PlatformAddons("addons", args, pulumi.ResourceOptions(providers=providers))

    return run_mocked(program)


def test_the_renamed_irsa_role_keeps_its_former_name_as_an_alias() -> None:
    # Shortened so a longer stack prefix fits IAM's 64 characters; roles that exist keep theirs.
    monitor = build_addons(addon_args())
    role = next(r for r in monitor.recorded if r.name == "addons-lb-controller-irsa")
    policy = next(r for r in monitor.recorded if r.name == "addons-lb-controller-irsa-policy")
    assert [a["spec"]["name"] for a in role.aliases] == ["addons-aws-load-balancer-controller-irsa"]
    assert [a["spec"]["name"] for a in policy.aliases] == [
        "addons-aws-load-balancer-controller-irsa-policy"
    ]
    autoscaler = next(r for r in monitor.recorded if r.name == "addons-cluster-autoscaler-irsa")
    assert autoscaler.aliases == []


def test_addons_component_alone() -> None:
    monitor = build_addons(addon_args())
    assert len(of_type(monitor, HELM)) == 4
    assert {r.name for r in of_type(monitor, "aws:iam/role:Role")} == {
        "addons-lb-controller-irsa",
        "addons-cluster-autoscaler-irsa",
    }
    for r in monitor.recorded:
        if r.custom and not r.type.startswith("pulumi:providers:"):
            assert r.provider and r.provider.split("::")[-1] in ("aws-test", "k8s-test"), r.name


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"charts": {}}, "charts.aws_load_balancer_controller"),
        ({"route53_zone": __import__("components.kubernetes.aws_addons_spec", fromlist=["x"]).Route53ZoneArgs(
            zone_id="Z1", domain="acme.example")}, "charts.external_dns"),
        ({"route53_zone": __import__("components.kubernetes.aws_addons_spec", fromlist=["x"]).Route53ZoneArgs(
            zone_id="zone-1", domain="acme.example")}, "route53_zone.zone_id"),
        ({"acme_server": "letsencrypt"}, "acme_server"),
        ({"replicas": 0}, "replicas"),
    ],
)  # fmt: skip
def test_addons_reject_bad_args(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build_addons(addon_args(**overrides))


def test_addons_reject_an_unpinned_chart() -> None:
    from components.kubernetes.platform.charts_spec import ChartArgs

    args = addon_args()
    charts = {**args.charts, "cert_manager": ChartArgs(chart="cert-manager", version="1.19",
                                                       repository="https://charts.jetstack.io")}  # fmt: skip
    with pytest.raises(ValueError, match=r"^charts.cert_manager.version: "):
        build_addons(addon_args(charts=charts))


def test_load_balancer_controller_may_admit_the_nlb_only_into_this_clusters_group() -> None:
    by_sid = {s["Sid"]: s for s in load_balancer_controller_statements("c")}
    admit = by_sid["AdmitLoadBalancerIntoClusterGroup"]
    assert set(admit["Action"]) == {
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
    }
    assert admit["Condition"] == {
        "StringEquals": {"aws:ResourceTag/kubernetes.io/cluster/c": "owned"}
    }
