"""Pricers for pulumi-aws resource types: `(Pricer, Subject) -> Priced`."""

from __future__ import annotations

from collections.abc import Callable

from ..core import Subject, as_list, get, is_unknown, truthy
from ..joins import linked
from ._catalogue import Priced, Pricer, Unpriced

AwsPricer = Callable[[Pricer, Subject], Priced | None]
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
GLOBAL_DATASTORE = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup"


def _nat(p: Pricer, s: Subject) -> Priced:
    return Priced(p.price("natGateway"), "1 NAT gateway x 730 h (data processing is usage)")


def _eip(p: Pricer, s: Subject) -> Priced:
    return Priced(p.price("publicIpv4"), "1 public IPv4 x 730 h")


def _kms(p: Pricer, s: Subject) -> Priced:
    return Priced(p.price("kmsKey"), "1 customer-managed key")


def _endpoint(p: Pricer, s: Subject) -> Priced:
    if get(s.props, "vpcEndpointType") != "Interface":
        return Priced(0.0, "gateway endpoint (free)")
    subnets = get(s.props, "subnetIds")
    azs = len(subnets) if isinstance(subnets, list) else 1
    return Priced(p.price("interfaceEndpoint") * azs, f"interface endpoint x {azs} AZ")


def _eks(p: Pricer, s: Subject) -> Priced:
    return Priced(p.price("eksCluster"), "control plane x 730 h")


def _launch_template(p: Pricer, s: Subject, prop: str) -> Subject | None:
    for lt in p.of_type("aws:ec2/launchTemplate:LaunchTemplate"):
        if linked(s, prop, lt):
            return lt
    return None


def _disk_gb(p: Pricer, lt: Subject | None, fallback: object) -> float:
    if lt is not None:
        sizes = [get(b, "ebs.volumeSize") for b in get(lt.props, "blockDeviceMappings") or []]
        total = sum(p.number(x, 0) for x in sizes)
        if total:
            return total
    return p.number(fallback, p.cat["nodeDiskDefaultGb"])


def _nodes(p: Pricer, itype: object, count: float, spot: bool, disk_gb: float) -> Priced:
    if not isinstance(itype, str) or is_unknown(itype):
        raise Unpriced("instance type unknown")
    node = p.price(f"ec2:{itype}")
    factor = 1 - p.cat["spotDiscount"] if spot else 1.0
    disk = p.price("ebsGp3") * disk_gb
    kind = "spot" if spot else "on-demand"
    return Priced(
        count * (node * factor + disk),
        f"{count:g} x {itype} {kind} + {disk_gb:g} GB gp3 each",
        # Savings Plans do not apply to Spot capacity.
        commitment=None if spot else "ec2",
        eligible=0.0 if spot else count * node,
    )


def _node_group(p: Pricer, s: Subject) -> Priced:
    types = get(s.props, "instanceTypes") or []
    if not types or is_unknown(types):
        raise Unpriced("instanceTypes unknown")
    lt = _launch_template(p, s, "launchTemplate")
    return _nodes(
        p,
        types[0],
        p.number(get(s.props, "scalingConfig.desiredSize"), 1),
        get(s.props, "capacityType") == "SPOT",
        _disk_gb(p, lt, get(s.props, "diskSize")),
    )


def _autoscaling_group(p: Pricer, s: Subject) -> Priced:
    lt = _launch_template(p, s, "launchTemplate.id") or _launch_template(p, s, "launchTemplate")
    if lt is None:
        raise Unpriced("no launch template of this stack is linked to the group")
    count = p.number(get(s.props, "desiredCapacity"), p.number(get(s.props, "minSize"), 1))
    spot = get(lt.props, "instanceMarketOptions.marketType") == "spot"
    return _nodes(p, get(lt.props, "instanceType"), count, spot, _disk_gb(p, lt, None))


def _gp3_only(volume_type: object, what: str) -> None:
    if volume_type not in (None, "gp3"):
        raise Unpriced(f"{what} volume type {volume_type!r} not in the catalogue (gp3 only)")


def _instance(p: Pricer, s: Subject) -> Priced:
    """An EC2 instance: its type's hours and root volume (as a node), plus the EBS volumes it
    declares inline and a public IPv4 when it asks for one."""
    lt = _launch_template(p, s, "launchTemplate.id") or _launch_template(p, s, "launchTemplate")
    itype = get(s.props, "instanceType") or (get(lt.props, "instanceType") if lt else None)
    _gp3_only(get(s.props, "rootBlockDevice.volumeType"), "root")
    disk = get(s.props, "rootBlockDevice.volumeSize")
    priced = _nodes(p, itype, 1, False, _disk_gb(p, lt, disk if disk is not None else 8))
    monthly, detail = priced.monthly, priced.detail
    extra = get(s.props, "ebsBlockDevices") or []
    if is_unknown(extra) or not isinstance(extra, list):
        raise Unpriced("ebsBlockDevices unknown")
    if extra:
        for volume in extra:
            _gp3_only(get(volume, "volumeType"), "EBS block device")
        gb = sum(p.number(get(volume, "volumeSize"), 0) for volume in extra)
        monthly += p.price("ebsGp3") * gb
        detail += f" + {len(extra)} EBS volume(s), {gb:g} GB gp3"
    if truthy(get(s.props, "associatePublicIpAddress")):
        monthly += p.price("publicIpv4")
        detail += " + 1 public IPv4"
    return Priced(monthly, detail, priced.commitment, priced.eligible)


def _volume(p: Pricer, s: Subject) -> Priced:
    if (get(s.props, "type") or "gp3") != "gp3":
        raise Unpriced(f"volume type {get(s.props, 'type')} not in the catalogue")
    size = p.number(get(s.props, "size"), 0)
    return Priced(p.price("ebsGp3") * size, f"{size:g} GB gp3")


def _serverless_min_acu(p: Pricer, instance: Subject) -> float:
    for cluster in p.of_type("aws:rds/cluster:Cluster"):
        if linked(instance, "clusterIdentifier", cluster):
            value = get(cluster.props, "serverlessv2ScalingConfiguration.minCapacity")
            if value is None or is_unknown(value):
                raise Unpriced("serverless instance: the cluster's minCapacity is unknown")
            return float(value)
    raise Unpriced("serverless instance: no cluster of this stack is linked to it")


def _cluster_instance(p: Pricer, s: Subject) -> Priced:
    klass = get(s.props, "instanceClass")
    if klass == "db.serverless":
        acu = _serverless_min_acu(p, s)
        return Priced(
            p.price("auroraServerlessAcu") * acu,
            f"Serverless v2 at its minimum {acu:g} ACU x 730 h (scaling above it is usage)",
            commitment="database-serverless",
            eligible=p.price("auroraServerlessAcu") * acu,
        )
    monthly = p.price(f"rds:{klass}")
    return Priced(monthly, f"1 x {klass}", commitment="rds", eligible=monthly)


def _aurora_cluster(p: Pricer, s: Subject) -> Priced:
    gb = p.cat["auroraStorageBaselineGb"]
    monthly = p.price("auroraStorage") * gb
    detail = f"{gb} GB storage baseline (I/O and growth are usage)"
    if truthy(get(s.props, "manageMasterUserPassword")):
        # RDS creates (and bills) a Secrets Manager secret for a managed master password.
        monthly += p.price("secret")
        detail += " + its managed master-password secret"
    return Priced(monthly, detail)


def _rds_instance(p: Pricer, s: Subject) -> Priced:
    _gp3_only(get(s.props, "storageType"), "RDS storage")
    klass = get(s.props, "instanceClass")
    copies = 2 if get(s.props, "multiAz") is True else 1
    gb = p.number(get(s.props, "allocatedStorage"), 20)
    compute = copies * p.price(f"rds:{klass}")
    monthly = compute + copies * p.price("rdsGp3Storage") * gb
    if truthy(get(s.props, "manageMasterUserPassword")):
        monthly += p.price("secret")
    return Priced(monthly, f"{copies} x {klass} + {gb:g} GB", "rds", compute)


def _global_primary(p: Pricer, s: Subject) -> Subject | None:
    """The primary replication group of the Global Datastore `s` is a secondary of (None: `s` is
    not a secondary). AWS gives a secondary the primary's node type, engine and shard count."""
    if get(s.props, "globalReplicationGroupId") is None and not s.property_dependencies.get(
        "globalReplicationGroupId"
    ):
        return None
    for datastore in p.of_type(GLOBAL_DATASTORE):
        if linked(s, "globalReplicationGroupId", datastore):
            for group in p.of_type(REPLICATION_GROUP):
                if linked(datastore, "primaryReplicationGroupId", group):
                    return group
    raise Unpriced("a Global Datastore secondary whose primary group is not in the stack")


def _cache(p: Pricer, s: Subject) -> Priced:
    primary = _global_primary(p, s)
    shape = primary or s  # node type, engine, shards
    node_type = get(shape.props, "nodeType")
    groups = p.number(get(shape.props, "numNodeGroups"), 0)
    if groups:
        nodes = groups * (p.number(get(s.props, "replicasPerNodeGroup"), 0) + 1)
    else:
        nodes = p.number(get(s.props, "numCacheClusters"), 1)
    engine = get(shape.props, "engine")
    factor = 1 - p.cat["valkeyDiscount"] if engine == "valkey" else 1.0
    monthly = nodes * p.price(f"elasticache:{node_type}") * factor
    return Priced(
        monthly,
        f"{nodes:g} x {node_type} ({engine or 'redis'})"
        + (" as a Global Datastore secondary" if primary is not None else ""),
        "elasticache",
        monthly,
    )


def _cache_cluster(p: Pricer, s: Subject) -> Priced:
    nodes = p.number(get(s.props, "numCacheNodes"), 1)
    node_type = get(s.props, "nodeType")
    monthly = nodes * p.price(f"elasticache:{node_type}")
    return Priced(monthly, f"{nodes:g} x {node_type}", "elasticache", monthly)


def _serverless_cache(p: Pricer, s: Subject) -> Priced:
    engine = get(s.props, "engine") or "redis"
    floor = p.cat["serverlessCacheMinimumGb"][engine if engine == "valkey" else "redis"]
    gb = max(p.number(get(s.props, "cacheUsageLimits.dataStorage.minimum"), floor), floor)
    key = "elasticacheServerlessValkeyGb" if engine == "valkey" else "elasticacheServerlessGb"
    monthly = p.price(key) * gb
    return Priced(
        monthly,
        f"{engine} serverless at its {gb:g} GB data-storage minimum x 730 h (ECPUs are usage)",
        "database-serverless",
        monthly,
    )


def _secret(p: Pricer, s: Subject) -> Priced:
    # AWS bills each replica in another region as a secret of its own.
    replicas = get(s.props, "replicas")
    count = 1 + (len(replicas) if isinstance(replicas, list) else 0)
    return Priced(count * p.price("secret"), f"{count} secret(s) (replicas included)")


def _waf(p: Pricer, s: Subject) -> Priced:
    rules = get(s.props, "rules")
    count = len(rules) if isinstance(rules, list) else 0
    return Priced(
        p.price("wafWebAcl") + count * p.price("wafRule"),
        f"1 web ACL + {count} rule(s) (requests are usage)",
    )


QUERY_SERIES_TAG = "metrics-analyzed"
"""The tag components/monitoring/aws.py puts on a Metrics Insights alarm: metrics it analyses."""


def _alarm(p: Pricer, s: Subject) -> Priced:
    # An alarm on a Metrics Insights query is billed per metric the query analyses; the
    # component states its estimate in a tag (components/monitoring/aws.py).
    if any("SELECT" in str(get(q, "expression") or "").upper()
           for q in as_list(get(s.props, "metricQueries") or [], "metricQueries")):  # fmt: skip
        series = int(str((get(s.props, "tags") or {}).get(QUERY_SERIES_TAG, "1")))
        return Priced(series * p.price("cloudwatchAlarm"), f"1 query alarm, {series} metric(s)")
    return Priced(p.price("cloudwatchAlarm"), "1 alarm")


def _dashboard(p: Pricer, s: Subject) -> Priced:
    return Priced(p.price("cloudwatchDashboard"), "1 dashboard")


def _health_check(p: Pricer, s: Subject) -> Priced:
    # Optional features are billed on top: HTTPS, string matching, 10-second interval, latency.
    kind = str(get(s.props, "type") or "")
    features = sum((
        kind.startswith("HTTPS"),
        kind.endswith("STR_MATCH"),
        get(s.props, "requestInterval") == 10,
        bool(get(s.props, "measureLatency")),
    ))  # fmt: skip
    return Priced(
        p.price("route53HealthCheck") + features * p.price("route53HealthCheckFeature"),
        f"1 health check, {features} optional feature(s)",
    )


def _hosted_zone(p: Pricer, s: Subject) -> Priced:
    return Priced(p.price("route53HostedZone"), "1 hosted zone (queries are usage)")


def load_balancer(p: Pricer, kind: str, zones: int, public: bool) -> Priced:
    """An ALB/NLB/CLB: hourly rate, plus a public IPv4 per zone when internet-facing (capacity
    units and data are usage)."""
    monthly = p.price(f"lb:{kind}")
    detail = f"1 {kind.upper()} x 730 h"
    if public:
        monthly += zones * p.price("publicIpv4")
        detail += f" + {zones} public IPv4"
    return Priced(monthly, detail + " (capacity units are usage)")


def _lb(p: Pricer, s: Subject) -> Priced:
    kind = {"application": "alb", "network": "nlb", "gateway": "gwlb"}.get(
        str(get(s.props, "loadBalancerType") or "application"), "alb"
    )
    subnets = get(s.props, "subnets") or get(s.props, "subnetMappings") or []
    zones = len(subnets) if isinstance(subnets, list) and subnets else 2
    return load_balancer(p, kind, zones, get(s.props, "internal") is not True)


def _search_domain(p: Pricer, s: Subject) -> Priced:
    itype = get(s.props, "clusterConfig.instanceType")
    if not isinstance(itype, str) or is_unknown(itype):
        raise Unpriced("clusterConfig.instanceType unknown")
    count = p.number(get(s.props, "clusterConfig.instanceCount"), 1)
    gib = p.number(get(s.props, "ebsOptions.volumeSize"), 10)
    masters = 0.0
    if truthy(get(s.props, "clusterConfig.dedicatedMasterEnabled")):
        mtype = get(s.props, "clusterConfig.dedicatedMasterType")
        masters = p.number(get(s.props, "clusterConfig.dedicatedMasterCount"), 3) * p.price(
            f"opensearch:{mtype}"
        )
    return Priced(
        count * (p.price(f"opensearch:{itype}") + gib * p.price("opensearchGp3")) + masters,
        f"{count:g} x {itype} + {gib:g} GB gp3 each (data transfer is usage)",
    )


AWS_PRICERS: dict[str, AwsPricer] = {
    "aws:opensearch/domain:Domain": _search_domain,
    "aws:ec2/natGateway:NatGateway": _nat,
    "aws:ec2/eip:Eip": _eip,
    "aws:kms/key:Key": _kms,
    "aws:kms/replicaKey:ReplicaKey": _kms,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _endpoint,
    "aws:eks/cluster:Cluster": _eks,
    "aws:eks/nodeGroup:NodeGroup": _node_group,
    "aws:autoscaling/group:Group": _autoscaling_group,
    "aws:ec2/instance:Instance": _instance,
    "aws:ebs/volume:Volume": _volume,
    "aws:rds/clusterInstance:ClusterInstance": _cluster_instance,
    "aws:rds/cluster:Cluster": _aurora_cluster,
    "aws:rds/instance:Instance": _rds_instance,
    REPLICATION_GROUP: _cache,
    "aws:elasticache/cluster:Cluster": _cache_cluster,
    "aws:elasticache/serverlessCache:ServerlessCache": _serverless_cache,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:wafv2/webAcl:WebAcl": _waf,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": _alarm,
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
    "aws:route53/healthCheck:HealthCheck": _health_check,
    "aws:route53/zone:Zone": _hosted_zone,
    "aws:lb/loadBalancer:LoadBalancer": _lb,
    "aws:alb/loadBalancer:LoadBalancer": _lb,
}
