"""ACK on Alibaba Cloud: the cluster component, its node pools, the platform on it, and what the
config refuses first."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from components.kubernetes.alicloud_ack import AckCluster
from components.kubernetes.alicloud_ack_spec import AckClusterArgs, NodePoolArgs
from infra import ConfigError, parse_config
from planner.recorder import RecordingMonitor
from tests.conftest import (
    alicloud_stack_config,
    built,
    of_type,
    one,
    raw_stack_config,
    run_mocked,
)

ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes"
POOL = "alicloud:cs/nodePool:NodePool"
ZONES = {"cn-shanghai-e": "vsw-e", "cn-shanghai-f": "vsw-f", "cn-shanghai-g": "vsw-g"}


def build_ack(**overrides: Any) -> RecordingMonitor:
    import pulumi
    import pulumi_alicloud as alicloud

    fields: dict[str, Any] = {"cluster_name": "acme-prod", "vpc_id": "vpc-1",
                              "vpc_cidr": "10.40.0.0/16", "private_switches": ZONES}  # fmt: skip
    args = AckClusterArgs(**{**fields, **overrides})

    def program() -> None:
        provider = alicloud.Provider("alicloud-test", region="cn-shanghai")
        AckCluster("ack", args, pulumi.ResourceOptions(provider=provider))

    return run_mocked(program)


@pytest.fixture(scope="module")
def default_ack() -> RecordingMonitor:
    return build_ack()


def test_the_cluster_is_pro_private_encrypted_audited_and_protected(
    default_ack: RecordingMonitor,
) -> None:
    cluster = one(default_ack, ACK).inputs
    assert cluster["clusterSpec"] == "ack.pro.small"
    assert cluster["slbInternetEnabled"] is False
    key = one(default_ack, "alicloud:kms/key:Key")
    assert cluster["encryptionProviderKey"] == key.id
    assert key.inputs["automaticRotation"] == "Enabled"
    assert cluster["enableRrsa"] is True and cluster["deletionProtection"] is True
    project = one(default_ack, "alicloud:log/project:Project").inputs["projectName"]
    assert cluster["auditLogConfig"] == {"enabled": True, "slsProjectName": project}
    assert cluster["controlPlaneLogProject"] == project
    assert "apiserver" in cluster["controlPlaneLogComponents"]
    assert cluster["controlPlaneLogTtl"] == "365"
    assert cluster["newNatGateway"] is False  # egress is the VPC's own NAT per zone
    terway = [a for a in cluster["addons"] if a["name"] == "terway-eniip"]
    assert json.loads(terway[0]["config"]) == {"NetworkPolicy": "true"}
    assert cluster["vswitchIds"] == cluster["podVswitchIds"] == ["vsw-e", "vsw-f", "vsw-g"]


def test_protection_follows_args() -> None:
    unprotected = build_ack(protect_stateful=False)
    assert one(unprotected, ACK).inputs["deletionProtection"] is False
    assert not any(r.protect for r in unprotected.recorded)
    protected = {r.type for r in build_ack().recorded if r.protect}
    assert protected == {ACK, "alicloud:kms/key:Key", "alicloud:log/project:Project"}


def test_the_security_group_admits_only_the_vpc_and_health_checks(
    default_ack: RecordingMonitor,
) -> None:
    rules = of_type(default_ack, "alicloud:ecs/securityGroupRule:SecurityGroupRule")
    assert {r.inputs["cidrIp"] for r in rules} == {"10.40.0.0/16", "100.64.0.0/10"}
    assert {r.inputs["type"] for r in rules} == {"ingress"}
    sg = one(default_ack, "alicloud:ecs/securityGroup:SecurityGroup")
    assert one(default_ack, ACK).inputs["securityGroupId"] == sg.id


def test_node_pools_are_hardened_and_span_every_zone(default_ack: RecordingMonitor) -> None:
    pool = one(default_ack, POOL).inputs
    assert pool["vswitchIds"] == ["vsw-e", "vsw-f", "vsw-g"]
    assert pool["systemDiskEncrypted"] is True
    assert pool["systemDiskKmsKey"] == one(default_ack, "alicloud:kms/key:Key").id
    assert pool["instanceMetadataOptions"] == {"httpTokens": "required"}
    assert pool["internetMaxBandwidthOut"] == 0
    assert pool["spotStrategy"] == "NoSpot"
    assert pool["scalingConfig"]["minSize"] == 3 and pool["scalingConfig"]["maxSize"] == 9
    assert pool["management"]["autoRepair"] is True


def test_spot_and_per_zone_pools() -> None:
    spot = NodePoolArgs(instance_types=("ecs.g7.large", "ecs.g6.large"), spot=True, per_zone=True,
                        min_size=1, desired_size=1, max_size=3)  # fmt: skip
    pools = of_type(build_ack(node_pools={"general": spot}), POOL)
    assert sorted(p.name for p in pools) == [f"ack-general-{z}" for z in sorted(ZONES)]
    assert {p.inputs["spotStrategy"] for p in pools} == {"SpotAsPriceGo"}
    assert [len(p.inputs["vswitchIds"]) for p in pools] == [1, 1, 1]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"version": "1.29"}, "version"),
        ({"service_cidr": "10.40.16.0/20"}, "service_cidr"),
        ({"private_switches": {"cn-shanghai-e": "vsw-e"}}, "private_switches"),
        ({"node_pools": {"g": NodePoolArgs(spot=True, instance_types=("ecs.g7.large",))}},
         "node_pools.g.instance_types"),
        ({"node_pools": {"g": NodePoolArgs(disk_size_gib=20)}}, "node_pools.g.disk_size_gib"),
        ({"log_retention_days": 0}, "log_retention_days"),
    ],
)  # fmt: skip
def test_invalid_args_fail_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build_ack(**overrides)


def test_the_provider_reaches_the_private_endpoint_with_a_credential_plugin() -> None:
    monitor = built("prod-cn")
    (provider,) = of_type(monitor, "pulumi:providers:kubernetes")
    config = json.loads(provider.inputs["kubeconfig"])
    cluster = one(monitor, ACK)
    assert config["clusters"][0]["cluster"]["server"].startswith("https://10.")
    user = config["users"][0]["user"]
    assert "token" not in user and "client-key-data" not in user
    assert user["exec"]["command"] == "ack-ram-tool"
    assert user["exec"]["args"][:4] == ["credential-plugin", "get-credential", "--cluster-id",
                                        cluster.id]  # fmt: skip
    for r in monitor.recorded:
        if r.custom and r.type.startswith("kubernetes:"):
            assert r.provider == provider.urn, r.name


def test_the_ca_comes_from_the_credential_data_source_not_the_deprecated_attribute() -> None:
    import base64
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*certificate_authorit")
        monitor = build_ack()
    assert "alicloud:cs/getClusterCredential:getClusterCredential" in monitor.invokes
    prod = built("prod-cn")
    (provider,) = of_type(prod, "pulumi:providers:kubernetes")
    ca = json.loads(provider.inputs["kubeconfig"])["clusters"][0]["cluster"]
    # The fake data source answers with a CA naming the cluster it was asked about.
    assert one(prod, ACK).id in base64.b64decode(ca["certificate-authority-data"]).decode()
    assert "client-key-data" not in json.dumps(provider.inputs["kubeconfig"])


def test_the_shared_platform_runs_on_ack_with_the_clouds_storage_and_load_balancer() -> None:
    monitor = built("prod-cn")
    (storage_class,) = of_type(monitor, "kubernetes:storage.k8s.io/v1:StorageClass")
    assert storage_class.inputs["provisioner"] == "diskplugin.csi.alibabacloud.com"
    assert storage_class.inputs["parameters"]["encrypted"] == "true"
    assert storage_class.inputs["reclaimPolicy"] == "Retain"
    proxy = one(monitor, "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy").inputs
    service = proxy["spec"]["provider"]["kubernetes"]["envoyService"]
    annotations = service["annotations"]
    prefix = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-"
    assert annotations[f"{prefix}address-type"] == "internet"
    assert annotations[f"{prefix}delete-protection"] == "on"
    # Pay-by-usage, the only pay-as-you-go CLB sold since 2025-06-01: no spec to choose.
    assert annotations[f"{prefix}instance-charge-type"] == "PayByCLCU"
    assert f"{prefix}spec" not in annotations
    assert service["type"] == "LoadBalancer" and service["externalTrafficPolicy"] == "Local"
    assert "aws" not in json.dumps(proxy)
    (deployment,) = of_type(monitor, "kubernetes:apps/v1:Deployment")
    assert "@sha256:" in deployment.inputs["spec"]["template"]["spec"]["containers"][0]["image"]


@pytest.mark.parametrize(("stack", "level"), [("dev-cn", "PL0"), ("prod-cn", "PL1")])
def test_the_volumes_essd_level_comes_from_the_preset(stack: str, level: str) -> None:
    # Dev's volumes (Prometheus) are ESSD PL0, half PL1's price; prod keeps PL1's IOPS.
    (storage_class,) = of_type(built(stack), "kubernetes:storage.k8s.io/v1:StorageClass")
    assert storage_class.inputs["parameters"]["performanceLevel"] == level
    assert storage_class.inputs["parameters"]["encrypted"] == "true"


def test_a_volume_level_the_price_list_does_not_hold_is_refused_naming_the_key() -> None:
    raw = copy.deepcopy(raw_stack_config("dev-cn"))
    raw["platform"] = {**raw["platform"], "volumePerformanceLevel": "PL2"}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    (problem,) = caught.value.problems
    assert problem.startswith("groundwork:platform.volumePerformanceLevel:")
    assert "'PL0'" in problem and "'PL1'" in problem


GATEWAY_API = "kubernetes:gateway.networking.k8s.io/v1"


@pytest.mark.parametrize("stack", ["dev-cn", "prod-cn"])
def test_no_ingress_nginx_on_ack_and_the_public_gateway_is_envoy_with_a_cert_manager_certificate(
    stack: str,
) -> None:
    monitor = built(stack)
    charts = {r.inputs["chart"]: r for r in of_type(monitor, "kubernetes:helm.sh/v3:Release")}
    assert not any("ingress-nginx" in chart for chart in charts)
    assert of_type(monitor, "kubernetes:networking.k8s.io/v1:Ingress") == []
    controller = charts["oci://docker.io/envoyproxy/gateway-helm"].inputs
    crds = charts["oci://docker.io/envoyproxy/gateway-crds-helm"].inputs
    # One pin for the Gateway API CRDs on both clouds: Envoy Gateway's charts install only its own.
    assert controller["skipCrds"] is True and controller["namespace"] == "gateway"
    assert crds["values"]["crds"] == {"gatewayAPI": {"enabled": False},
                                      "envoyGateway": {"enabled": True}}  # fmt: skip
    (pinned,) = of_type(monitor, "kubernetes:yaml/v2:ConfigFile")
    assert "/v1.4.1/standard-install.yaml" in pinned.inputs["file"]
    (gateway_class,) = of_type(monitor, f"{GATEWAY_API}:GatewayClass")
    assert gateway_class.inputs["spec"]["controllerName"] == (
        "gateway.envoyproxy.io/gatewayclass-controller"
    )
    (gateway,) = of_type(monitor, f"{GATEWAY_API}:Gateway")
    listeners = {item["name"]: item for item in gateway.inputs["spec"]["listeners"]}
    assert listeners["https"]["tls"]["certificateRefs"] == [
        {"group": "", "kind": "Secret", "name": "public-tls"}
    ]
    assert listeners["http"]["allowedRoutes"] == {"namespaces": {"from": "Same"}}
    certificate = one(monitor, "kubernetes:cert-manager.io/v1:Certificate").inputs
    hosts = sorted(a.host for a in alicloud_stack_config(stack).apps.values() if a.host)
    assert (
        certificate["spec"]["dnsNames"] == hosts
        and certificate["spec"]["secretName"] == "public-tls"
    )
    issuer = one(monitor, "kubernetes:cert-manager.io/v1:ClusterIssuer").inputs
    assert certificate["spec"]["issuerRef"]["name"] == issuer["metadata"]["name"]
    solver = issuer["spec"]["acme"]["solvers"][0]["http01"]["gatewayHTTPRoute"]["parentRefs"]
    assert solver == [{"name": "public", "namespace": "gateway", "sectionName": "http"}]
    routes = {
        r.inputs["metadata"]["name"]: r.inputs for r in of_type(monitor, f"{GATEWAY_API}:HTTPRoute")
    }
    for name, app in alicloud_stack_config(stack).apps.items():
        if app.host:
            assert routes[name]["spec"]["hostnames"] == [app.host]


def test_a_routed_workload_on_ack_admits_only_the_gateways_envoy_pods() -> None:
    monitor = built("dev-cn")
    policies = {r.inputs["metadata"]["name"]: r.inputs
                for r in of_type(monitor, "kubernetes:networking.k8s.io/v1:NetworkPolicy")}  # fmt: skip
    (name,) = [n for n, a in alicloud_stack_config("dev-cn").apps.items() if a.host]
    sources = policies[name]["spec"]["ingress"][0]["from"]
    assert sources == [{
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "gateway"}},
        "podSelector": {"matchLabels": {
            "app.kubernetes.io/managed-by": "envoy-gateway",
            "gateway.envoyproxy.io/owning-gateway-name": "public",
            "gateway.envoyproxy.io/owning-gateway-namespace": "gateway"}},
    }]  # fmt: skip


def _refusals(stack: str, **cluster: Any) -> list[str]:
    raw = copy.deepcopy(raw_stack_config(stack))
    raw["cluster"] = {**raw.get("cluster", {}), **cluster}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    return caught.value.problems


def test_the_config_refuses_what_ack_would_or_what_prod_forbids() -> None:
    (public,) = _refusals("dev-cn", endpoint={"public": True, "publicCidrs": ["203.0.113.0/24"]})
    assert public.startswith("groundwork:cluster.endpoint.public: not built on Alibaba Cloud")
    (version,) = _refusals("prod-cn", version="1.29")
    assert version.startswith("groundwork:cluster.version: ACK offers new clusters 1.35, 1.36")
    (spot,) = _refusals("prod-cn", nodeGroups={"general": {"spot": True,
                        "instanceTypes": ["ecs.g7.large", "ecs.g6.large"]}})  # fmt: skip
    assert spot.startswith("groundwork:cluster.nodeGroups.general.spot: prod runs pay-as-you-go")
    (overlap,) = _refusals("prod-cn", serviceCidr="10.40.0.0/20")
    assert overlap.startswith("groundwork:cluster.serviceCidr: 10.40.0.0/20 overlaps the VPC")
