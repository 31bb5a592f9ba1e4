"""Cost rules: instance sizes per environment, the dev footprint, storage/retention, the budget."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import Finding, Rule, Subject, as_list, get, known, need, truthy
from .joins import linked
from .pricing import MixedCurrencyError, estimate
from .storage import BUCKETS, LIFECYCLE, _side

SIZED: dict[str, tuple[str, str]] = {
    "aws:rds/clusterInstance:ClusterInstance": ("instanceClass", "dbInstanceClasses"),
    "aws:rds/instance:Instance": ("instanceClass", "dbInstanceClasses"),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("nodeType", "cacheNodeTypes"),
    "aws:elasticache/cluster:Cluster": ("nodeType", "cacheNodeTypes"),
    "aws:eks/nodeGroup:NodeGroup": ("instanceTypes", "nodeInstanceTypes"),
    "aws:ec2/launchTemplate:LaunchTemplate": ("instanceType", "nodeInstanceTypes"),
    "aws:ec2/instance:Instance": ("instanceType", "nodeInstanceTypes"),
    "alicloud:rds/instance:Instance": ("instanceType", "aliDbInstanceTypes"),
    "alicloud:kvstore/instance:Instance": ("instanceClass", "aliCacheInstanceClasses"),
    "alicloud:cs/nodePool:NodePool": ("instanceTypes", "aliNodeInstanceTypes"),
}


def _instance_allowlist(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    prop, key = SIZED[subject.type]
    allowed = params.get(key)
    if allowed is None:
        return
    values = as_list(need(subject.props, prop), prop)
    for value in values:
        if known(value, prop) not in allowed:
            yield f"{prop}={value} is not allowed here ({key}: {allowed})"


def _dev_footprint(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    nats = [s for s in subjects if s.type == "aws:ec2/natGateway:NatGateway"]
    if len(nats) > params["maxNatGateways"]:
        yield Finding(
            f"{len(nats)} NAT gateways; this environment allows {params['maxNatGateways']} (network.nat: single)",
            nats[-1].urn,
        )
    db_instances = [s for s in subjects if s.type == "aws:rds/clusterInstance:ClusterInstance"]
    if len(db_instances) > params["maxDbInstances"]:
        yield Finding(
            f"{len(db_instances)} Aurora instances; this environment allows {params['maxDbInstances']}",
            db_instances[-1].urn,
        )
    for s in subjects:
        p = s.props
        if s.type == "aws:rds/instance:Instance" and truthy(get(p, "multiAz")):
            yield Finding(f"'{s.name}': Multi-AZ doubles the instance cost", s.urn)
        elif s.type == "aws:elasticache/replicationGroup:ReplicationGroup":
            nodes = get(p, "numCacheClusters") or 1
            if int(nodes) > params["maxCacheNodes"] or truthy(get(p, "multiAzEnabled")):
                yield Finding(
                    f"'{s.name}': {nodes} cache node(s)/Multi-AZ; this environment allows {params['maxCacheNodes']}",
                    s.urn,
                )
        elif s.type == "aws:eks/nodeGroup:NodeGroup":
            if params["requireSpot"] and get(p, "capacityType") != "SPOT":
                yield Finding(f"'{s.name}': capacityType is not SPOT", s.urn)
            max_size = get(p, "scalingConfig.maxSize")
            if isinstance(max_size, int | float) and max_size > params["maxNodes"]:
                yield Finding(f"'{s.name}': maxSize {max_size} > {params['maxNodes']}", s.urn)
        elif s.type in (
            "aws:rds/globalCluster:GlobalCluster",
            "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
            "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        ):
            yield Finding(
                f"'{s.name}': cross-region copies are not part of this environment", s.urn
            )


def _storage_gp3(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    allowed = params["allowedVolumeTypes"]
    if subject.type == "aws:ec2/launchTemplate:LaunchTemplate":
        for i, bdm in enumerate(as_list(get(p, "blockDeviceMappings"), "blockDeviceMappings")):
            kind = get(bdm, "ebs.volumeType")
            if (
                get(bdm, "ebs") is not None
                and known(kind, f"blockDeviceMappings[{i}].ebs.volumeType") not in allowed
            ):
                yield f"blockDeviceMappings[{i}] volumeType={kind}; use gp3"
    elif subject.type == "aws:ebs/volume:Volume":
        if need(p, "type") not in allowed:
            yield f"type={get(p, 'type')}; use gp3"
    elif subject.type == "aws:rds/instance:Instance" and need(p, "storageType") not in allowed:
        yield f"storageType={get(p, 'storageType')}; use gp3"


SLS_FOREVER = 3650
"""An SLS logstore with this retention keeps its logs permanently."""


LOG_CLASS_TAG = "log-class"
"""The tag naming a log group's retention class (components/_base.py sets it on every group)."""


LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SLS_STORE = "alicloud:log/store:Store"
SLS_PROJECT = "alicloud:log/project:Project"
ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes"
RETENTION_PROP = {LOG_GROUP: "retentionInDays", SLS_STORE: "retentionPeriod",
                  ACK: "controlPlaneLogTtl"}  # fmt: skip


def _log_class(log: Subject, subjects: Sequence[Subject]) -> Any:
    """The retention class of a log: a log group's own `log-class` tag; an SLS logstore's project's
    (logstores carry no tags); ACK's control-plane logs are audit logs."""
    if log.type == ACK:
        return "audit"
    if log.type == SLS_STORE:
        projects = [p for p in subjects if p.type == SLS_PROJECT and linked(log, "projectName", p)]
        return need(projects[0].props, f"tags.{LOG_CLASS_TAG}") if projects else None
    return need(log.props, f"tags.{LOG_CLASS_TAG}")


def _log_retention(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for log in subjects:
        if log.type not in RETENTION_PROP:
            continue
        if log.type == ACK and not get(log.props, "controlPlaneLogComponents"):
            continue  # no control-plane logs shipped
        for message in _retention_problems(log, _log_class(log, subjects), params):
            yield Finding(message, log.urn)


def _retention_problems(log: Subject, klass: Any, params: Mapping[str, Any]) -> Iterator[str]:
    prop = RETENTION_PROP[log.type]
    floors: Mapping[str, int] = params["minDaysByClass"]
    owner = "its project" if log.type == SLS_STORE else "it"
    if klass is not None and klass not in floors:
        yield (
            f"{LOG_CLASS_TAG}={klass} (on {owner}) is not a retention class; allowed: "
            f"{', '.join(floors)}"
        )
        return
    if klass is None:  # a log nobody classed is held to the strictest class, never let through
        klass = max(floors, key=lambda c: floors[c])
        why = f"no {LOG_CLASS_TAG} tag on {owner}, so the strictest class '{klass}'"
    else:
        why = f"class '{klass}'"
    days = need(log.props, prop)
    if not days:
        kept = "ACK's default, not the class's" if log.type == ACK else "forever"
        yield f"{prop} not set: logs are kept (and billed) {kept}"
    elif log.type.startswith("alicloud:") and int(days) >= SLS_FOREVER:
        yield f"{prop}={days}: SLS keeps the logs forever from {SLS_FOREVER} days"
    elif int(days) < floors[klass]:
        yield f"{prop}={days} is below the {floors[klass]} days of {why}"
    elif int(days) > params["maxDays"]:
        yield f"{prop}={days} is above {params['maxDays']} days"


def _bucket_lifecycle(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for bucket in subjects:
        if bucket.type not in BUCKETS:
            continue
        rules = [
            r
            for lc in _side(subjects, LIFECYCLE, bucket)
            for r in as_list(get(lc.props, "rules"), "rules")
        ]
        if not rules:
            yield Finding(f"bucket '{bucket.name}' has no lifecycle configuration", bucket.urn)
        elif not any(get(r, "abortIncompleteMultipartUpload") for r in rules):
            yield Finding(
                f"bucket '{bucket.name}' does not abort incomplete multipart uploads", bucket.urn
            )


def _cdn_price_class(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    price_class = need(subject.props, "priceClass") or "PriceClass_All"
    if price_class not in params["allowedPriceClasses"]:
        yield f"priceClass={price_class}; allowed: {params['allowedPriceClasses']}"


def stack_budget(
    subjects: Sequence[Subject], params: Mapping[str, Any], currency: str = "USD"
) -> tuple[float, str] | None:
    """(limit, where it comes from) in `currency`: the stack's own monthly cost budget (an AWS
    Budget the stack declares) when it has one in that currency, else the policy config's
    maxMonthlyCost (USD) or maxMonthlyCostByCurrency; None when nothing sets one."""
    declared = [
        (float(get(s.props, "limitAmount")), f"the stack's budget '{s.name}'")
        for s in subjects
        if s.type == "aws:budgets/budget:Budget"
        and get(s.props, "budgetType") == "COST"
        and get(s.props, "timeUnit") == "MONTHLY"
        and get(s.props, "limitUnit") == currency
        and isinstance(get(s.props, "limitAmount"), str | int | float)
    ]
    if declared:
        return min(declared)
    if currency == "USD":
        return float(params["maxMonthlyCost"]), "maxMonthlyCost"
    by_currency = params.get("maxMonthlyCostByCurrency") or {}
    if currency in by_currency:
        return float(by_currency[currency]), f"maxMonthlyCostByCurrency.{currency}"
    return None


def money(amount: float, currency: str) -> str:
    return f"${amount:,.2f}" if currency == "USD" else f"{currency} {amount:,.2f}"


def _stack_budget(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    est = estimate(subjects, params["defaultRegion"])
    try:
        cur = est.currency
    except MixedCurrencyError as exc:
        yield Finding(f"{exc}: no budget can hold a total of both")
        return
    found = stack_budget(subjects, params, cur)
    if found is None:
        yield Finding(
            f"the estimate is in {cur} and nothing sets a budget in it: set "
            f"maxMonthlyCostByCurrency.{cur} in the policy config"
        )
        return
    limit, source = found
    if est.total > limit:
        top = ", ".join(f"{k} {money(v, cur)}" for k, v in list(est.by_component().items())[:3])
        yield Finding(
            f"estimated {money(est.total, cur)}/month exceeds {source} {money(limit, cur)} "
            f"(largest: {top})"
        )
    share = float(params["maxDrShare"])
    if est.dr_total > share * est.total:
        yield Finding(
            f"the disaster-recovery add-on costs {money(est.dr_total, cur)}/month, more than "
            f"maxDrShare {share:.0%} of the primary {money(est.total, cur)}"
        )


def _estimate_complete(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for line in estimate(subjects, params["defaultRegion"]).by_status("unpriced"):
        yield Finding(
            f"'{line.name}' ({line.type}) is not priced: {line.detail}; the budget misses it",
            line.urn,
        )


RULES = [
    Rule(
        id="cost-instance-class-allowlist",
        group="cost",
        severity="medium",
        description="Database classes, cache node types and node instance types come from the environment's allowlist.",
        remediation="Pick a size from the allowlist in policies/config/<env>.json, or change the list in a reviewed PR.",
        types=tuple(SIZED),
        resource_check=_instance_allowlist,
        params={
            "dbInstanceClasses": None,
            "cacheNodeTypes": None,
            "nodeInstanceTypes": None,
            "aliDbInstanceTypes": None,
            "aliCacheInstanceClasses": None,
            "aliNodeInstanceTypes": None,
        },
        anchors="FIN requireRdsInstanceType, requireInstanceType",
    ),
    Rule(
        id="cost-dev-footprint",
        group="cost",
        severity="medium",
        description="Small environments stay small: NAT, database and cache node counts capped, spot nodes, no Multi-AZ or cross-region copies.",
        remediation="Use the dev preset (network.nat single, no readers/replicas, SPOT node groups).",
        types=(
            "aws:ec2/natGateway:NatGateway",
            "aws:rds/clusterInstance:ClusterInstance",
            "aws:rds/instance:Instance",
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "aws:eks/nodeGroup:NodeGroup",
            "aws:rds/globalCluster:GlobalCluster",
            "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
        ),
        stack_check=_dev_footprint,
        params={
            "maxNatGateways": 1,
            "maxDbInstances": 1,
            "maxCacheNodes": 1,
            "requireSpot": True,
            "maxNodes": 3,
        },
        anchors="FIN requireSingleNatGateway, requireSpotInstance",
    ),
    Rule(
        id="cost-storage-gp3",
        group="cost",
        severity="low",
        description="Block storage uses gp3 (cheaper than gp2 at the same baseline performance).",
        remediation="Set volumeType/storageType gp3.",
        types=(
            "aws:ec2/launchTemplate:LaunchTemplate",
            "aws:ebs/volume:Volume",
            "aws:rds/instance:Instance",
        ),
        resource_check=_storage_gp3,
        params={"allowedVolumeTypes": ["gp3"]},
        anchors="FIN requireEbsVolumeTypeGP3",
    ),
    Rule(
        id="cost-log-retention",
        group="cost",
        severity="low",
        description=(
            "Logs are kept at least their retention class's days and at most maxDays (never "
            "forever): CloudWatch log groups by their log-class tag, SLS logstores by their "
            "project's log-class tag (application, audit, flow; unclassed ones count as the "
            "strictest class), ACK's control-plane logs as audit logs."
        ),
        remediation=(
            "Set retentionInDays / retentionPeriod / controlPlaneLogTtl to at least minDaysByClass "
            "of the class (and at most maxDays); tag a log group, or an SLS project, of your own "
            "with log-class."
        ),
        types=(*RETENTION_PROP, SLS_PROJECT),
        stack_check=_log_retention,
        params={"minDaysByClass": {"application": 1, "audit": 1, "flow": 1}, "maxDays": 3653},
        anchors="FIN requireCloudWatchLogRetention, IG logstore-ttl-required",
    ),
    Rule(
        id="cost-bucket-lifecycle",
        group="cost",
        severity="low",
        description="Buckets have a lifecycle configuration that aborts incomplete multipart uploads.",
        remediation="Add a BucketLifecycleConfiguration rule with abortIncompleteMultipartUpload.",
        types=BUCKETS,
        stack_check=_bucket_lifecycle,
        anchors="FIN, CKV2_AWS_61",
    ),
    Rule(
        id="cost-cdn-price-class",
        group="cost",
        severity="low",
        description="CloudFront uses an allowed price class (no PriceClass_All in dev).",
        remediation="Set priceClass PriceClass_100.",
        types=("aws:cloudfront/distribution:Distribution",),
        resource_check=_cdn_price_class,
        params={"allowedPriceClasses": ["PriceClass_100", "PriceClass_200", "PriceClass_All"]},
    ),
    Rule(
        id="cost-stack-budget",
        group="cost",
        severity="medium",
        description="The estimated monthly on-demand cost of the primary region stays within the stack's declared monthly budget (an AWS Budget), else maxMonthlyCost (USD) or maxMonthlyCostByCurrency (e.g. CNY for mainland Alibaba Cloud regions; an estimate never adds two currencies); the disaster-recovery add-on, estimated apart, stays under maxDrShare of it.",
        remediation="Shrink the stack (see the cost breakdown in the plan) or raise maxMonthlyCost in a reviewed PR.",
        types=("*",),
        stack_check=_stack_budget,
        params={
            "maxMonthlyCost": 1000.0,
            "maxMonthlyCostByCurrency": {},
            "maxDrShare": 1.0,
            "defaultRegion": "eu-west-1",
        },
        anchors="clstokes budget-limit",
    ),
    Rule(
        id="cost-estimate-complete",
        group="cost",
        severity="low",
        description="Every billable resource has a catalogue price: an unpriced one would make the estimate (and the budget check) silently shrink.",
        remediation="Add the type or size to policies/guardrails/pricing/catalogue.json with its source and date.",
        types=("*",),
        stack_check=_estimate_complete,
        params={"defaultRegion": "eu-west-1"},
    ),
]
