"""Database and cache rules: exposure, encryption, TLS, HA, backups, deletion protection."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import (
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
from .network import is_world

RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_GLOBAL = "aws:rds/globalCluster:GlobalCluster"
RDS_CLUSTER_PG = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
RDS_PG = "aws:rds/parameterGroup:ParameterGroup"
EC_RG = "aws:elasticache/replicationGroup:ReplicationGroup"
ALI_RDS = "alicloud:rds/instance:Instance"
ALI_POLARDB = "alicloud:polardb/cluster:Cluster"
ALI_KV = "alicloud:kvstore/instance:Instance"
ALI_RDS_RO = "alicloud:rds/readOnlyInstance:ReadOnlyInstance"
ALI_ACCOUNT = "alicloud:rds/rdsAccount:RdsAccount"
ANYONE = "0.0.0.0"  # noqa: S104 (how Alibaba whitelists spell "any address")


def _not_public(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in (RDS_INSTANCE, RDS_CLUSTER_INSTANCE, RDS_CLUSTER):
        if truthy(need(p, "publiclyAccessible")):
            yield "publiclyAccessible=true exposes the database endpoint to the internet"
        return
    for cidr in as_list(need(p, "securityIps"), "securityIps"):
        if is_world(str(cidr)) or cidr == ANYONE:
            yield f"securityIps allows {cidr}"
    if subject.type == ALI_KV and truthy(need(p, "enablePublic")):
        yield "enablePublic=true opens a public endpoint"


def _encrypted_at_rest(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in (RDS_CLUSTER, RDS_INSTANCE, RDS_GLOBAL):
        if (
            subject.type == RDS_CLUSTER
            and need(p, "globalClusterIdentifier")
            and get(p, "storageEncrypted") is None
        ):
            return  # a global secondary inherits the global cluster's encryption
        if not truthy(need(p, "storageEncrypted")):
            yield "storageEncrypted is not true (cannot be turned on later without a restore)"
    elif subject.type == ALI_RDS:
        if need(p, "tdeStatus") != "Enabled" and not need(p, "encryptionKey"):
            yield "neither TDE (tdeStatus=Enabled) nor disk encryption (encryptionKey) is set"
    elif need(p, "tdeStatus") != "Enabled":
        yield "tdeStatus is not 'Enabled'"


def _redis_encrypted(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == EC_RG:
        # A Global Datastore secondary takes both encryption settings from the datastore (AWS
        # refuses them on it): the primary group carries them, and is checked here itself.
        inherited = (
            bool(get(p, "globalReplicationGroupId")
                 or subject.property_dependencies.get("globalReplicationGroupId"))
            and get(p, "atRestEncryptionEnabled") is None
            and get(p, "transitEncryptionEnabled") is None
        )  # fmt: skip
        if not inherited and not truthy(need(p, "atRestEncryptionEnabled")):
            yield "atRestEncryptionEnabled is not true"
        if not inherited and not truthy(need(p, "transitEncryptionEnabled")):
            yield "transitEncryptionEnabled is not true"
        if need(p, "transitEncryptionMode") == "preferred":
            yield "transitEncryptionMode=preferred still accepts plaintext clients; use 'required'"
        # An unknown token is one computed by another resource (a generated secret): it is set.
        if not get(p, "authToken") and not as_list(get(p, "userGroupIds"), "userGroupIds"):
            yield "no authToken and no RBAC userGroupIds: any client in the network can connect"
    else:
        if need(p, "sslEnable") != "Enable":
            yield "sslEnable is not 'Enable'"
        if need(p, "vpcAuthMode") == "Close":
            yield "vpcAuthMode=Close allows password-less access"


def _tls_in_transit(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == ALI_RDS:
        if need(p, "sslAction") == "Close":
            yield "sslAction=Close turns TLS off"
        return
    if subject.type == ALI_RDS_RO:
        if str(need(p, "sslEnabled")) == "0":
            yield "sslEnabled=0 turns TLS off on the read-only instance"
        return
    for i, param in enumerate(as_list(get(p, "parameters"), "parameters")):
        name = known(get(param, "name"), f"parameters[{i}].name")
        if (
            name == "rds.force_ssl"
            and str(known(get(param, "value"), f"parameters[{i}].value")) == "0"
        ):
            yield "rds.force_ssl=0 lets clients connect without TLS"


def _param_groups_forcing_tls(subjects: Sequence[Subject]) -> list[Subject]:
    found = []
    for s in subjects:
        if s.type not in (RDS_CLUSTER_PG, RDS_PG):
            continue
        for param in as_list(get(s.props, "parameters"), "parameters"):
            if get(param, "name") == "rds.force_ssl" and str(get(param, "value")) == "1":
                found.append(s)
    return found


def _tls_enforced(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    forcing = _param_groups_forcing_tls(subjects)
    for s in subjects:
        if s.type == RDS_CLUSTER and "postgres" in str(get(s.props, "engine") or ""):
            prop = "dbClusterParameterGroupName"
        elif s.type == RDS_INSTANCE and "postgres" in str(get(s.props, "engine") or ""):
            prop = "parameterGroupName"
        elif s.type == ALI_RDS:
            if get(s.props, "sslAction") != "Open":
                yield Finding(f"'{s.name}': sslAction is not 'Open'", s.urn)
            continue
        else:
            continue
        if not any(linked(s, prop, pg) for pg in forcing):
            yield Finding(
                f"'{s.name}': no attached parameter group sets rds.force_ssl=1 ({prop})", s.urn
            )


def _instances_of(cluster: Subject, subjects: Sequence[Subject]) -> list[Subject]:
    return [
        s
        for s in subjects
        if s.type == RDS_CLUSTER_INSTANCE and linked(s, "clusterIdentifier", cluster)
    ]


def _multi_az(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for s in subjects:
        p = s.props
        if is_dr_replica(s):  # a DR secondary: its instances are the DR mode's choice
            continue
        if s.type == RDS_INSTANCE and not truthy(get(p, "multiAz")):
            yield Finding(f"'{s.name}': multiAz is not true", s.urn)
        elif s.type == RDS_CLUSTER:
            members = _instances_of(s, subjects)
            zones = {get(m.props, "availabilityZone") for m in members}
            zones.discard(None)
            if len(members) < params["minInstances"]:
                yield Finding(
                    f"Aurora cluster '{s.name}' has {len(members)} instance(s); at least {params['minInstances']} needed for failover",
                    s.urn,
                )
            elif zones and len(zones) < 2 and not any(is_unknown(z) for z in zones):
                yield Finding(
                    f"Aurora cluster '{s.name}' puts every instance in {sorted(zones)}", s.urn
                )
        elif s.type == ALI_RDS and not get(p, "zoneIdSlaveA"):
            yield Finding(f"'{s.name}': no standby zone (zoneIdSlaveA)", s.urn)
        elif s.type == ALI_POLARDB:
            nodes = int(get(p, "dbNodeCount") or 2)  # PolarDB's default: primary + one reader
            if nodes < params["minInstances"]:
                yield Finding(
                    f"PolarDB cluster '{s.name}' has {nodes} node(s); at least "
                    f"{params['minInstances']} needed for failover",
                    s.urn,
                )
            elif not get(p, "standbyAz") or get(p, "hotStandbyCluster") == "OFF":
                yield Finding(
                    f"PolarDB cluster '{s.name}' keeps its storage in one zone (no standbyAz / "
                    "hotStandbyCluster)",
                    s.urn,
                )


def _deletion_protection(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == ALI_POLARDB:
        if need(p, "deletionLock") != 1:
            yield "deletionLock is not 1"
    elif not truthy(need(p, "deletionProtection")):
        yield "deletionProtection is not true"
    if subject.type in (RDS_CLUSTER, RDS_INSTANCE) and truthy(need(p, "skipFinalSnapshot")):
        yield "skipFinalSnapshot=true deletes the data without a final snapshot"


def _backup_retention(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    days = need(subject.props, "backupRetentionPeriod")
    days = 1 if days is None else int(days)
    if days < params["minDays"]:
        yield f"backupRetentionPeriod={days} is below {params['minDays']} days"


def _db_cmk(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    key = get(subject.props, "kmsKeyId")
    if not key:  # unknown means it refers to a key created in this stack: a CMK
        yield "kmsKeyId not set: encrypted with the AWS-managed key (no key policy, no cross-account copy)"
    elif isinstance(key, str) and key.startswith("alias/aws/"):
        yield f"kmsKeyId {key} is an AWS-managed key"


def _redis_multi_az(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == ALI_KV:
        if not need(p, "secondaryZoneId"):
            yield "no secondaryZoneId: the instance lives in one zone"
        return
    if not truthy(need(p, "automaticFailoverEnabled")):
        yield "automaticFailoverEnabled is not true"
    if not truthy(need(p, "multiAzEnabled")):
        yield "multiAzEnabled is not true"
    nodes = need(p, "numCacheClusters")
    replicas = need(p, "replicasPerNodeGroup")
    if (nodes or 1) < params["minNodes"] and not (
        replicas and int(replicas) >= params["minNodes"] - 1
    ):
        yield f"numCacheClusters={nodes or 1}: fewer than {params['minNodes']} nodes"


def _redis_backup(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == ALI_KV:
        if not truthy(need(p, "instanceReleaseProtection")):
            yield "instanceReleaseProtection is not true"
        return
    days = int(need(p, "snapshotRetentionLimit") or 0)
    if days < params["minDays"]:
        yield f"snapshotRetentionLimit={days} is below {params['minDays']} days"


def _no_plaintext_password(
    subjects: Sequence[Subject], params: Mapping[str, Any]
) -> Iterator[Finding]:
    fields = {
        RDS_CLUSTER: ("masterPassword",),
        RDS_INSTANCE: ("password",),
        EC_RG: ("authToken",),
        ALI_ACCOUNT: ("accountPassword", "password"),
        ALI_KV: ("password",),
    }
    for s in subjects:
        for prop in fields.get(s.type, ()):
            if get(s.props, prop) and not s.property_dependencies.get(prop):
                yield Finding(
                    f"'{s.name}': {prop} is a literal in the program or config, not generated "
                    "(use manageMasterUserPassword or a random.RandomPassword kept secret)",
                    s.urn,
                )


def _db_logs_insights(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == RDS_CLUSTER:
        if "postgres" in str(need(p, "engine") or ""):
            exports = as_list(
                get(p, "enabledCloudwatchLogsExports"), "enabledCloudwatchLogsExports"
            )
            if "postgresql" not in exports:
                yield "enabledCloudwatchLogsExports does not include 'postgresql'"
        return
    if params["requirePerformanceInsights"] and not truthy(need(p, "performanceInsightsEnabled")):
        yield "performanceInsightsEnabled is not true"
    if params["requireEnhancedMonitoring"] and int(need(p, "monitoringInterval") or 0) <= 0:
        yield "monitoringInterval is 0 (no enhanced monitoring)"


RULES = [
    Rule(
        id="db-not-public",
        group="security",
        severity="critical",
        description="Databases and caches are not reachable from the internet.",
        remediation="Set publiclyAccessible=false; place databases in the isolated data subnets; remove 0.0.0.0/0 from securityIps.",
        types=(
            RDS_INSTANCE,
            RDS_CLUSTER_INSTANCE,
            RDS_CLUSTER,
            ALI_RDS,
            ALI_RDS_RO,
            ALI_POLARDB,
            ALI_KV,
        ),
        resource_check=_not_public,
        anchors="CKV_AWS_17, AVD-AWS-0180, CKV_ALI_9",
    ),
    Rule(
        id="db-encrypted-at-rest",
        group="security",
        severity="high",
        description="Database storage is encrypted at rest.",
        remediation="Set storageEncrypted=true with a kmsKeyId (Alibaba: tdeStatus=Enabled or encryptionKey).",
        types=(RDS_CLUSTER, RDS_INSTANCE, RDS_GLOBAL, ALI_RDS, ALI_POLARDB),
        resource_check=_encrypted_at_rest,
        anchors="CKV_AWS_16/96, AVD-AWS-0079, CKV_ALI_22",
    ),
    Rule(
        id="redis-encrypted",
        group="security",
        severity="high",
        description="Caches encrypt at rest and in transit and require authentication (a Global Datastore secondary inherits its primary's encryption).",
        remediation="Set atRestEncryptionEnabled, transitEncryptionEnabled (mode required) and an authToken or RBAC user group.",
        types=(EC_RG, ALI_KV),
        resource_check=_redis_encrypted,
        anchors="CKV_AWS_29/30/31, AVD-AWS-0045/0051",
    ),
    Rule(
        id="db-tls-in-transit",
        group="security",
        severity="high",
        description="No parameter group turns TLS off (rds.force_ssl=0); Alibaba RDS and its read-only instances keep SSL on.",
        remediation="Remove rds.force_ssl=0; set it to 1.",
        types=(RDS_CLUSTER_PG, RDS_PG, ALI_RDS, ALI_RDS_RO),
        resource_check=_tls_in_transit,
        anchors="CKV2_AWS_69",
    ),
    Rule(
        id="db-no-plaintext-password",
        group="security",
        severity="high",
        description="Database and cache passwords are generated or managed, never literals in code or config.",
        remediation="Use manageMasterUserPassword=true, or a random.RandomPassword stored in Secrets Manager.",
        types=(RDS_CLUSTER, RDS_INSTANCE, EC_RG, ALI_ACCOUNT, ALI_KV),
        stack_check=_no_plaintext_password,
        anchors="pulumi/pulumi-aws#2452",
    ),
    Rule(
        id="db-multi-az",
        group="availability",
        severity="high",
        description="Databases survive a zone failure: Multi-AZ instances, Aurora clusters with instances in 2+ zones.",
        remediation="Add Aurora readers in other zones (postgres.readers) or set multiAz=true.",
        types=(RDS_INSTANCE, RDS_CLUSTER, ALI_RDS, ALI_POLARDB),
        stack_check=_multi_az,
        params={"minInstances": 2},
        anchors="CKV_AWS_157, PBP rds-instance-high-availability",
    ),
    Rule(
        id="db-deletion-protection",
        group="availability",
        severity="medium",
        description="Databases have deletion protection and keep a final snapshot.",
        remediation="Set deletionProtection=true and skipFinalSnapshot=false (protectStatefulResources drives both); PolarDB: deletionLock=1.",
        types=(RDS_CLUSTER, RDS_INSTANCE, RDS_GLOBAL, ALI_RDS, ALI_POLARDB),
        resource_check=_deletion_protection,
        anchors="CKV_AWS_293/139, AVD-AWS-0177",
    ),
    Rule(
        id="db-backup-retention",
        group="availability",
        severity="medium",
        description="Automated backups are kept for at least minDays.",
        remediation="Raise backupRetentionPeriod.",
        types=(RDS_CLUSTER, RDS_INSTANCE),
        resource_check=_backup_retention,
        params={"minDays": 7},
        anchors="CKV_AWS_133",
    ),
    Rule(
        id="db-tls-enforced",
        group="security",
        severity="high",
        description="PostgreSQL databases have a parameter group attached that sets rds.force_ssl=1.",
        remediation="Attach a (cluster) parameter group with rds.force_ssl=1.",
        types=(RDS_CLUSTER, RDS_INSTANCE, ALI_RDS),
        stack_check=_tls_enforced,
        anchors="CKV2_AWS_69, CKV_ALI_20",
    ),
    Rule(
        id="db-cmk",
        group="security",
        severity="low",
        description="Databases and caches are encrypted with a customer-managed KMS key.",
        remediation="Pass kmsKeyId of a key created by the stack.",
        types=(RDS_CLUSTER, RDS_INSTANCE, EC_RG),
        resource_check=_db_cmk,
        anchors="CKV_AWS_327",
    ),
    Rule(
        id="redis-multi-az-failover",
        group="availability",
        severity="high",
        description="Caches have replicas in other zones with automatic failover.",
        remediation="Set automaticFailoverEnabled, multiAzEnabled and numCacheClusters >= 2 (Alibaba: secondaryZoneId).",
        types=(EC_RG, ALI_KV),
        resource_check=_redis_multi_az,
        params={"minNodes": 2},
        anchors="CKV2_AWS_50",
    ),
    Rule(
        id="redis-backup-and-release-protection",
        group="availability",
        severity="medium",
        description="Caches keep snapshots for minDays; Alibaba instances have release protection.",
        remediation="Raise snapshotRetentionLimit; set instanceReleaseProtection.",
        types=(EC_RG, ALI_KV),
        resource_check=_redis_backup,
        params={"minDays": 1},
        anchors="CKV_AWS_134",
    ),
    Rule(
        id="obs-db-logs-insights",
        group="availability",
        severity="medium",
        description="PostgreSQL logs go to CloudWatch; instances have Performance Insights and enhanced monitoring.",
        remediation="Export 'postgresql' logs; enable performanceInsightsEnabled and monitoringInterval.",
        types=(RDS_CLUSTER, RDS_CLUSTER_INSTANCE, RDS_INSTANCE),
        resource_check=_db_logs_insights,
        params={"requirePerformanceInsights": True, "requireEnhancedMonitoring": False},
        anchors="CKV2_AWS_27/30, CKV_AWS_118",
    ),
]
