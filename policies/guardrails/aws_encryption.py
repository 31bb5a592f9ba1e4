"""Data services beyond the ones our components wrap: encryption at rest and in transit,
customer-managed keys, caches with authentication, container image hygiene, point-in-time
recovery. (RDS, Aurora, ElastiCache replication groups and S3 have their own rules.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .core import Rule, Subject, as_list, get, is_unknown, known, need, truthy

SQS = "aws:sqs/queue:Queue"
SNS = "aws:sns/topic:Topic"
EFS = "aws:efs/fileSystem:FileSystem"
EBS_DEFAULT = "aws:ebs/encryptionByDefault:EncryptionByDefault"
OPENSEARCH = "aws:opensearch/domain:Domain"
ELASTICSEARCH = "aws:elasticsearch/domain:Domain"
KINESIS = "aws:kinesis/stream:Stream"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
MSK = "aws:msk/cluster:Cluster"
DOCDB = "aws:docdb/cluster:Cluster"
DOCDB_PG = "aws:docdb/clusterParameterGroup:ClusterParameterGroup"
NEPTUNE = "aws:neptune/cluster:Cluster"
REDSHIFT = "aws:redshift/cluster:Cluster"
REDSHIFT_PG = "aws:redshift/parameterGroup:ParameterGroup"
DAX = "aws:dax/cluster:Cluster"
DYNAMODB = "aws:dynamodb/table:Table"
SECRET = "aws:secretsmanager/secret:Secret"  # noqa: S105 (a type token)
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BACKUP_VAULT = "aws:backup/vault:Vault"
ECR = "aws:ecr/repository:Repository"
MEMORYDB = "aws:memorydb/cluster:Cluster"
EC_CLUSTER = "aws:elasticache/cluster:Cluster"
EC_SERVERLESS = "aws:elasticache/serverlessCache:ServerlessCache"
CACHE_USERS = ("aws:elasticache/user:User", "aws:memorydb/user:User")
FSX: dict[str, str] = {
    "aws:fsx/ontapFileSystem:OntapFileSystem": "kmsKeyId",
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": "kmsKeyId",
    "aws:fsx/windowsFileSystem:WindowsFileSystem": "kmsKeyId",
}
"""FSx file systems are always encrypted, with an AWS-managed key unless kmsKeyId is set (Lustre:
below, scratch file systems take no key)."""
FSX_LUSTRE = "aws:fsx/lustreFileSystem:LustreFileSystem"
MQ = "aws:mq/broker:Broker"
SSM_PARAMETER = "aws:ssm/parameter:Parameter"
CLOUDTRAIL = "aws:cloudtrail/trail:Trail"
SEARCH = (OPENSEARCH, ELASTICSEARCH)


def _off(value: Any) -> bool:
    """Explicitly turned off (a setting whose service default is on)."""
    return value is False or (isinstance(value, str) and value.lower() == "false")


Props = Mapping[str, Any]


def _sqs_at_rest(p: Props) -> Iterator[str]:
    if _off(need(p, "sqsManagedSseEnabled")) and not get(p, "kmsMasterKeyId"):
        yield "sqsManagedSseEnabled=false and no kmsMasterKeyId: messages are stored unencrypted"


def _sns_at_rest(p: Props) -> Iterator[str]:
    if not get(p, "kmsMasterKeyId"):  # an unknown key id is a key the stack creates
        yield "no kmsMasterKeyId: messages are stored unencrypted"


def _ebs_default(p: Props) -> Iterator[str]:
    if _off(need(p, "enabled")):
        yield "turns EBS encryption by default off for the region"


def _flag_on(path: str, why: str = "") -> Callable[[Props], Iterator[str]]:
    def check(p: Props) -> Iterator[str]:
        if not truthy(need(p, path)):
            yield f"{path} is not true{why}"

    return check


def _kinesis_at_rest(p: Props) -> Iterator[str]:
    if need(p, "encryptionType") != "KMS":
        yield f"encryptionType={need(p, 'encryptionType') or 'NONE (default)'}; use KMS"


def _firehose_at_rest(p: Props) -> Iterator[str]:
    if not need(p, "kinesisSourceConfiguration"):  # a Kinesis source is encrypted by the stream
        yield from _flag_on("serverSideEncryption.enabled", " (direct-put records)")(p)


def _redshift_at_rest(p: Props) -> Iterator[str]:
    if _off(need(p, "encrypted")):
        yield "encrypted=false"


PERMANENT = " (cannot be turned on later without re-creating the data)"
AT_REST: dict[str, Callable[[Props], Iterator[str]]] = {
    SQS: _sqs_at_rest,
    SNS: _sns_at_rest,
    EFS: _flag_on("encrypted", PERMANENT),
    EBS_DEFAULT: _ebs_default,
    OPENSEARCH: _flag_on("encryptAtRest.enabled"),
    ELASTICSEARCH: _flag_on("encryptAtRest.enabled"),
    KINESIS: _kinesis_at_rest,
    FIREHOSE: _firehose_at_rest,
    DOCDB: _flag_on("storageEncrypted", PERMANENT),
    NEPTUNE: _flag_on("storageEncrypted", PERMANENT),
    REDSHIFT: _redshift_at_rest,
    DAX: _flag_on("serverSideEncryption.enabled", PERMANENT),
}


def _at_rest(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    yield from AT_REST[subject.type](subject.props)


def _param_is(subject: Subject, name: str, value: str) -> bool:
    for i, param in enumerate(as_list(get(subject.props, "parameters"), "parameters")):
        if known(get(param, "name"), f"parameters[{i}].name") == name:
            actual = known(get(param, "value"), f"parameters[{i}].value")
            if str(actual).lower() == value:
                return True
    return False


def _search_in_transit(p: Props, params: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(need(p, "nodeToNodeEncryption.enabled")):
        yield "nodeToNodeEncryption.enabled is not true"
    endpoint = need(p, "domainEndpointOptions") or {}
    if not truthy(known(get(endpoint, "enforceHttps"), "domainEndpointOptions.enforceHttps")):
        yield "domainEndpointOptions.enforceHttps is not true"
    policy = known(get(endpoint, "tlsSecurityPolicy"), "domainEndpointOptions.tlsSecurityPolicy")
    if policy not in params["searchTlsPolicies"]:
        yield f"tlsSecurityPolicy={policy}; allowed: {params['searchTlsPolicies']}"


def _msk_in_transit(p: Props, params: Mapping[str, Any]) -> Iterator[str]:
    where = "encryptionInfo.encryptionInTransit"
    transit = need(p, where) or {}
    broker = known(get(transit, "clientBroker"), f"{where}.clientBroker") or "TLS"
    if broker != "TLS":
        yield f"clientBroker={broker} lets clients talk plaintext"
    if _off(known(get(transit, "inCluster"), f"{where}.inCluster")):
        yield "inCluster=false: brokers replicate in plaintext"


def _redshift_in_transit(p: Props, params: Mapping[str, Any]) -> Iterator[str]:
    if not need(p, "clusterParameterGroupName"):
        yield "no clusterParameterGroupName: the default group has require_ssl=false"


def _dax_in_transit(p: Props, params: Mapping[str, Any]) -> Iterator[str]:
    if need(p, "clusterEndpointEncryptionType") != "TLS":
        yield "clusterEndpointEncryptionType is not TLS (the default NONE is plaintext)"


IN_TRANSIT: dict[str, Callable[[Props, Mapping[str, Any]], Iterator[str]]] = {
    OPENSEARCH: _search_in_transit,
    ELASTICSEARCH: _search_in_transit,
    MSK: _msk_in_transit,
    REDSHIFT: _redshift_in_transit,
    DAX: _dax_in_transit,
}
PARAMETER_GROUPS = {DOCDB_PG: ("tls", "disabled"), REDSHIFT_PG: ("require_ssl", "false")}
"""Parameter group type -> the (parameter, value) that turns TLS off."""


def _in_transit(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if subject.type in PARAMETER_GROUPS:
        name, value = PARAMETER_GROUPS[subject.type]
        if _param_is(subject, name, value):
            yield f"parameter {name}={value} lets clients connect without TLS"
        return
    yield from IN_TRANSIT[subject.type](subject.props, params)


def _key(path: str) -> Callable[[Mapping[str, Any]], Any]:
    """The key id at `path`; its parent object must be known, the id itself may be unknown."""
    parent, _, leaf = path.rpartition(".")

    def find(p: Mapping[str, Any]) -> Any:
        return get((need(p, parent) if parent else p) or {}, leaf)

    return find


def _dynamodb_key(p: Mapping[str, Any]) -> Any:
    sse = need(p, "serverSideEncryption") or {}
    enabled = known(get(sse, "enabled"), "serverSideEncryption.enabled")
    return get(sse, "kmsKeyArn") if truthy(enabled) else None


def _ecr_key(p: Mapping[str, Any]) -> Any:
    configs = as_list(need(p, "encryptionConfigurations"), "encryptionConfigurations")
    kms = [c for c in configs if known(get(c, "encryptionType"), "encryptionType") == "KMS"]
    return get(kms[0], "kmsKey") if kms else None


def _mq_key(p: Mapping[str, Any]) -> Any:
    options = need(p, "encryptionOptions") or {}
    owned = known(get(options, "useAwsOwnedKey"), "encryptionOptions.useAwsOwnedKey")
    return None if owned is None or truthy(owned) else get(options, "kmsKeyId")


def _ssm_key(p: Mapping[str, Any]) -> Any:
    return need(p, "keyId") if need(p, "type") == "SecureString" else "n/a"


def _lustre_key(p: Mapping[str, Any]) -> Any:
    deployment = need(p, "deploymentType") or "SCRATCH_1"
    if str(deployment).startswith("SCRATCH"):
        return "scratch"  # scratch file systems take no key: temporary data by design
    return need(p, "kmsKeyId")


CMK_KEYS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    DYNAMODB: _dynamodb_key,
    SECRET: _key("kmsKeyId"),
    LOG_GROUP: _key("kmsKeyId"),
    BACKUP_VAULT: _key("kmsKeyArn"),
    SQS: _key("kmsMasterKeyId"),
    SNS: _key("kmsMasterKeyId"),
    EFS: _key("kmsKeyId"),
    ECR: _ecr_key,
    OPENSEARCH: _key("encryptAtRest.kmsKeyId"),
    ELASTICSEARCH: _key("encryptAtRest.kmsKeyId"),
    KINESIS: _key("kmsKeyId"),
    MSK: _key("encryptionInfo.encryptionAtRestKmsKeyArn"),
    DOCDB: _key("kmsKeyId"),
    NEPTUNE: _key("kmsKeyArn"),
    REDSHIFT: _key("kmsKeyId"),
    MEMORYDB: _key("kmsKeyArn"),
    EC_SERVERLESS: _key("kmsKeyId"),
    MQ: _mq_key,
    SSM_PARAMETER: _ssm_key,
    CLOUDTRAIL: _key("kmsKeyId"),
    **{fsx: _key(prop) for fsx, prop in FSX.items()},
    FSX_LUSTRE: _lustre_key,
}
"""Type -> how to find the KMS key it is encrypted with (None: an AWS-owned/managed key)."""


def _cmk(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    key = CMK_KEYS[subject.type](subject.props)
    if is_unknown(key):
        return  # an output of a key the stack creates
    if not key:
        yield "encrypted with an AWS-owned or AWS-managed key (no key policy of ours, no cross-account copy, no revocation)"
    elif isinstance(key, str) and key.startswith("alias/aws/"):
        yield f"{key} is an AWS-managed key"


def _cache(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == EC_CLUSTER:
        if get(p, "replicationGroupId"):
            return  # a member of a replication group: redis-encrypted checks the group
        engine = need(p, "engine")
        yield (
            f"a node-based {engine} cluster has no encryption at rest and no authentication; "
            "use a Valkey/Redis ReplicationGroup (the RedisHa component) or a serverless cache"
        )
    elif subject.type == EC_SERVERLESS:
        if need(p, "engine") == "memcached":
            yield "serverless memcached has no authentication; use valkey or redis with a user group"
        elif not get(p, "userGroupId"):  # unknown: a user group the stack creates
            yield "no userGroupId: the default user connects without a password"
    elif subject.type in CACHE_USERS:
        access = str(need(p, "accessString") or "")
        if "off" in access.split():
            return  # a switched-off user (the `default` user a group must contain) admits no one
        mode = need(p, "authenticationMode.type")
        if truthy(need(p, "noPasswordRequired")) or mode == "no-password-required":
            yield f"user '{get(p, 'userName')}' connects without a password (access '{access}')"
    else:
        if _off(need(p, "tlsEnabled")):
            yield "tlsEnabled=false: clients connect in plaintext"
        if get(p, "aclName") == "open-access":
            yield "aclName=open-access: clients connect without authentication"


def _ecr(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if not params["registryScanning"] and not truthy(
        need(p, "imageScanningConfiguration.scanOnPush")
    ):
        yield "imageScanningConfiguration.scanOnPush is not true (and registryScanning is off in the policy config)"
    mutability = need(p, "imageTagMutability") or "MUTABLE"
    if not str(mutability).startswith("IMMUTABLE"):
        yield f"imageTagMutability={mutability}: a pushed tag can be overwritten with another image"


def _pitr(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == DYNAMODB:
        if not truthy(need(p, "pointInTimeRecovery.enabled")):
            yield "pointInTimeRecovery.enabled is not true"
        return
    prop = {
        DOCDB: "backupRetentionPeriod",
        NEPTUNE: "backupRetentionPeriod",
        REDSHIFT: "automatedSnapshotRetentionPeriod",
        MEMORYDB: "snapshotRetentionLimit",
    }[subject.type]
    days = need(p, prop)
    days = (0 if subject.type == MEMORYDB else 1) if days is None else int(days)
    if days < params["minDays"]:
        yield f"{prop}={days} is below {params['minDays']} days"


RULES = [
    Rule(
        id="data-services-encrypted-at-rest",
        group="security",
        severity="high",
        description="Queues, topics, file systems, search domains, streams, document/graph/warehouse databases and DAX encrypt at rest; EBS default encryption stays on.",
        remediation="Turn on the service's encryption (encrypted / storageEncrypted / encryptAtRest / encryptionType KMS / kmsMasterKeyId) with a key of the stack.",
        types=tuple(AT_REST),
        resource_check=_at_rest,
        anchors="CKV_AWS_5/26/27/42/43/44/47/64/74/240, Security Hub EC2.7",
    ),
    Rule(
        id="data-services-encrypted-in-transit",
        group="security",
        severity="high",
        description="Search domains enforce HTTPS with TLS 1.2 and node-to-node encryption; MSK and DAX use TLS; DocumentDB and Redshift require TLS.",
        remediation="nodeToNodeEncryption + enforceHttps + tlsSecurityPolicy Policy-Min-TLS-1-2-*; MSK clientBroker TLS; DAX clusterEndpointEncryptionType TLS; keep tls=enabled / require_ssl=true in parameter groups.",
        types=(*IN_TRANSIT, *PARAMETER_GROUPS),
        resource_check=_in_transit,
        params={
            "searchTlsPolicies": ["Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"]
        },
        anchors="CKV_AWS_6/81/83/90/105/228/239",
    ),
    Rule(
        id="data-services-cmk",
        group="availability",
        severity="medium",
        description="Data services (DynamoDB, Secrets Manager, log groups, backup vaults, queues, topics, EFS, ECR, search, streams, MSK, DocumentDB, Neptune, Redshift, MemoryDB, serverless caches, MQ, SecureString parameters, CloudTrail, FSx) use a customer-managed KMS key.",
        remediation="Pass the kmsKeyId/kmsKeyArn of a key created by the stack (rotation on).",
        types=tuple(CMK_KEYS),
        resource_check=_cmk,
        anchors="CKV_AWS_35/119/136/142/149/158/166/182/184/185/201/209/247/347, CKV2_AWS_73",
    ),
    Rule(
        id="cache-encrypted-and-authenticated",
        group="security",
        severity="high",
        description="Caches outside replication groups encrypt and authenticate: no node-based ElastiCache clusters, serverless caches with a user group, MemoryDB with TLS and an ACL; no cache user that is switched on without a password.",
        remediation="Use the RedisHa component (ReplicationGroup with AUTH and TLS), a serverless cache with userGroupId, or MemoryDB with tlsEnabled and a real ACL; give every user a password or IAM authentication (or switch it off).",
        types=(EC_CLUSTER, EC_SERVERLESS, MEMORYDB, *CACHE_USERS),
        resource_check=_cache,
        anchors="CKV_AWS_29/30/31/202",
    ),
    Rule(
        id="ecr-scan-and-immutable-tags",
        group="security",
        severity="medium",
        description="ECR repositories scan images on push (unless registry-level scanning is on) and keep tags immutable.",
        remediation="Set imageScanningConfiguration.scanOnPush=true (or enable registry scanning and registryScanning in the config) and imageTagMutability=IMMUTABLE.",
        types=(ECR,),
        resource_check=_ecr,
        params={"registryScanning": False},
        anchors="CKV_AWS_51/163, Security Hub ECR.1/2",
    ),
    Rule(
        id="data-point-in-time-recovery",
        group="availability",
        severity="medium",
        description="DynamoDB tables have point-in-time recovery; DocumentDB, Neptune, Redshift and MemoryDB keep backups for minDays.",
        remediation="Set pointInTimeRecovery.enabled=true; raise backupRetentionPeriod / automatedSnapshotRetentionPeriod / snapshotRetentionLimit.",
        types=(DYNAMODB, DOCDB, NEPTUNE, REDSHIFT, MEMORYDB),
        resource_check=_pitr,
        params={"minDays": 7},
        anchors="CKV_AWS_28/360, Security Hub DynamoDB.2",
    ),
]
