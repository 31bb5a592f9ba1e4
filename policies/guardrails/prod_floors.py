"""Production safety floors: what a stack file must not be able to weaken in prod. Each is a rule in
its own right (mandatory in prod through policies/config/prod.json), so a floor holds whether the
weak value comes from config, a preset or a resource someone adds by hand.

Backups (retention, locked vault, every stateful database selected), database TLS parameters, NAT
per zone, the production ACME issuer, `Retain` storage classes, and lifecycle rules that never
expire current object versions early. Helm floors (chart sources, privileged values) are in
k8s_helm.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import (
    CannotVerify,
    Finding,
    Rule,
    Subject,
    as_list,
    get,
    is_dr_replica,
    is_unknown,
    known,
    need,
    truthy,
)
from .joins import linked
from .k8s_objects import MANIFESTS, each_object, tokens
from .storage import BUCKETS, LIFECYCLE

PLAN = "aws:backup/plan:Plan"
VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
SELECTION = "aws:backup/selection:Selection"
BACKED_UP = (
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
    "aws:dynamodb/table:Table",
    "aws:efs/fileSystem:FileSystem",
)
"""Stateful types AWS Backup protects (ElastiCache keeps its own snapshots: redis-backup-...)."""
PARAMETER_GROUPS = (
    "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    "aws:rds/parameterGroup:ParameterGroup",
)
SUBNET = "aws:ec2/subnet:Subnet"
NAT = "aws:ec2/natGateway:NatGateway"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
ALI_SWITCH = "alicloud:vpc/switch:Switch"
ALI_NAT = "alicloud:vpc/natGateway:NatGateway"
ALI_ROUTE = "alicloud:vpc/routeEntry:RouteEntry"
ALI_TABLE = "alicloud:vpc/routeTable:RouteTable"
ALI_ATTACHMENT = "alicloud:vpc/routeTableAttachment:RouteTableAttachment"
ALI_NETWORK = (ALI_SWITCH, ALI_NAT, ALI_ROUTE, ALI_TABLE, ALI_ATTACHMENT)
ISSUERS = ("kubernetes:cert-manager.io/v1:ClusterIssuer", "kubernetes:cert-manager.io/v1:Issuer")
STORAGE_CLASSES = tokens("StorageClass", ("storage.k8s.io/v1", "storage.k8s.io/v1beta1"))
VOLUMES = tokens("PersistentVolume", ("core/v1",))
OSS = "alicloud:oss/bucket:Bucket"
TLS_ORDER = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")


# -- backups --------------------------------------------------------------------------------------


def _days_below(days: Any, minimum: int, where: str) -> bool:
    """A retention in days below the floor (None: kept until deleted by hand, which is fine);
    unknown raises CannotVerify."""
    return days is not None and int(known(days, where)) < minimum


def _vaults_of(plan: Subject, rule: Mapping[str, Any], vaults: list[Subject]) -> list[Subject]:
    target = get(rule, "targetVaultName")
    if isinstance(target, str) and not is_unknown(target):
        named = [v for v in vaults if target in (get(v.props, "name"), get(v.props, "id"), v.urn)]
        if named:
            return named
    return [v for v in vaults if v.urn in plan.property_dependencies.get("rules", ())]


def _backup_retention_and_lock(
    subjects: Sequence[Subject], params: Mapping[str, Any]
) -> Iterator[Finding]:
    vaults = [s for s in subjects if s.type == VAULT]
    locks = [s for s in subjects if s.type == LOCK]
    minimum = params["minRetentionDays"]
    for plan in (s for s in subjects if s.type == PLAN):
        for i, rule in enumerate(as_list(get(plan.props, "rules"), "rules")):
            name = get(rule, "ruleName") or i
            if _days_below(
                get(rule, "lifecycle.deleteAfter"), minimum, "rules.lifecycle.deleteAfter"
            ):
                yield Finding(f"backup rule '{name}' keeps recovery points "
                              f"{get(rule, 'lifecycle.deleteAfter')} day(s); the floor is {minimum}", plan.urn)  # fmt: skip
            for j, copy in enumerate(as_list(get(rule, "copyActions"), "copyActions")):
                where = "rules.copyActions.lifecycle.deleteAfter"
                if _days_below(get(copy, "lifecycle.deleteAfter"), minimum, where):
                    yield Finding(f"backup rule '{name}' copyActions[{j}] keeps copies "
                                  f"{get(copy, 'lifecycle.deleteAfter')} day(s); the floor is {minimum}", plan.urn)  # fmt: skip
            if not params["requireVaultLock"]:
                continue
            targets = _vaults_of(plan, rule, vaults)
            if not targets:
                yield Finding(f"backup rule '{name}' targets a vault this stack does not lock "
                              f"({get(rule, 'targetVaultName')})", plan.urn)  # fmt: skip
            for vault in targets:
                yield from _vault_floor(vault, locks, params)


def _vault_floor(
    vault: Subject, locks: list[Subject], params: Mapping[str, Any]
) -> Iterator[Finding]:
    mine = [lock for lock in locks if linked(lock, "backupVaultName", vault)]
    if not mine:
        yield Finding(
            f"backup vault '{vault.name}' has no VaultLockConfiguration: recovery points can be "
            "deleted early",
            vault.urn,
        )
    for lock in mine:
        days = get(lock.props, "minRetentionDays")
        if days is None or _days_below(
            days, params["minLockDays"], f"{lock.name}.minRetentionDays"
        ):
            yield Finding(
                f"the Vault Lock of '{vault.name}' lets recovery points be deleted after "
                f"{days or 0} day(s); the floor is {params['minLockDays']}",
                lock.urn,
            )
    if truthy(get(vault.props, "forceDestroy")):
        yield Finding(
            f"backup vault '{vault.name}' has forceDestroy: destroying the stack deletes every "
            "recovery point",
            vault.urn,
        )


def _tags(subject: Subject) -> Mapping[str, Any]:
    tags = get(subject.props, "tags") or {}
    return tags if isinstance(tags, Mapping) else {}


def _glob(pattern: str) -> str:
    return re.escape(pattern).replace(r"\*", ".*")


def _selects(selection: Subject, target: Subject) -> bool:
    p = selection.props
    excluded = [str(r) for r in as_list(get(p, "notResources"), "notResources")]
    arn = get(target.props, "arn")
    if linked(selection, "notResources", target) or (isinstance(arn, str) and arn in excluded):
        return False
    if linked(selection, "resources", target):
        return True
    for pattern in as_list(get(p, "resources"), "resources"):
        wildcard = isinstance(pattern, str) and "*" in pattern
        if wildcard and isinstance(arn, str) and re.fullmatch(_glob(pattern), arn):
            return True
    tags = _tags(target)
    for tag in as_list(get(p, "selectionTags"), "selectionTags"):
        if get(tag, "type") == "STRINGEQUALS" and tags.get(get(tag, "key")) == get(tag, "value"):
            return True
    for cond in as_list(get(p, "conditions"), "conditions"):
        for eq in as_list(get(cond, "stringEquals"), "conditions.stringEquals"):
            key = str(get(eq, "key") or "").removeprefix("aws:ResourceTag/")
            if tags.get(key) == get(eq, "value"):
                return True
    return False


def _backup_coverage(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    plans = [s for s in subjects if s.type == PLAN]
    selections = [
        s for s in subjects if s.type == SELECTION and any(linked(s, "planId", p) for p in plans)
    ]
    for target in (s for s in subjects if s.type in BACKED_UP and not is_dr_replica(s)):
        if not any(_selects(sel, target) for sel in selections):
            yield Finding(
                f"'{target.name}' is in no AWS Backup selection of a plan in this stack "
                "(backups disabled, or the resource lacks the selection tag)",
                target.urn,
            )


# -- database parameters --------------------------------------------------------------------------


def _tls_rank(version: str) -> int:
    return TLS_ORDER.index(version) if version in TLS_ORDER else -1


def _parameter_floor(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    family = str(need(subject.props, "family") or "")
    values: dict[str, str] = {}
    for i, param in enumerate(as_list(get(subject.props, "parameters"), "parameters")):
        name = str(known(get(param, "name"), f"parameters[{i}].name"))
        values[name] = str(known(get(param, "value"), f"parameters[{i}].value"))
    floor = _tls_rank(params["minTlsVersion"])
    for key in ("ssl_min_protocol_version", "ssl_max_protocol_version"):
        if key in values and _tls_rank(values[key]) < floor:
            yield f"{key}={values[key]} allows TLS below {params['minTlsVersion']}"
    pwd = values.get("password_encryption")
    if pwd is not None and pwd not in params["passwordEncryption"]:
        yield f"password_encryption={pwd}; allowed: {params['passwordEncryption']}"
    if "postgres" in family and params["requireForceSsl"] and values.get("rds.force_ssl") != "1":
        yield "rds.force_ssl is not 1 in a PostgreSQL parameter group"
    if "mysql" in family:
        if params["requireForceSsl"] and values.get("require_secure_transport", "").upper() not in (
            "1",
            "ON",
        ):
            yield "require_secure_transport is not ON in a MySQL parameter group"
        weak = [
            v for v in values.get("tls_version", "").split(",") if 0 <= _tls_rank(v.strip()) < floor
        ]
        if weak:
            yield f"tls_version allows {weak}"


# -- network --------------------------------------------------------------------------------------


def _zone(subnet: Subject) -> Any:
    return get(subnet.props, "availabilityZone") or get(subnet.props, "availabilityZoneId")


def _nat_zones(nat: Subject, subnets: list[Subject]) -> set[Any] | None:
    """Zones a NAT gateway serves; None: every zone (a regional NAT gateway)."""
    if get(nat.props, "availabilityMode") == "regional":
        return None
    return {_zone(s) for s in subnets if linked(nat, "subnetId", s)}


def _default_nats(
    table: Subject, subjects: Sequence[Subject], nats: list[Subject]
) -> list[Subject]:
    """NAT gateways the route table's 0.0.0.0/0 route points at (separate Route or inline)."""
    found: list[Subject] = []
    for r in subjects:
        if (
            r.type == ROUTE
            and linked(r, "routeTableId", table)
            and get(r.props, "destinationCidrBlock") == "0.0.0.0/0"
        ):
            found += [n for n in nats if linked(r, "natGatewayId", n)]
    for route in as_list(get(table.props, "routes"), "routes"):
        if get(route, "cidrBlock") == "0.0.0.0/0" and get(route, "natGatewayId"):
            found += [n for n in nats if get(route, "natGatewayId") in (get(n.props, "id"), n.urn)]
    return found


def _nat_per_zone(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    subnets = [s for s in subjects if s.type == SUBNET]
    nats = [s for s in subjects if s.type == NAT]
    tables = [s for s in subjects if s.type == ROUTE_TABLE]
    associations = [s for s in subjects if s.type == ASSOCIATION]
    pattern = re.compile(params["privateSubnetPattern"])
    for subnet in subnets:
        tags = _tags(subnet)
        if is_dr_replica(subnet):  # the DR network gets egress with the cold path's cluster
            continue
        if not (pattern.search(subnet.name) or "kubernetes.io/role/internal-elb" in tags):
            continue
        zone = _zone(subnet)
        if is_unknown(zone):
            raise CannotVerify(f"{subnet.name}.availabilityZone")
        mine = [t for t in tables if any(
            linked(a, "subnetId", subnet) and linked(a, "routeTableId", t) for a in associations)]  # fmt: skip
        gateways = [n for t in mine for n in _default_nats(t, subjects, nats)]
        if not gateways:
            yield Finding(
                f"private subnet '{subnet.name}' ({zone}) has no default route through a NAT gateway",
                subnet.urn,
            )
            continue
        served = [_nat_zones(n, subnets) for n in gateways]
        if not any(z is None or zone in z for z in served):
            yield Finding(f"private subnet '{subnet.name}' ({zone}) reaches the internet through a NAT "
                          "gateway in another zone: that zone's outage cuts its egress", subnet.urn)  # fmt: skip


def _ali_nat_per_zone(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    """The same on Alibaba Cloud: a private vSwitch's route table sends 0.0.0.0/0 to a NAT
    gateway that sits in a vSwitch of the same zone."""
    switches = [s for s in subjects if s.type == ALI_SWITCH]
    nats = [s for s in subjects if s.type == ALI_NAT]
    tables = [s for s in subjects if s.type == ALI_TABLE]
    attachments = [s for s in subjects if s.type == ALI_ATTACHMENT]
    routes = [s for s in subjects if s.type == ALI_ROUTE
              and get(s.props, "destinationCidrblock") == "0.0.0.0/0"]  # fmt: skip
    pattern = re.compile(params["privateSubnetPattern"])
    for switch in switches:
        if is_dr_replica(switch):  # the DR network gets egress with the cold path's cluster
            continue
        if not (pattern.search(switch.name) or _tags(switch).get("tier") == "private"):
            continue
        zone = get(switch.props, "zoneId")
        if is_unknown(zone):
            raise CannotVerify(f"{switch.name}.zoneId")
        mine = [t for t in tables if any(
            linked(a, "vswitchId", switch) and linked(a, "routeTableId", t) for a in attachments)]  # fmt: skip
        gateways = [n for r in routes for t in mine for n in nats
                    if linked(r, "routeTableId", t) and linked(r, "nexthopId", n)]  # fmt: skip
        if not gateways:
            yield Finding(
                f"private vSwitch '{switch.name}' ({zone}) has no default route through a NAT gateway",
                switch.urn,
            )
            continue
        served = {get(s.props, "zoneId") for n in gateways for s in switches
                  if linked(n, "vswitchId", s)}  # fmt: skip
        if zone not in served:
            yield Finding(f"private vSwitch '{switch.name}' ({zone}) reaches the internet through a "
                          "NAT gateway in another zone: that zone's outage cuts its egress",
                          switch.urn)  # fmt: skip


def _nat_per_zone_any_cloud(
    subjects: Sequence[Subject], params: Mapping[str, Any]
) -> Iterator[Finding]:
    yield from _nat_per_zone(subjects, params)
    yield from _ali_nat_per_zone(subjects, params)


# -- Kubernetes -----------------------------------------------------------------------------------


def _production_issuer(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    server = need(subject.props, "spec.acme.server")
    if isinstance(server, str) and any(re.search(p, server) for p in params["forbiddenServers"]):
        yield f"spec.acme.server {server} issues untrusted (staging) certificates"
    if need(subject.props, "spec.selfSigned") is not None and not params["allowSelfSigned"]:
        yield "a selfSigned issuer issues certificates no client trusts"


def _storage_class_retain(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if subject.type in VOLUMES:  # a static volume defaults to Retain; only a choice can lose it
        policy = need(subject.props, "spec.persistentVolumeReclaimPolicy")
        if policy not in (None, "Retain"):
            yield f"spec.persistentVolumeReclaimPolicy={policy} deletes the data with its claim"
        return
    policy = need(subject.props, "reclaimPolicy")
    if subject.type.endswith("Patch") and policy is None:
        return
    if (policy or "Delete") != "Retain":
        yield f"reclaimPolicy={policy or 'Delete (default)'} deletes the volume when its claim is deleted"


# -- object lifecycle -----------------------------------------------------------------------------


def _expiring(rule: Mapping[str, Any], where: str, minimum: int) -> str | None:
    if str(get(rule, "status") or "Enabled") != "Enabled" or get(rule, "enabled") is False:
        return None
    for exp in as_list(get(rule, "expiration"), f"{where}.expiration") + as_list(
        get(rule, "expirations"), f"{where}.expirations"
    ):
        days, date = get(exp, "days"), get(exp, "date")
        if date:
            return f"{where} expires current objects on {date}"
        if days is not None and int(known(days, f"{where}.expiration.days")) < minimum:
            return f"{where} expires current objects after {days} day(s)"
    return None


def _lifecycle_floor(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    minimum = params["minDays"]
    for bucket in subjects:
        if bucket.type in BUCKETS:
            sources = [(lc, as_list(get(lc.props, "rules"), "rules"))
                       for lc in subjects if lc.type in LIFECYCLE and linked(lc, "bucket", bucket)]  # fmt: skip
        elif bucket.type == OSS:
            sources = [(bucket, as_list(get(bucket.props, "lifecycleRules"), "lifecycleRules"))]
        else:
            continue
        for owner, rules in sources:
            for i, rule in enumerate(rules):
                found = _expiring(rule, f"rules[{get(rule, 'id') or i}]", minimum)
                if found:
                    yield Finding(
                        f"bucket '{bucket.name}': {found}; the floor is {minimum} days", owner.urn
                    )


RULES = [
    Rule(
        id="backup-retention-and-vault-lock",
        group="availability",
        severity="high",
        description="AWS Backup rules (and their copies) keep recovery points at least minRetentionDays, in a vault with a Vault Lock of at least minLockDays and no forceDestroy.",
        remediation="Raise backup.retentionDays; enable backup.vaultLock (a VaultLockConfiguration on the target vault).",
        types=(PLAN, VAULT, LOCK),
        stack_check=_backup_retention_and_lock,
        params={"minRetentionDays": 7, "requireVaultLock": True, "minLockDays": 7},
        anchors="AWS Backup Vault Lock (WORM)",
    ),
    Rule(
        id="backup-covers-stateful-data",
        group="availability",
        severity="high",
        description="Every database and file system (RDS, Aurora, DynamoDB, EFS) is selected by an AWS Backup plan of the stack.",
        remediation="Keep backup.enabled and tag the resource with the plan's selection tag (components pass it).",
        types=(*BACKED_UP, SELECTION, PLAN),
        stack_check=_backup_coverage,
        anchors="Security Hub RDS.26, IG rds-backup-policy-required",
    ),
    Rule(
        id="db-parameter-tls-floor",
        group="security",
        severity="high",
        description="DB parameter groups keep TLS and password floors: ssl_min_protocol_version >= minTlsVersion, password_encryption scram-sha-256, rds.force_ssl=1 (PostgreSQL), require_secure_transport (MySQL).",
        remediation="Set the parameters to the floor in postgres.parameters (or drop them: the engine defaults meet it).",
        types=PARAMETER_GROUPS,
        resource_check=_parameter_floor,
        params={
            "minTlsVersion": "TLSv1.2",
            "passwordEncryption": ["scram-sha-256"],
            "requireForceSsl": True,
        },
        anchors="CKV2_AWS_69, CIS PostgreSQL 6.7/6.8",
    ),
    Rule(
        id="net-nat-per-zone",
        group="availability",
        severity="high",
        description="Every private subnet (Alibaba: vSwitch) routes to the internet through a NAT gateway in its own zone (or a regional NAT gateway).",
        remediation="Set network.nat to per_az (or regional on AWS).",
        types=(SUBNET, NAT, ROUTE, ROUTE_TABLE, ASSOCIATION, *ALI_NETWORK),
        stack_check=_nat_per_zone_any_cloud,
        params={"privateSubnetPattern": "-private-"},
        anchors="AWS Well-Architected REL10 (zone-independent egress)",
    ),
    Rule(
        id="k8s-cluster-issuer-production",
        group="availability",
        severity="high",
        description="cert-manager issuers use a production ACME server (never Let's Encrypt staging) and are not self-signed.",
        remediation="Set platform.acmeServer: production.",
        types=(*ISSUERS, *MANIFESTS),
        resource_check=each_object(_production_issuer, ISSUERS),
        params={"forbiddenServers": ["acme-staging", "staging"], "allowSelfSigned": False},
        anchors="cert-manager ACME staging vs production",
    ),
    Rule(
        id="k8s-storageclass-retain",
        group="availability",
        severity="medium",
        description="StorageClasses and PersistentVolumes keep volumes of deleted claims (reclaim policy Retain).",
        remediation="Set platform.storageReclaimPolicy: Retain.",
        types=(*STORAGE_CLASSES, *VOLUMES, *MANIFESTS),
        resource_check=each_object(_storage_class_retain, (*STORAGE_CLASSES, *VOLUMES)),
        anchors="Kubernetes PV reclaim policy",
    ),
    Rule(
        id="bucket-lifecycle-keeps-current-versions",
        group="availability",
        severity="high",
        description="Lifecycle rules never expire current object versions within minDays (S3 and OSS).",
        remediation="Expire only noncurrent versions (noncurrentVersionExpirationDays), or raise the expiration above minDays.",
        types=(*BUCKETS, *LIFECYCLE, OSS),
        stack_check=_lifecycle_floor,
        params={"minDays": 90},
        anchors="CKV2_AWS_61 (lifecycle), data-retention floor",
    ),
]
