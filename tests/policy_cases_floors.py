"""Cases of the production safety floors (policies/guardrails/prod_floors.py)."""

from __future__ import annotations

from typing import Any

from tests.policy_kit import TAGS, UNKNOWN, Case, R

ALI_SWITCH = "alicloud:vpc/switch:Switch"
ALI_NAT = "alicloud:vpc/natGateway:NatGateway"
ALI_ROUTE = "alicloud:vpc/routeEntry:RouteEntry"
ALI_TABLE = "alicloud:vpc/routeTable:RouteTable"
ALI_ATTACHMENT = "alicloud:vpc/routeTableAttachment:RouteTableAttachment"

PLAN = "aws:backup/plan:Plan"
VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
SELECTION = "aws:backup/selection:Selection"
CLUSTER = "aws:rds/cluster:Cluster"
CPG = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
PG = "aws:rds/parameterGroup:ParameterGroup"
SUBNET = "aws:ec2/subnet:Subnet"
NAT = "aws:ec2/natGateway:NatGateway"
ROUTE = "aws:ec2/route:Route"
TABLE = "aws:ec2/routeTable:RouteTable"
ASSOC = "aws:ec2/routeTableAssociation:RouteTableAssociation"
ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer"
SC = "kubernetes:storage.k8s.io/v1:StorageClass"
BUCKET = "aws:s3/bucket:Bucket"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"


def plan(days: Any = 35, copy_days: Any = None, vault: str = "vault") -> R:
    rule: dict[str, Any] = {
        "ruleName": "daily",
        "targetVaultName": UNKNOWN,
        "lifecycle": {"deleteAfter": days},
    }
    if copy_days is not None:
        rule["copyActions"] = [
            {"destinationVaultArn": "arn:dr", "lifecycle": {"deleteAfter": copy_days}}
        ]
    return R(PLAN, "plan", {"rules": [rule]}, links={"rules": [vault]})


def vault(name: str = "vault") -> R:
    return R(VAULT, name, {"name": f"acme-{name}"})


def lock(target: str = "vault") -> R:
    return R(
        LOCK,
        f"{target}-lock",
        {"backupVaultName": UNKNOWN, "minRetentionDays": 7},
        links={"backupVaultName": [target]},
    )


def db(name: str = "db", **tags: str) -> R:
    return R(
        CLUSTER,
        name,
        {
            "engine": "aurora-postgresql",
            "tags": {**TAGS, **tags},
            "arn": f"arn:aws:rds:eu-west-1:1:cluster:{name}",
        },
    )


def selection(**props: Any) -> R:
    return R(SELECTION, "sel", {"planId": UNKNOWN, **props}, links={"planId": ["plan"]})


BARE_PLAN = R(PLAN, "plan", {"rules": []})
BY_TAG = {"selectionTags": [{"type": "STRINGEQUALS", "key": "backup", "value": "acme-backup"}]}


def params(family: str = "aurora-postgresql16", **values: str) -> R:
    return R(
        CPG,
        "params",
        {
            "family": family,
            "parameters": [
                {"name": k.replace("__", "."), "value": v}
                for k, v in {"rds__force_ssl": "1", **values}.items()
            ],
        },
    )


def ali_network(nat_zone: str = "e", *, nat: bool = True, name: str = "acme") -> list[R]:
    """The same on Alibaba Cloud: a private vSwitch in zone e, its route table and attachment,
    and (optionally) the default route entry to a NAT gateway in zone `nat_zone`."""
    found = [
        R(ALI_SWITCH, f"{name}-private-cn-shanghai-e", {"zoneId": "cn-shanghai-e"}),
        R(ALI_SWITCH, f"{name}-public-{nat_zone}", {"zoneId": f"cn-shanghai-{nat_zone}"}),
        R(ALI_TABLE, f"{name}-rt-e", {}),
        R(ALI_ATTACHMENT, f"{name}-rta-e", {"vswitchId": UNKNOWN, "routeTableId": UNKNOWN},
          links={"vswitchId": [f"{name}-private-cn-shanghai-e"], "routeTableId": [f"{name}-rt-e"]}),
    ]  # fmt: skip
    if nat:
        found += [
            R(ALI_NAT, f"{name}-nat", {"vswitchId": UNKNOWN, "natType": "Enhanced"},
              links={"vswitchId": [f"{name}-public-{nat_zone}"]}),
            R(ALI_ROUTE, f"{name}-default-e",
              {"routeTableId": UNKNOWN, "destinationCidrblock": "0.0.0.0/0",
               "nexthopType": "NatGateway", "nexthopId": UNKNOWN},
              links={"routeTableId": [f"{name}-rt-e"], "nexthopId": [f"{name}-nat"]}),
        ]  # fmt: skip
    return found


def network(nat_zone: str = "a", *, nat: bool = True, regional: bool = False) -> list[R]:
    """A private subnet in zone a, its route table, and (optionally) its NAT default route."""
    found = [
        R(SUBNET, "acme-private-a", {"availabilityZone": "eu-west-1a"}),
        R(SUBNET, f"acme-public-{nat_zone}", {"availabilityZone": f"eu-west-1{nat_zone}"}),
        R(TABLE, "rt-a", {}),
        R(
            ASSOC,
            "rta-a",
            {"subnetId": UNKNOWN, "routeTableId": UNKNOWN},
            links={"subnetId": ["acme-private-a"], "routeTableId": ["rt-a"]},
        ),
    ]
    if nat:
        props = {"availabilityMode": "regional"} if regional else {"subnetId": UNKNOWN}
        links = {} if regional else {"subnetId": [f"acme-public-{nat_zone}"]}
        found += [
            R(NAT, "nat", props, links=links),
            R(
                ROUTE,
                "default-a",
                {
                    "routeTableId": UNKNOWN,
                    "destinationCidrBlock": "0.0.0.0/0",
                    "natGatewayId": UNKNOWN,
                },
                links={"routeTableId": ["rt-a"], "natGatewayId": ["nat"]},
            ),
        ]
    return found


def issuer(server: Any) -> R:
    return R(ISSUER, "issuer", {"metadata": {"name": "le"}, "spec": {"acme": {"server": server}}})


EKS = "aws:eks/cluster:Cluster"
ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes"
RELEASE = "kubernetes:helm.sh/v3:Release"
CHART = "kubernetes:helm.sh/v4:Chart"


def claim(storage_class: Any = "gp3") -> dict[str, Any]:
    spec: dict[str, Any] = {"resources": {"requests": {"storage": "50Gi"}}}
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    return {"volumeClaimTemplate": {"spec": spec}}


def kps_values(
    prometheus_replicas: int | str = 2, alertmanager_replicas: int | str = 3, **changes: Any
) -> dict[str, Any]:
    """Values of an HA kube-prometheus-stack as the platform sets them; `changes` replace whole
    top-level sections."""
    values: dict[str, Any] = {
        "prometheus": {
            "podDisruptionBudget": {"enabled": True},
            "prometheusSpec": {"replicas": prometheus_replicas, "podAntiAffinity": "hard",
                               "retention": "15d", "storageSpec": claim()},
        },
        "alertmanager": {
            "podDisruptionBudget": {"enabled": True},
            "alertmanagerSpec": {"replicas": alertmanager_replicas, "podAntiAffinity": "hard",
                                 "storage": claim()},
        },
    }  # fmt: skip
    return {**values, **changes}


PROM_CR = "kubernetes:monitoring.coreos.com/v1:Prometheus"
AM_CR = "kubernetes:monitoring.coreos.com/v1:Alertmanager"


def server(type_: str = PROM_CR, **spec: Any) -> R:
    """A Prometheus / Alertmanager object declared directly (no chart)."""
    full = {
        "replicas": 2 if type_ == PROM_CR else 3,
        "retention": "30d",
        "storage": claim(),
        **spec,
    }
    return R(type_, f"own-{type_.rsplit(':', 1)[-1].lower()}", {"spec": full})


def kps(
    values: Any, name: str = "kps", chart: str = "kube-prometheus-stack", type_: str = RELEASE
) -> R:
    return R(type_, name, {"chart": chart, "version": "88.5.3", "values": values})


def storage_class(name: str = "gp3", encrypted: str | None = "true", default: bool = True) -> R:
    props: dict[str, Any] = {
        "metadata": {"name": name, "annotations": {
            "storageclass.kubernetes.io/is-default-class": str(default).lower()}},
        "provisioner": "ebs.csi.aws.com",
        "parameters": {"type": "gp3", **({"encrypted": encrypted} if encrypted else {})},
    }  # fmt: skip
    return R(SC, f"sc-{name}", props)


def cluster(type_: str = EKS, **props: Any) -> R:
    return R(type_, "cluster", {"tags": TAGS, **props})


def helm(chart: str, name: str | None = None) -> R:
    return R(RELEASE, name or chart, {"chart": chart, "version": "1.0.0", "values": {}})


GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
LB_CONFIG = "kubernetes:gateway.k8s.aws/v1beta1:LoadBalancerConfiguration"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def public_gateway(scheme: Any = "internet-facing") -> list[R]:
    ns = {"namespace": "gateway"}
    return [
        R(LB_CONFIG, "lb", {"metadata": {"name": "public", **ns}, "spec": {"scheme": scheme}}),
        R(GATEWAY, "gw", {"metadata": {"name": "public", **ns}, "spec": {"infrastructure": {
            "parametersRef": {"kind": "LoadBalancerConfiguration", "name": "public"}}}}),
    ]  # fmt: skip


def route(host: Any = "web.acme.example", backends: bool = True) -> R:
    rule = {"backendRefs": [{"name": "web", "port": 80}]} if backends else {"filters": []}
    return R(HTTP_ROUTE, f"route-{host}", {
        "metadata": {"name": "web", "namespace": "apps"},
        "spec": {"hostnames": [host], "rules": [rule],
                 "parentRefs": [{"name": "public", "namespace": "gateway"}]}})  # fmt: skip


def health(host: str = "web.acme.example", alarmed: bool = True) -> list[R]:
    found = [R(HEALTH_CHECK, f"hc-{host}", {"fqdn": host, "type": "HTTPS"})]
    if alarmed:
        found.append(R(ALARM, f"alarm-{host}", {"alarmActions": ["arn:aws:sns:us-east-1:1:p1"],
                       "dimensions": {"HealthCheckId": UNKNOWN}},
                       links={"dimensions": [f"hc-{host}"]}))  # fmt: skip
    return found


def lifecycle(*rules: dict[str, Any]) -> list[R]:
    return [
        R(BUCKET, "uploads", {"bucket": "acme-uploads"}),
        R(
            LIFECYCLE,
            "uploads-lc",
            {"bucket": UNKNOWN, "rules": list(rules)},
            links={"bucket": ["uploads"]},
        ),
    ]


CASES: dict[str, Case] = {
    "obs-metrics-stack-ha": Case(
        ok=[
            cluster(),
            kps(kps_values()),
            storage_class(),
            # a second stack on ACK, its claims on the encrypted default class
            kps(
                kps_values(
                    prometheus={
                        "podDisruptionBudget": {"enabled": True},
                        "prometheusSpec": {
                            "replicas": 3,
                            "podAntiAffinity": "hard",
                            "retention": "3w",
                            "storageSpec": claim(None),
                        },
                    }
                ),
                name="kps-2",
                type_=CHART,
            ),
            server(),
            server(AM_CR, retention=None),
        ],
        bad=[
            [cluster()],  # metrics switched off: no stack at all
            [
                cluster(),
                kps(kps_values(prometheus_replicas=1)),
                storage_class(),
            ],  # a user's own 1-replica release
            [kps(kps_values(alertmanager_replicas=1)), storage_class()],
            [kps(kps_values(prometheus={"enabled": False})), storage_class()],
            [
                kps(
                    kps_values(
                        prometheus={
                            "prometheusSpec": {
                                "replicas": 2,
                                "podAntiAffinity": "hard",
                                "storageSpec": claim(),
                            },
                            "podDisruptionBudget": {"enabled": True},
                        }
                    )
                ),
                storage_class(),
            ],  # the chart's 10 days of retention
            [
                kps(
                    kps_values(
                        alertmanager={
                            "alertmanagerSpec": {"replicas": 3, "podAntiAffinity": "hard"},
                            "podDisruptionBudget": {"enabled": True},
                        }
                    )
                ),
                storage_class(),
            ],  # no volume: silences lost on restart
            [
                kps(
                    kps_values(
                        prometheus={
                            "prometheusSpec": {
                                "replicas": 2,
                                "retention": "30d",
                                "storageSpec": claim(),
                            }
                        }
                    )
                ),
                storage_class(),
            ],  # no PDB, soft anti-affinity
            [kps(kps_values()), storage_class(encrypted=None)],  # plaintext volumes
            [kps(kps_values()), storage_class("other")],  # a class the stack does not define
            [kps(kps_values(), chart="oci://registry.example/charts/kube-prometheus-stack")],
            [cluster(), server(replicas=1), storage_class()],  # counts as a stack, 1 replica
            [server(retention=None), storage_class()],  # the operator's 24h
            [server(AM_CR, storage=None), storage_class()],
            [server(AM_CR, replicas=None), storage_class()],  # the operator's 1
            [server(), storage_class(encrypted="false")],
        ],
        unknown=[kps(kps_values(prometheus_replicas=UNKNOWN)), storage_class()],
    ),
    "obs-log-shipping": Case(
        ok=[
            cluster(),
            helm("aws-for-fluent-bit"),
            R(ACK, "ack", {"addons": [{"name": "csi-plugin"}, {"name": "logtail-ds"}]}),
        ],
        bad=[
            [cluster()],  # logs.shipping off
            [R(ACK, "ack", {"addons": [{"name": "csi-plugin"}]})],  # no log project
            [R(ACK, "ack", {"addons": [{"name": "logtail-ds", "disabled": True}]})],
        ],
        unknown=[R(ACK, "ack", {"addons": UNKNOWN})],
    ),
    "obs-entry-health-checks": Case(
        ok=[
            *public_gateway(),
            route(),
            *health(),
            route("old.acme.example", backends=False),
            # an internal load balancer's routes are out of Route 53's reach
            R(
                HTTP_ROUTE,
                "internal",
                {
                    "metadata": {"namespace": "apps"},
                    "spec": {
                        "hostnames": ["intra.acme.example"],
                        "rules": [{"backendRefs": [{"name": "x"}]}],
                        "parentRefs": [{"name": "private", "namespace": "gateway"}],
                    },
                },
            ),
        ],
        bad=[
            [*public_gateway(), route()],  # healthChecks off
            [*public_gateway(), route(), *health("other.acme.example")],
            [*public_gateway(), route(), *health(alarmed=False)],
        ],
        unknown=[*public_gateway(), route(UNKNOWN)],
    ),
    "obs-tracing-collector": Case(
        ok=[cluster(), helm("opentelemetry-collector"), R(ACK, "ack", {})],
        bad=[[cluster()], [cluster(), helm("jaeger")]],
        config={"clusterTypes": [EKS], "collectorCharts": ["opentelemetry-collector"]},
        unknown=[cluster(), R(RELEASE, "otel", {"chart": UNKNOWN})],
    ),
    "backup-retention-and-vault-lock": Case(
        ok=[plan(), vault(), lock()],
        bad=[
            [
                plan(),
                vault(),
                R(
                    LOCK,
                    "vault-lock",
                    {"backupVaultName": UNKNOWN, "minRetentionDays": 1},
                    links={"backupVaultName": ["vault"]},
                ),
            ],
            [plan(), R(VAULT, "vault", {"name": "acme-vault", "forceDestroy": True}), lock()],
            [plan(days=1), vault(), lock()],
            [plan(), vault()],  # no vault lock
            [plan(copy_days=1), vault(), lock()],
            [
                plan(vault="elsewhere"),
                vault(),
                vault("elsewhere"),
                lock(),
            ],  # targets a vault the stack does not lock
        ],
        config={"minRetentionDays": 14, "requireVaultLock": True},
        unknown=[plan(days=UNKNOWN), vault(), lock()],
    ),
    "backup-covers-stateful-data": Case(
        ok=[
            db(backup="acme-backup"),
            BARE_PLAN,
            selection(**BY_TAG),
            db("by-arn"),
            R(
                SELECTION,
                "arns",
                {"planId": UNKNOWN, "resources": ["arn:aws:rds:*:*:cluster:*"]},
                links={"planId": ["plan"]},
            ),
        ],
        bad=[
            [db()],  # backups disabled: no plan, no selection
            [db(backup="other"), BARE_PLAN, selection(**BY_TAG)],
            # a selection of a plan the stack does not have
            [db(backup="acme-backup"), R(SELECTION, "sel", {"planId": "other-plan", **BY_TAG})],
        ],
    ),
    "db-parameter-tls-floor": Case(
        ok=[
            params(),
            params(ssl_min_protocol_version="TLSv1.3", password_encryption="scram-sha-256"),
            R(
                PG,
                "mysql",
                {
                    "family": "mysql8.0",
                    "parameters": [
                        {"name": "require_secure_transport", "value": "ON"},
                        {"name": "tls_version", "value": "TLSv1.2,TLSv1.3"},
                    ],
                },
            ),
        ],
        bad=[
            [params(ssl_min_protocol_version="TLSv1")],
            [params(password_encryption="md5")],
            [
                R(
                    PG,
                    "pg",
                    {
                        "family": "postgres16",
                        "parameters": [{"name": "rds.force_ssl", "value": "0"}],
                    },
                )
            ],
            [R(PG, "pg", {"family": "postgres16", "parameters": []})],
            [
                R(
                    PG,
                    "mysql",
                    {
                        "family": "mysql8.0",
                        "parameters": [
                            {"name": "require_secure_transport", "value": "ON"},
                            {"name": "tls_version", "value": "TLSv1.1,TLSv1.2"},
                        ],
                    },
                )
            ],
        ],
        unknown=[params(ssl_min_protocol_version=UNKNOWN)],
    ),
    "net-nat-per-zone": Case(
        ok=[*network("a"), *ali_network("e", name="ali")],
        bad=[network("b"), network(nat=False), ali_network("f"), ali_network(nat=False)],
        unknown=[R(SUBNET, "acme-private-a", {"availabilityZone": UNKNOWN})],
    ),
    "k8s-cluster-issuer-production": Case(
        ok=[issuer("https://acme-v02.api.letsencrypt.org/directory")],
        bad=[
            [issuer("https://acme-staging-v02.api.letsencrypt.org/directory")],
            [R(ISSUER, "self", {"spec": {"selfSigned": {}}})],
        ],
        unknown=[issuer(UNKNOWN)],
    ),
    "k8s-storageclass-retain": Case(
        ok=[
            R(SC, "gp3", {"provisioner": "ebs.csi.aws.com", "reclaimPolicy": "Retain"}),
            R(
                "kubernetes:storage.k8s.io/v1:StorageClassPatch",
                "p",
                {"allowVolumeExpansion": True},
            ),
        ],
        bad=[
            [
                R(
                    "kubernetes:core/v1:PersistentVolume",
                    "pv",
                    {"spec": {"persistentVolumeReclaimPolicy": "Delete"}},
                )
            ],
            [R(SC, "gp3", {"provisioner": "ebs.csi.aws.com", "reclaimPolicy": "Delete"})],
            [R(SC, "gp3", {"provisioner": "ebs.csi.aws.com"})],  # the API's default is Delete
        ],
        unknown=[R(SC, "gp3", {"reclaimPolicy": UNKNOWN})],
    ),
    "bucket-lifecycle-keeps-current-versions": Case(
        ok=lifecycle(
            {
                "id": "noncurrent",
                "status": "Enabled",
                "noncurrentVersionExpiration": {"noncurrentDays": 30},
            },
            {"id": "logs", "status": "Enabled", "expiration": {"days": 365}},
            {"id": "off", "status": "Disabled", "expiration": {"days": 1}},
        ),
        bad=[
            lifecycle({"id": "uploads", "status": "Enabled", "expiration": {"days": 1}}),
            lifecycle({"id": "cutoff", "status": "Enabled", "expiration": {"date": "2027-01-01"}}),
            [
                R(
                    "alicloud:oss/bucket:Bucket",
                    "oss",
                    {"lifecycleRules": [{"enabled": True, "expirations": [{"days": 7}]}]},
                )
            ],
        ],
        config={"minDays": 90},
        unknown=lifecycle({"id": "x", "status": "Enabled", "expiration": {"days": UNKNOWN}}),
    ),
}
