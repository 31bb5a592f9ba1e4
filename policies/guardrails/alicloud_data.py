"""Alibaba Cloud database rules beyond the shared ones in data.py: public connection strings and
endpoints (RDS, Redis/KVStore, PolarDB, MongoDB), any-address whitelists in the places data.py does
not read, and PolarDB SSL."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import Finding, Rule, Subject, as_list, get, known, need, truthy
from .joins import linked
from .network import is_world

POLARDB = "alicloud:polardb/cluster:Cluster"
POLARDB_ENDPOINTS = (
    "alicloud:polardb/endpoint:Endpoint",
    "alicloud:polardb/primaryEndpoint:PrimaryEndpoint",
)
MONGODB = "alicloud:mongodb/instance:Instance"
SEARCH = "alicloud:elasticsearch/instance:Instance"
GPDB = "alicloud:gpdb/instance:Instance"
PUBLIC_CONNECTIONS = {
    "alicloud:rds/connection:Connection": "an internet connection string for the RDS instance",
    "alicloud:rds/dbInstanceEndpointAddress:DbInstanceEndpointAddress": "a public address on an RDS endpoint",
    "alicloud:kvstore/connection:Connection": "a public connection string for the Redis instance",
    "alicloud:polardb/endpointAddress:EndpointAddress": "a public address on a PolarDB endpoint",
    "alicloud:mongodb/publicNetworkAddress:PublicNetworkAddress": "a public address for the MongoDB instance",
}
"""Resources whose only purpose is an internet-facing database address."""
ANYWHERE = ("0.0.0.0", "0.0.0.0/0", "::/0")  # noqa: S104 (how whitelists spell "any address")


def _any_address(values: list[Any], where: str) -> list[str]:
    found = []
    for value in values:
        for ip in str(known(value, where)).split(","):
            if ip.strip() in ANYWHERE or is_world(ip.strip()):
                found.append(ip.strip())
    return found


def _no_public_endpoint(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in PUBLIC_CONNECTIONS:
        yield f"creates {PUBLIC_CONNECTIONS[subject.type]}"
    elif subject.type == "alicloud:rds/dbProxyPublic:DbProxyPublic":
        if str(need(p, "dbProxyConnectionStringNetType") or "Public").lower() == "public":
            yield "opens a public address on the RDS database proxy"
    elif subject.type in POLARDB_ENDPOINTS:
        if str(need(p, "netType") or "").lower() == "public":
            yield "netType=Public gives the PolarDB endpoint an internet address"
    elif subject.type == SEARCH:
        yield from _search_public(p)
    else:  # PolarDB, MongoDB, AnalyticDB for PostgreSQL: their whitelists
        for where, value in _whitelists(subject):
            anywhere = _any_address([value], where)
            if anywhere:
                yield f"{where} allows {anywhere}"


def _whitelists(subject: Subject) -> list[tuple[str, Any]]:
    """(where, value) of each whitelist entry of a database that keeps them inline."""
    p = subject.props
    if subject.type == POLARDB:
        return [
            (f"dbClusterIpArrays[{i}].securityIps", ip)
            for i, group in enumerate(as_list(get(p, "dbClusterIpArrays"), "dbClusterIpArrays"))
            for ip in as_list(get(group, "securityIps"), f"dbClusterIpArrays[{i}].securityIps")
        ]
    if subject.type == MONGODB:
        return [
            ("securityIpLists", v) for v in as_list(need(p, "securityIpLists"), "securityIpLists")
        ]
    found = [("securityIpLists", v) for v in as_list(get(p, "securityIpLists"), "securityIpLists")]
    for i, group in enumerate(as_list(get(p, "ipWhitelists"), "ipWhitelists")):
        found.append((f"ipWhitelists[{i}].securityIpList", get(group, "securityIpList")))
    return found


def _search_public(p: Any) -> Iterator[str]:
    if truthy(need(p, "enablePublic")):
        yield "enablePublic=true gives the search instance an internet address"
    # The provider puts Kibana on the internet unless told otherwise.
    if truthy(need(p, "enableKibanaPublicNetwork", True)):
        where = "kibanaWhitelists"
        allowed = as_list(need(p, where), where)
        anywhere = _any_address(allowed, where)
        if anywhere or not allowed:
            yield (f"Kibana is on the internet (enableKibanaPublicNetwork) open to "
                   f"{anywhere or 'any address (no kibanaWhitelists)'}")  # fmt: skip


def _polardb_ssl(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    endpoints = [s for s in subjects if s.type in POLARDB_ENDPOINTS]
    for e in endpoints:
        if str(get(e.props, "sslEnabled") or "").lower() == "disable":
            yield Finding(f"PolarDB endpoint '{e.name}' sets sslEnabled=Disable", e.urn)
    for cluster in (s for s in subjects if s.type == POLARDB):
        ssl = [
            e for e in endpoints
            if linked(e, "dbClusterId", cluster) and get(e.props, "sslEnabled") in ("Enable", "Update")
        ]  # fmt: skip
        if not ssl:
            for e in endpoints:  # an endpoint whose setting is not known yet may be the one
                if linked(e, "dbClusterId", cluster):
                    known(get(e.props, "sslEnabled"), f"{e.name}.sslEnabled")
            yield Finding(
                f"PolarDB cluster '{cluster.name}' has no endpoint with sslEnabled=Enable (SSL is off by default)",
                cluster.urn,
            )


RDS = "alicloud:rds/instance:Instance"
RDS_BACKUP = "alicloud:rds/backupPolicy:BackupPolicy"
WEEK = 7


def _backup_problems(db: Subject, policy: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = policy.props
    days = int(known(get(p, "backupRetentionPeriod"), "backupRetentionPeriod") or WEEK)
    if days < params["minDays"]:
        yield f"backupRetentionPeriod={days} is below {params['minDays']} days"
    periods = set(as_list(get(p, "preferredBackupPeriods"), "preferredBackupPeriods"))
    if params["requireDaily"] and len(periods) < WEEK:
        yield f"full backups on {len(periods) or 'the default 3'} day(s) a week, not daily"
    if known(get(db.props, "category"), f"{db.name}.category") == "Basic":
        return  # the Basic edition has no log backups (no point-in-time recovery)
    log = known(get(p, "enableBackupLog"), "enableBackupLog")
    if log is not None and not truthy(log):
        yield "enableBackupLog is off: no log backups, no point-in-time recovery"
    else:
        log_days = int(
            known(get(p, "logBackupRetentionPeriod"), "logBackupRetentionPeriod") or WEEK
        )
        if log_days < params["minDays"]:
            yield f"logBackupRetentionPeriod={log_days} is below {params['minDays']} days"


def _rds_backups(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for db in (s for s in subjects if s.type == RDS):
        policies = [b for b in subjects if b.type == RDS_BACKUP and linked(b, "instanceId", db)]
        if not policies:
            yield Finding(
                f"RDS instance '{db.name}' has no rds.BackupPolicy (the default keeps 7 days of "
                "backups taken three times a week)",
                db.urn,
            )
        for policy in policies:
            for problem in _backup_problems(db, policy, params):
                yield Finding(f"RDS instance '{db.name}' ({policy.name}): {problem}", db.urn)


POLARDB_BACKUP = "alicloud:polardb/backupPolicy:BackupPolicy"


def _polardb_backup_problems(policy: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = policy.props
    periods = set(as_list(get(p, "preferredBackupPeriods"), "preferredBackupPeriods"))
    if params["requireDaily"] and len(periods) < WEEK:
        yield f"level-1 backups on {len(periods) or 'the default'} day(s) a week, not daily"
    log_days = int(known(get(p, "logBackupRetentionPeriod"), "logBackupRetentionPeriod") or WEEK)
    if log_days < params["minDays"]:
        yield f"logBackupRetentionPeriod={log_days} is below {params['minDays']} days"


def _polardb_backups(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for db in (s for s in subjects if s.type == POLARDB):
        policies = [
            b for b in subjects if b.type == POLARDB_BACKUP and linked(b, "dbClusterId", db)
        ]
        if not policies:
            yield Finding(f"PolarDB cluster '{db.name}' has no polardb.BackupPolicy", db.urn)
        for policy in policies:
            for problem in _polardb_backup_problems(policy, params):
                yield Finding(f"PolarDB cluster '{db.name}' ({policy.name}): {problem}", db.urn)


def _database_backups(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    yield from _rds_backups(subjects, params)
    yield from _polardb_backups(subjects, params)


def _redis_tde(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if need(subject.props, "tdeStatus") != "Enabled":
        yield "tdeStatus is not 'Enabled': data files are not encrypted at rest"


RULES = [
    Rule(
        id="alicloud-db-no-public-endpoint",
        group="security",
        severity="critical",
        description="No Alibaba Cloud database or search service gets an internet address (RDS/Redis/MongoDB connections, PolarDB endpoints, Elasticsearch) or a whitelist open to any address (PolarDB, MongoDB, AnalyticDB for PostgreSQL, Kibana).",
        remediation="Delete the public connection or endpoint; reach databases from the VPC; list only VPC CIDRs in whitelists.",
        types=(
            *PUBLIC_CONNECTIONS,
            "alicloud:rds/dbProxyPublic:DbProxyPublic",
            *POLARDB_ENDPOINTS,
            POLARDB,
            MONGODB,
            SEARCH,
            GPDB,
        ),
        resource_check=_no_public_endpoint,
        anchors="IG rds-public-connection-and-any-ip-access-check, redis-instance-no-public-ip, polardb-public-access-check, mongodb-public-access-check (Elasticsearch, AnalyticDB: intent of search-domain-private)",
    ),
    Rule(
        id="alicloud-polardb-ssl",
        group="security",
        severity="high",
        description="Every PolarDB cluster has an endpoint with SSL enabled, and no endpoint turns SSL off.",
        remediation="Create a polardb.PrimaryEndpoint (or Endpoint) with sslEnabled=Enable for the cluster.",
        types=(POLARDB, *POLARDB_ENDPOINTS),
        stack_check=_polardb_ssl,
        anchors="IG polardb-cluster-enabled-ssl",
    ),
    Rule(
        id="alicloud-rds-backup-policy",
        group="availability",
        severity="medium",
        description="Alibaba RDS instances and PolarDB clusters have a backup policy: daily full (level-1) backups and log backups (point-in-time recovery) kept for at least minDays.",
        remediation="Create rds.BackupPolicy with every day in preferredBackupPeriods, backupRetentionPeriod and logBackupRetentionPeriod >= minDays, enableBackupLog=true (PolarDB: polardb.BackupPolicy with every day and logBackupRetentionPeriod >= minDays).",
        types=(RDS, RDS_BACKUP, POLARDB, POLARDB_BACKUP),
        stack_check=_database_backups,
        params={"minDays": 7, "requireDaily": True},
        anchors="IG rds-instance-enabled-log-backup, CKV_ALI_25",
    ),
    Rule(
        id="alicloud-redis-tde",
        group="availability",
        severity="medium",
        description="Alibaba Cloud Redis (KVStore) instances encrypt data at rest with TDE.",
        remediation="Set tdeStatus=Enabled (with encryptionKey for a customer key); use an edition that supports TDE.",
        types=("alicloud:kvstore/instance:Instance",),
        resource_check=_redis_tde,
        anchors="IG redis-instance-enabled-byok-tde",
    ),
]
