"""Every rule: a compliant case, violating cases and (where it applies) the unknown-at-preview
case, run through the real CrossGuard policy objects (tests/policy_kit.py)."""

from __future__ import annotations

import json
from typing import Any

import pulumi.runtime
import pytest
from pulumi_policy.proxy import UnknownValueError

from policies.guardrails import BY_ID, RULES
from tests import policy_cases_alicloud, policy_cases_aws, policy_cases_floors, policy_cases_k8s
from tests.policy_cases_k8s import LABELS, deploy, hpa, pdb
from tests.policy_kit import TAGS, UNKNOWN, UNKNOWN_BOOL, Case, R, provider, run

SG = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
ALI_SG = "alicloud:ecs/securityGroupRule:SecurityGroupRule"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
FLOW = "aws:ec2/flowLog:FlowLog"
KMS = "aws:kms/key:Key"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
CLUSTER = "aws:rds/cluster:Cluster"
CI = "aws:rds/clusterInstance:ClusterInstance"
RDS = "aws:rds/instance:Instance"
CPG = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
RG = "aws:elasticache/replicationGroup:ReplicationGroup"
KV = "alicloud:kvstore/instance:Instance"
ALI_RDS = "alicloud:rds/instance:Instance"
ALI_RO = "alicloud:rds/readOnlyInstance:ReadOnlyInstance"
OSS = "alicloud:oss/bucket:Bucket"
OSS_REPL = "alicloud:oss/bucketReplication:BucketReplication"
CROSS_BACKUP = "alicloud:rds/rdsInstanceCrossBackupPolicy:RdsInstanceCrossBackupPolicy"
CMS_ALARM = "alicloud:cms/alarm:Alarm"
SLS = "alicloud:log/store:Store"
ALI_ACCOUNT = "alicloud:rds/rdsAccount:RdsAccount"
BUCKET = "aws:s3/bucket:Bucket"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
VERS = "aws:s3/bucketVersioning:BucketVersioning"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
REPL = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
CF = "aws:cloudfront/distribution:Distribution"
EKS = "aws:eks/cluster:Cluster"
NG = "aws:eks/nodeGroup:NodeGroup"
DEPLOY = "kubernetes:apps/v1:Deployment"
POD = "kubernetes:core/v1:Pod"
NS = "kubernetes:core/v1:Namespace"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
SVC = "kubernetes:core/v1:Service"
CROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"
CRB = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
LOGS = "aws:cloudwatch/logGroup:LogGroup"
NAT = "aws:ec2/natGateway:NatGateway"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
CERTIFICATE = "aws:acm/certificate:Certificate"
CERT_VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"


ROLE = "aws:iam/role:Role"


def oidc_trust(
    operator: str | None, sub: str | None, issuer: str = "token.actions.githubusercontent.com"
) -> str:
    condition: dict[str, Any] = {"StringEquals": {f"{issuer}:aud": "sts.amazonaws.com"}}
    if operator is not None:
        condition.setdefault(operator, {})[f"{issuer}:sub"] = sub
    return json.dumps({"Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Condition": condition,
        "Principal": {"Federated": f"arn:aws:iam::123456789012:oidc-provider/{issuer}"}}]})  # fmt: skip


def ingress(port: int, cidr: str = "0.0.0.0/0", protocol: str = "tcp") -> dict[str, Any]:
    return {"protocol": protocol, "fromPort": port, "toPort": port, "cidrBlocks": [cidr]}


def sg(*rules: dict[str, Any], name: str = "sg") -> R:
    return R(SG, name, {"ingress": list(rules)})


def bucket(name: str = "assets") -> R:
    return R(BUCKET, name, {"tags": TAGS})


def side(type_: str, name: str, props: dict[str, Any], target: str = "assets") -> R:
    return R(type_, name, {"bucket": UNKNOWN, **props}, links={"bucket": [target]})


FULL_PAB = {
    "blockPublicAcls": True,
    "blockPublicPolicy": True,
    "ignorePublicAcls": True,
    "restrictPublicBuckets": True,
}
KMS_SSE = {
    "rules": [
        {
            "applyServerSideEncryptionByDefault": {
                "sseAlgorithm": "aws:kms",
                "kmsMasterKeyId": "arn:aws:kms:eu-west-1:1:key/x",
            }
        }
    ]
}
TLS_POLICY = json.dumps(
    {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ]
    }
)
ANON_POLICY = json.dumps(
    {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]}
)
CF_OK = {
    "defaultCacheBehavior": {"viewerProtocolPolicy": "redirect-to-https"},
    "orderedCacheBehaviors": [{"viewerProtocolPolicy": "https-only"}],
    "viewerCertificate": {
        "acmCertificateArn": "arn:aws:acm:us-east-1:1:certificate/x",
        "minimumProtocolVersion": "TLSv1.2_2021",
    },
    "origins": [
        {"domainName": "assets.s3.eu-west-1.amazonaws.com", "originAccessControlId": "oac-1"}
    ],
    "webAclId": "arn:aws:wafv2:us-east-1:1:global/webacl/x",
    "loggingConfig": {"bucket": "logs.s3.amazonaws.com"},
    "priceClass": "PriceClass_100",
}
EKS_OK = {
    "version": "1.35",
    "vpcConfig": {"endpointPublicAccess": False, "endpointPrivateAccess": True},
    "encryptionConfig": {
        "resources": ["secrets"],
        "provider": {"keyArn": "arn:aws:kms:eu-west-1:1:key/x"},
    },
    "enabledClusterLogTypes": ["api", "audit", "authenticator"],
}
ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes"
ACK_OK = {
    "version": "1.35.7-aliyun.1",
    "slbInternetEnabled": False,
    "encryptionProviderKey": "key-1",
    "deletionProtection": True,
    "enableRrsa": True,
    "auditLogConfig": {"enabled": True, "slsProjectName": "acme-prod-ack-logs"},
    "controlPlaneLogComponents": ["apiserver", "kcm", "scheduler", "ccm"],
}
AURORA = {
    "engine": "aurora-postgresql",
    "storageEncrypted": True,
    "kmsKeyId": "arn:aws:kms:eu-west-1:1:key/x",
    "deletionProtection": True,
    "skipFinalSnapshot": False,
    "backupRetentionPeriod": 7,
    "enabledCloudwatchLogsExports": ["postgresql"],
    "manageMasterUserPassword": True,
}

CRITICAL = {**TAGS, "dr-critical": "true"}
BACKUP_PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
DAILY = "cron(0 3 * * ? *)"
OBJECTIVES = R(
    "groundwork:dr:RecoveryObjectives",
    "objectives",
    {"targets": {"database": {"rpoSeconds": 3600, "rtoSeconds": 14400}}},
    provider=None,
)
GLOBAL_DB = [
    R(CLUSTER, "db", AURORA),
    R("aws:rds/globalCluster:GlobalCluster", "g", {"sourceDbClusterIdentifier": UNKNOWN},
      links={"sourceDbClusterIdentifier": ["db"]}),
    R(CLUSTER, "secondary", {**AURORA, "globalClusterIdentifier": UNKNOWN,
                             "tags": {"dr-role": "replica"}},
      links={"globalClusterIdentifier": ["g"]},
      provider=provider("eu-central-1", "aws-dr-eu-central-1")),
]  # fmt: skip


GRG = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup"
DR_PROVIDER = provider("eu-central-1", "aws-dr-eu-central-1")
GLOBAL_CACHE = [
    R(GRG, "cache-global", {"primaryReplicationGroupId": UNKNOWN},
      links={"primaryReplicationGroupId": ["cache"]}, protect=True),
    # A secondary: AWS refuses the encryption settings on it (the datastore's apply).
    R(RG, "cache-secondary", {"globalReplicationGroupId": UNKNOWN, "authToken": UNKNOWN,
                              "numCacheClusters": 2, "tags": {"dr-role": "replica"}},
      links={"globalReplicationGroupId": ["cache-global"]}, provider=DR_PROVIDER),
]  # fmt: skip


SHANGHAI = provider("cn-shanghai", "alicloud-cn-shanghai")
ALI_OBJECTIVES = R(
    "groundwork:dr:RecoveryObjectives",
    "objectives",
    {
        "targets": {
            tier: {"rpoSeconds": 3600, "rtoSeconds": 14400} for tier in ("database", "objects")
        }
    },
    provider=None,
)


def ali_db(cross: dict[str, Any] | None, periods: list[str] | None = None) -> list[R]:
    """An RDS instance in cn-shanghai, its cross-region backup policy and its backup policy."""
    found = [R(ALI_RDS, "pg", {}, provider=SHANGHAI)]
    if cross is not None:
        found.append(R(CROSS_BACKUP, "pg-dr", {"instanceId": UNKNOWN, **cross},
                       links={"instanceId": ["pg"]}, provider=SHANGHAI))  # fmt: skip
    if periods is not None:
        found.append(R("alicloud:rds/backupPolicy:BackupPolicy", "pg-backup",
                       {"instanceId": UNKNOWN, "preferredBackupPeriods": periods},
                       links={"instanceId": ["pg"]}, provider=SHANGHAI))  # fmt: skip
    return found


def ali_critical_bucket(replication: dict[str, Any] | None) -> list[R]:
    found = [R(OSS, "oss", {"bucket": "acme-oss", "tags": CRITICAL}, provider=SHANGHAI)]
    if replication is not None:
        found.append(R(OSS_REPL, "oss-repl", {"bucket": UNKNOWN, **replication},
                       links={"bucket": ["oss"]}, provider=SHANGHAI))  # fmt: skip
    return found


TO_BEIJING = {"destination": {"bucket": "acme-oss-dr", "location": "oss-cn-beijing"}}


def sls_store(name: str, log_class: str | None, days: int) -> list[R]:
    """An SLS project (tagged with its retention class, or not) and one logstore in it."""
    tags = {"log-class": log_class} if log_class else {}
    return [
        R("alicloud:log/project:Project", f"{name}-project",
          {"projectName": f"acme-{name}", "tags": tags}),
        R(SLS, f"{name}-store", {"projectName": UNKNOWN, "retentionPeriod": days},
          links={"projectName": [f"{name}-project"]}),
    ]  # fmt: skip


ALI_DR_BUCKET = R(
    "alicloud:oss/bucket:Bucket",
    "dr-oss",
    {"bucket": "acme-dr"},
    provider=provider("cn-beijing", "alicloud-dr-cn-beijing"),
)


def plan_copying_to(region: str) -> dict[str, Any]:
    vault = f"arn:aws:backup:{region}:123456789012:backup-vault:dr"
    return {"rules": [{"ruleName": "daily", "schedule": DAILY,
                       "copyActions": [{"destinationVaultArn": vault}]}]}  # fmt: skip


REDIS_OK = {
    "atRestEncryptionEnabled": True,
    "transitEncryptionEnabled": True,
    "authToken": "x",
    "automaticFailoverEnabled": True,
    "multiAzEnabled": True,
    "numCacheClusters": 3,
    "snapshotRetentionLimit": 7,
    "kmsKeyId": "arn:aws:kms:eu-west-1:1:key/x",
    "nodeType": "cache.r7g.large",
}
NODEGROUP = {
    "instanceTypes": ["t3.large"],
    "capacityType": "SPOT",
    "scalingConfig": {"desiredSize": 2, "minSize": 1, "maxSize": 3},
    "subnetIds": [UNKNOWN, UNKNOWN, UNKNOWN],
}


def subnets(*zones: str) -> list[R]:
    return [
        R(SUBNET, f"private-{z}", {"availabilityZone": z, "mapPublicIpOnLaunch": False})
        for z in zones
    ]


BASE_CASES: dict[str, Case] = {
    "net-sg-no-public-admin-ports": Case(
        ok=[sg(ingress(443)), sg(ingress(22, "10.0.0.0/8"), name="ssh-internal")],
        bad=[
            [sg(ingress(22))],
            # the internet in halves, or a public /8: still the internet
            [
                R(
                    SG_RULE,
                    "halves",
                    {"type": "ingress", **ingress(22), "cidrBlocks": ["0.0.0.0/1", "128.0.0.0/1"]},
                )
            ],
            [
                R(
                    SG_IN,
                    "v6-unicast",
                    {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "cidrIpv6": "2000::/3"},
                )
            ],
            [R(SG_RULE, "r", {"type": "ingress", **ingress(5432)})],
            [
                R(
                    SG_IN,
                    "r",
                    {"ipProtocol": "tcp", "fromPort": 3380, "toPort": 3390, "cidrIpv6": "::/0"},
                )
            ],
            [
                R(
                    ALI_SG,
                    "r",
                    {
                        "type": "ingress",
                        "ipProtocol": "tcp",
                        "portRange": "22/22",
                        "cidrIp": "0.0.0.0/0",
                        "policy": "accept",
                    },
                )
            ],
        ],
        unknown=[sg({"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": [UNKNOWN]})],
    ),
    "net-sg-no-public-all-ports": Case(
        ok=[
            sg(ingress(443)),
            R(SG_IN, "r", {"ipProtocol": "-1", "referencedSecurityGroupId": "sg-1"}),
        ],
        bad=[
            [sg(ingress(0, protocol="-1"))],
            [R(SG_IN, "r", {"ipProtocol": "-1", "cidrIpv4": "0.0.0.0/0"})],
            [
                R(
                    ALI_SG,
                    "r",
                    {
                        "type": "ingress",
                        "ipProtocol": "all",
                        "portRange": "-1/-1",
                        "cidrIp": "0.0.0.0/0",
                    },
                )
            ],
        ],
        unknown=[R(SG_IN, "r", {"ipProtocol": UNKNOWN, "cidrIpv4": "0.0.0.0/0"})],
    ),
    "net-sg-ingress-cidr-allowlist": Case(
        ok=[
            sg(ingress(443, "10.20.0.0/16")),
            R(
                SG_IN,
                "r",
                {
                    "ipProtocol": "tcp",
                    "fromPort": 443,
                    "toPort": 443,
                    "referencedSecurityGroupId": "sg-1",
                },
            ),
        ],
        bad=[[sg(ingress(443, "203.0.113.0/24"))]],
        unknown=[
            R(
                SG_IN,
                "r",
                {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": UNKNOWN},
            )
        ],
    ),
    "net-default-sg-and-vpc": Case(
        ok=[
            R(DEFAULT_SG, "default", {"ingress": [], "egress": []}),
            *subnets("a"),
            R(SUBNET, "x-public-a", {"mapPublicIpOnLaunch": True}),
        ],
        bad=[
            [R(DEFAULT_SG, "default", {"ingress": [ingress(443, "10.0.0.0/8")]})],
            [R("aws:ec2/defaultVpc:DefaultVpc", "default", {})],
            [R(SUBNET, "x-private-a", {"mapPublicIpOnLaunch": True})],
        ],
        unknown=[R(SUBNET, "x-private-a", {"mapPublicIpOnLaunch": UNKNOWN_BOOL})],
    ),
    "net-vpc-flow-logs": Case(
        ok=[
            R(VPC, "vpc", {"cidrBlock": "10.0.0.0/16"}),
            R(FLOW, "fl", {"vpcId": UNKNOWN}, links={"vpcId": ["vpc"]}),
        ],
        bad=[
            [
                R(VPC, "vpc", {}),
                R(VPC, "other", {}),
                R(FLOW, "fl", {"vpcId": UNKNOWN}, links={"vpcId": ["other"]}),
            ]
        ],
    ),
    "region-allowlist": Case(
        ok=[
            R("pulumi:providers:aws", "p", {"region": "eu-west-1"}, provider=None),
            R("pulumi:providers:aws", "us", {"region": "us-east-1"}, provider=None),
        ],
        bad=[
            [R("pulumi:providers:aws", "p", {"region": "ap-south-1"}, provider=None)],
            [R("pulumi:providers:alicloud", "p", {}, provider=None)],
        ],
        unknown=[R("pulumi:providers:aws", "p", {"region": UNKNOWN}, provider=None)],
    ),
    "required-tags": Case(
        ok=[R(VPC, "vpc", {"tags": TAGS}), R(KV, "kv", {"tags": TAGS})],
        bad=[[R(VPC, "vpc", {"tags": {"owner": "x"}})], [R(BUCKET, "b", {})]],
        unknown=[R(VPC, "vpc", {"tags": UNKNOWN})],
    ),
    "k8s-recommended-labels": Case(
        ok=[R(NS, "apps", {"metadata": {"name": "apps", "labels": LABELS}}), deploy()],
        bad=[
            [
                R(
                    NS,
                    "apps",
                    {"metadata": {"name": "apps", "labels": {"app.kubernetes.io/name": "x"}}},
                )
            ]
        ],
        unknown=[R(SVC, "svc", {"metadata": {"labels": UNKNOWN}})],
    ),
    "kms-key-rotation": Case(
        ok=[
            R(KMS, "k", {"enableKeyRotation": True}),
            R(KMS, "sign", {"customerMasterKeySpec": "ECC_NIST_P256"}),
            R("alicloud:kms/key:Key", "a", {"automaticRotation": "Enabled"}),
        ],
        bad=[
            [R(KMS, "k", {})],
            [R("alicloud:kms/key:Key", "a", {"automaticRotation": "Disabled"})],
        ],
        unknown=[R(KMS, "k", {"enableKeyRotation": UNKNOWN_BOOL})],
    ),
    "ebs-encrypted": Case(
        ok=[
            R(
                LT,
                "lt",
                {
                    "blockDeviceMappings": [
                        {
                            "deviceName": "/dev/xvda",
                            "ebs": {"encrypted": "true", "volumeType": "gp3"},
                        }
                    ]
                },
            )
        ],
        bad=[
            [
                R(
                    LT,
                    "lt",
                    {
                        "blockDeviceMappings": [
                            {"deviceName": "/dev/xvda", "ebs": {"volumeSize": 30}}
                        ]
                    },
                )
            ],
            [R("aws:ebs/volume:Volume", "v", {"encrypted": False})],
            [R("aws:ec2/instance:Instance", "i", {"rootBlockDevice": {"encrypted": False}})],
        ],
        unknown=[R(LT, "lt", {"blockDeviceMappings": [{"ebs": {"encrypted": UNKNOWN}}]})],
    ),
    "no-default-provider": Case(
        ok=[
            R(VPC, "vpc", {}),
            R("groundwork:aws/network:Vpc", "component", {}, provider=None),
            # the engine records no provider on a component the provider constructs
            R("kubernetes:yaml/v2:ConfigFile", "crds", {"file": "crds.yaml"}, provider=None),
            R("kubernetes:helm.sh/v4:Chart", "chart", {"chart": "x"}, provider=None),
        ],
        bad=[
            [R(VPC, "vpc", {}, provider=None)],
            [R("kubernetes:core/v1:Namespace", "ns", {}, provider=None)],
            [R(VPC, "vpc", {}, provider=provider(name="default_7_51_1"))],
        ],
    ),
    "no-output-in-strings": Case(
        ok=[R(VPC, "vpc", {"tags": {"Name": "acme-dev-vpc"}})],
        bad=[[R(VPC, "vpc", {"tags": {"Name": "<pulumi.output.Output object at 0x7f>"}})]],
    ),
    "stateful-resources-protected": Case(
        ok=[
            R(KMS, "k", {}, protect=True),
            R(LOGS, "l", {}, protect=True),
            R(VPC, "vpc", {}),
            R(GRG, "cache-global", {}, protect=True),
        ],
        bad=[[R(CLUSTER, "db", AURORA)], [R(BUCKET, "b", {})], [R(GRG, "cache-global", {})]],
    ),
    "alicloud-no-deprecated-types": Case(
        ok=[R(KV, "kv", {"dbInstanceName": "cache"}), R("alicloud:vpc/switch:Switch", "s", {})],
        bad=[[R("alicloud:vpc/subnet:Subnet", "s", {})], [R(KV, "kv", {"instanceName": "cache"})]],
    ),
    "db-not-public": Case(
        ok=[
            R(CI, "db-1", {"publiclyAccessible": False}),
            R(RDS, "db", {}),
            R(KV, "kv", {"securityIps": ["10.0.0.0/8"]}),
            R(ALI_RO, "ro", {"securityIps": ["10.0.16.0/20"]}),
        ],
        bad=[
            [R(CI, "db-1", {"publiclyAccessible": True})],
            [R(ALI_RDS, "r", {"securityIps": ["0.0.0.0/0"]})],
            [R(ALI_RO, "ro", {"securityIps": ["10.0.0.0/8", "0.0.0.0/0"]})],
            [R(KV, "kv", {"enablePublic": True})],
        ],
        unknown=[R(RDS, "db", {"publiclyAccessible": UNKNOWN_BOOL})],
    ),
    "db-encrypted-at-rest": Case(
        ok=[
            R(CLUSTER, "db", AURORA),
            R(CLUSTER, "dr", {"globalClusterIdentifier": "g"}),
            R(ALI_RDS, "a", {"tdeStatus": "Enabled"}),
        ],
        bad=[
            [R(CLUSTER, "db", {"engine": "aurora-postgresql"})],
            [R(RDS, "db", {"storageEncrypted": False})],
            [R("alicloud:polardb/cluster:Cluster", "p", {})],
        ],
        unknown=[R(CLUSTER, "db", {"storageEncrypted": UNKNOWN_BOOL})],
    ),
    "redis-encrypted": Case(
        ok=[
            R(RG, "cache", REDIS_OK),
            R(KV, "kv", {"sslEnable": "Enable", "vpcAuthMode": "Open"}),
            *GLOBAL_CACHE,
        ],
        bad=[
            [R(RG, "cache", {**REDIS_OK, "transitEncryptionEnabled": False})],
            [R(RG, "cache", {**REDIS_OK, "authToken": None})],
            # A secondary still needs its own AUTH token.
            [
                R(RG, "cache", REDIS_OK),
                GLOBAL_CACHE[0],
                R(
                    RG,
                    "cache-secondary",
                    {"globalReplicationGroupId": UNKNOWN},
                    links={"globalReplicationGroupId": ["cache-global"]},
                    provider=DR_PROVIDER,
                ),
            ],
            # Not a secondary: no encryption setting is inherited.
            [R(RG, "cache", {"authToken": "x"})],
            [R(KV, "kv", {"sslEnable": "Disable"})],
        ],
        unknown=[R(RG, "cache", {**REDIS_OK, "atRestEncryptionEnabled": UNKNOWN_BOOL})],
    ),
    "db-tls-in-transit": Case(
        ok=[
            R(CPG, "pg", {"parameters": [{"name": "rds.force_ssl", "value": "1"}]}),
            R(ALI_RO, "ro", {"sslEnabled": 1}),
        ],
        bad=[
            [R(CPG, "pg", {"parameters": [{"name": "rds.force_ssl", "value": "0"}]})],
            [R(ALI_RDS, "r", {"sslAction": "Close"})],
            [R(ALI_RO, "ro", {"sslEnabled": 0})],
        ],
        unknown=[R(CPG, "pg", {"parameters": [{"name": "rds.force_ssl", "value": UNKNOWN}]})],
    ),
    "db-no-plaintext-password": Case(
        ok=[
            R(CLUSTER, "db", AURORA),
            R(CLUSTER, "db2", {"masterPassword": "x"}, links={"masterPassword": ["pw"]}),
            R("random:index/randomPassword:RandomPassword", "pw", {}),
            R(ALI_ACCOUNT, "admin", {"accountPassword": "x"}, links={"accountPassword": ["pw"]}),
            R(KV, "kv", {"password": "x"}, links={"password": ["pw"]}),
        ],
        bad=[
            [R(CLUSTER, "db", {"masterPassword": "hunter2"})],
            [R(RG, "cache", {"authToken": "literal"})],
            [R(ALI_ACCOUNT, "admin", {"accountPassword": "Hunter2!x"})],
            [R(ALI_ACCOUNT, "admin", {"password": "Hunter2!x"})],
            [R(KV, "kv", {"password": "Hunter2!x"})],
        ],
    ),
    "db-multi-az": Case(
        ok=[
            R(
                "alicloud:polardb/cluster:Cluster",
                "polar",
                {"dbNodeCount": 2, "standbyAz": "cn-shanghai-m", "hotStandbyCluster": "ON"},
            ),
            R(CLUSTER, "db", AURORA),
            R(CI, "db-1", {"availabilityZone": "eu-west-1a"}, links={"clusterIdentifier": ["db"]}),
            R(CI, "db-2", {"availabilityZone": "eu-west-1b"}, links={"clusterIdentifier": ["db"]}),
        ],
        bad=[
            [R(CLUSTER, "db", AURORA), R(CI, "db-1", {}, links={"clusterIdentifier": ["db"]})],
            [
                R(CLUSTER, "db", AURORA),
                R(
                    CI,
                    "db-1",
                    {"availabilityZone": "eu-west-1a"},
                    links={"clusterIdentifier": ["db"]},
                ),
                R(
                    CI,
                    "db-2",
                    {"availabilityZone": "eu-west-1a"},
                    links={"clusterIdentifier": ["db"]},
                ),
            ],
            [R(RDS, "db", {"multiAz": False})],
            [R("alicloud:polardb/cluster:Cluster", "polar", {"dbNodeCount": 1})],
            [
                R(
                    "alicloud:polardb/cluster:Cluster",
                    "polar",
                    {"dbNodeCount": 2, "standbyAz": "cn-shanghai-m", "hotStandbyCluster": "OFF"},
                )
            ],
        ],
    ),
    "db-deletion-protection": Case(
        ok=[
            R(CLUSTER, "db", AURORA),
            R("alicloud:polardb/cluster:Cluster", "p", {"deletionLock": 1}),
        ],
        bad=[
            [R(CLUSTER, "db", {**AURORA, "deletionProtection": False})],
            [R(RDS, "db", {"deletionProtection": True, "skipFinalSnapshot": True})],
            [R("alicloud:polardb/cluster:Cluster", "p", {"deletionLock": 0})],
        ],
        unknown=[R(CLUSTER, "db", {**AURORA, "deletionProtection": UNKNOWN_BOOL})],
    ),
    "db-backup-retention": Case(
        ok=[R(CLUSTER, "db", AURORA)],
        bad=[[R(CLUSTER, "db", {**AURORA, "backupRetentionPeriod": 1})], [R(RDS, "db", {})]],
        unknown=[R(CLUSTER, "db", {**AURORA, "backupRetentionPeriod": UNKNOWN})],
    ),
    "db-tls-enforced": Case(
        ok=[
            R(CLUSTER, "db", AURORA, links={"dbClusterParameterGroupName": ["pg"]}),
            R(CPG, "pg", {"parameters": [{"name": "rds.force_ssl", "value": "1"}]}),
        ],
        bad=[[R(CLUSTER, "db", AURORA)], [R(ALI_RDS, "r", {})]],
    ),
    "db-cmk": Case(
        ok=[
            R(CLUSTER, "db", AURORA),
            R(CLUSTER, "db2", {"kmsKeyId": UNKNOWN}),
            R(RG, "c", REDIS_OK),
        ],
        bad=[
            [R(CLUSTER, "db", {"storageEncrypted": True})],
            [R(RDS, "db", {"kmsKeyId": "alias/aws/rds"})],
        ],
    ),
    "redis-multi-az-failover": Case(
        ok=[R(RG, "cache", REDIS_OK), R(KV, "kv", {"secondaryZoneId": "cn-hangzhou-h"})],
        bad=[
            [R(RG, "cache", {**REDIS_OK, "numCacheClusters": 1})],
            [R(RG, "cache", {**REDIS_OK, "multiAzEnabled": False})],
            [R(KV, "kv", {})],
        ],
        unknown=[R(RG, "cache", {**REDIS_OK, "automaticFailoverEnabled": UNKNOWN_BOOL})],
    ),
    "redis-backup-and-release-protection": Case(
        ok=[R(RG, "cache", REDIS_OK), R(KV, "kv", {"instanceReleaseProtection": True})],
        bad=[[R(RG, "cache", {**REDIS_OK, "snapshotRetentionLimit": 0})], [R(KV, "kv", {})]],
        unknown=[R(RG, "cache", {**REDIS_OK, "snapshotRetentionLimit": UNKNOWN})],
    ),
    "obs-db-logs-insights": Case(
        ok=[R(CLUSTER, "db", AURORA), R(CI, "db-1", {"performanceInsightsEnabled": True})],
        bad=[
            [R(CLUSTER, "db", {**AURORA, "enabledCloudwatchLogsExports": []})],
            [R(CI, "db-1", {})],
        ],
        unknown=[R(CLUSTER, "db", {**AURORA, "engine": UNKNOWN})],
    ),
    "bucket-no-public-access": Case(
        ok=[
            side(PAB, "pab", FULL_PAB),
            bucket(),
            side(POLICY, "pol", {"policy": TLS_POLICY}),
            R(
                "aws:s3/bucketObjectv2:BucketObjectv2",
                "index",
                {"bucket": "b", "key": "index.html", "acl": "private"},
            ),
        ],
        bad=[
            [side(PAB, "pab", {**FULL_PAB, "restrictPublicBuckets": False})],
            [R("aws:s3/bucketAcl:BucketAcl", "acl", {"acl": "public-read"})],
            [side(POLICY, "pol", {"policy": ANON_POLICY})],
            [
                R(
                    "aws:s3/bucketObjectv2:BucketObjectv2",
                    "index",
                    {"bucket": "b", "key": "k", "acl": "public-read"},
                )
            ],
            [
                R(
                    "aws:s3/objectCopy:ObjectCopy",
                    "copy",
                    {
                        "bucket": "b",
                        "key": "k",
                        "source": "s/k",
                        "grants": [
                            {
                                "type": "Group",
                                "uri": "http://acs.amazonaws.com/groups/global/AllUsers",
                                "permissions": ["READ"],
                            }
                        ],
                    },
                )
            ],
            [
                R(
                    "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
                    "site",
                    {"bucket": "b", "indexDocument": {"suffix": "index.html"}},
                )
            ],
            [R(BUCKET, "site", {"tags": TAGS, "website": {"indexDocument": "index.html"}})],
        ],
        unknown=[side(PAB, "pab", {**FULL_PAB, "blockPublicPolicy": UNKNOWN_BOOL})],
    ),
    "bucket-public-access-block-attached": Case(
        ok=[bucket(), side(PAB, "pab", FULL_PAB)],
        bad=[[bucket(), bucket("other"), side(PAB, "pab", FULL_PAB, target="other")]],
    ),
    "bucket-encrypted": Case(
        ok=[bucket(), side(SSE, "sse", KMS_SSE)],
        bad=[[bucket()]],
    ),
    "bucket-kms-encryption": Case(
        ok=[bucket(), side(SSE, "sse", KMS_SSE)],
        bad=[
            [
                bucket(),
                side(
                    SSE,
                    "sse",
                    {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]},
                ),
            ],
            [
                bucket(),
                side(
                    SSE,
                    "sse",
                    {
                        "rules": [
                            {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}
                        ]
                    },
                ),
            ],
        ],
    ),
    "bucket-tls-only-policy": Case(
        ok=[bucket(), side(POLICY, "pol", {"policy": TLS_POLICY})],
        bad=[[bucket()], [bucket(), side(POLICY, "pol", {"policy": ANON_POLICY})]],
    ),
    "bucket-versioning-logging": Case(
        ok=[
            bucket(),
            side(VERS, "v", {"versioningConfiguration": {"status": "Enabled"}}),
            side(LOGGING, "l", {}),
            bucket("acme-logs"),
            side(
                VERS, "v2", {"versioningConfiguration": {"status": "Enabled"}}, target="acme-logs"
            ),
        ],
        bad=[
            [bucket(), side(LOGGING, "l", {})],
            [bucket(), side(VERS, "v", {"versioningConfiguration": {"status": "Enabled"}})],
        ],
    ),
    "cdn-https-only": Case(
        ok=[R(CF, "cdn", CF_OK)],
        bad=[
            [
                R(
                    CF,
                    "cdn",
                    {**CF_OK, "defaultCacheBehavior": {"viewerProtocolPolicy": "allow-all"}},
                )
            ],
            [R(CF, "cdn", {**CF_OK, "viewerCertificate": {"cloudfrontDefaultCertificate": True}})],
            [
                R(
                    CF,
                    "cdn",
                    {
                        **CF_OK,
                        "viewerCertificate": {
                            "acmCertificateArn": "a",
                            "minimumProtocolVersion": "TLSv1",
                        },
                    },
                )
            ],
            [
                R(
                    CF,
                    "cdn",
                    {
                        **CF_OK,
                        "origins": [
                            {
                                "domainName": "api.example.com",
                                "customOriginConfig": {"originProtocolPolicy": "http-only"},
                            }
                        ],
                    },
                )
            ],
        ],
        unknown=[
            R(CF, "cdn", {**CF_OK, "defaultCacheBehavior": {"viewerProtocolPolicy": UNKNOWN}})
        ],
    ),
    "cdn-s3-origin-oac": Case(
        ok=[
            R(CF, "cdn", CF_OK),
            R(
                CF,
                "new",
                {
                    **CF_OK,
                    "origins": [
                        {"domainName": UNKNOWN, "originAccessControlId": UNKNOWN},
                        {
                            "domainName": UNKNOWN,
                            "customOriginConfig": {"originProtocolPolicy": "https-only"},
                        },
                    ],
                },
            ),
        ],
        bad=[
            [R(CF, "cdn", {**CF_OK, "origins": [{"domainName": UNKNOWN}]})],
            [
                R(
                    CF,
                    "cdn",
                    {
                        **CF_OK,
                        "origins": [
                            {
                                "domainName": "a.s3.amazonaws.com",
                                "s3OriginConfig": {"originAccessIdentity": "oai"},
                            }
                        ],
                    },
                )
            ],
            [
                R(
                    CF,
                    "cdn",
                    {
                        **CF_OK,
                        "origins": [
                            {
                                "domainName": "assets.s3-website-eu-west-1.amazonaws.com",
                                "customOriginConfig": {"originProtocolPolicy": "http-only"},
                            }
                        ],
                    },
                )
            ],
        ],
        unknown=[R(CF, "cdn", {**CF_OK, "origins": [UNKNOWN]})],
    ),
    "cdn-waf-and-logging": Case(
        ok=[R(CF, "cdn", CF_OK)],
        bad=[
            [R(CF, "cdn", {**CF_OK, "webAclId": None})],
            [R(CF, "cdn", {**CF_OK, "loggingConfig": None})],
        ],
    ),
    "k8s-cluster-endpoint-not-open": Case(
        ok=[
            R(EKS, "eks", EKS_OK),
            R(
                "alicloud:cs/managedKubernetes:ManagedKubernetes",
                "ack",
                {"slbInternetEnabled": False},
            ),
        ],
        bad=[
            [R(EKS, "eks", {**EKS_OK, "vpcConfig": {}})],
            [
                R(
                    EKS,
                    "eks",
                    {
                        **EKS_OK,
                        "vpcConfig": {
                            "endpointPublicAccess": True,
                            "publicAccessCidrs": ["203.0.113.0/24"],
                        },
                    },
                )
            ],
            [
                R(
                    "alicloud:cs/managedKubernetes:ManagedKubernetes",
                    "ack",
                    {"slbInternetEnabled": True},
                )
            ],
            # The provider creates an internet load balancer unless told not to.
            [R("alicloud:cs/managedKubernetes:ManagedKubernetes", "ack", {})],
        ],
        unknown=[R(EKS, "eks", {**EKS_OK, "vpcConfig": {"endpointPublicAccess": UNKNOWN_BOOL}})],
    ),
    "k8s-secrets-kms-encryption": Case(
        ok=[
            R(EKS, "eks", EKS_OK),
            R(
                "alicloud:cs/managedKubernetes:ManagedKubernetes",
                "ack",
                {"encryptionProviderKey": "k"},
            ),
        ],
        bad=[
            [R(EKS, "eks", {**EKS_OK, "encryptionConfig": None})],
            [R(ACK, "ack", {**ACK_OK, "encryptionProviderKey": None})],
        ],
        unknown=[R(EKS, "eks", {**EKS_OK, "encryptionConfig": UNKNOWN})],
    ),
    "k8s-control-plane-logging": Case(
        ok=[R(EKS, "eks", EKS_OK), R(ACK, "ack", ACK_OK)],
        bad=[
            [R(EKS, "eks", {**EKS_OK, "enabledClusterLogTypes": ["api"]})],
            [R(ACK, "ack", {**ACK_OK, "auditLogConfig": {"enabled": False}})],
            [R(ACK, "ack", {**ACK_OK, "controlPlaneLogComponents": ["kcm"]})],
        ],
        unknown=[R(EKS, "eks", {**EKS_OK, "enabledClusterLogTypes": UNKNOWN})],
    ),
    "alicloud-ack-rrsa": Case(
        ok=[R(ACK, "ack", ACK_OK)],
        bad=[[R(ACK, "ack", {**ACK_OK, "enableRrsa": False})], [R(ACK, "ack", {})]],
        unknown=[R(ACK, "ack", {**ACK_OK, "enableRrsa": UNKNOWN_BOOL})],
    ),
    "k8s-supported-version": Case(
        ok=[R(EKS, "eks", EKS_OK), R(ACK, "ack", ACK_OK)],
        bad=[
            [R(EKS, "eks", {**EKS_OK, "version": "1.29"})],
            [R(EKS, "eks", {**EKS_OK, "version": None})],
            [R(ACK, "ack", {**ACK_OK, "version": "1.30.1-aliyun.1"})],
        ],
        unknown=[R(EKS, "eks", {**EKS_OK, "version": UNKNOWN})],
    ),
    "k8s-multi-zone-nodes": Case(
        ok=[
            *subnets("a", "b", "c"),
            R(NG, "ng", NODEGROUP, links={"subnetIds": ["private-a", "private-b", "private-c"]}),
        ],
        bad=[[*subnets("a", "b", "c"), R(NG, "ng", NODEGROUP, links={"subnetIds": ["private-a"]})]],
    ),
    "k8s-on-demand-nodes": Case(
        ok=[
            R(NG, "ng", {**NODEGROUP, "capacityType": "ON_DEMAND"}),
            R("alicloud:cs/nodePool:NodePool", "pool", {"spotStrategy": "NoSpot"}),
        ],
        bad=[
            [R(NG, "ng", NODEGROUP)],
            [R("alicloud:cs/nodePool:NodePool", "pool", {"spotStrategy": "SpotAsPriceGo"})],
        ],
        unknown=[R(NG, "ng", {**NODEGROUP, "capacityType": UNKNOWN})],
    ),
    "k8s-no-default-namespace": Case(
        ok=[deploy(), pdb(), deploy(ns=UNKNOWN, name="in-created-namespace")],
        bad=[[deploy(ns=None)], [deploy(ns="default")]],
    ),
    "k8s-replicas-and-pdb": Case(
        ok=[deploy(), pdb()],
        bad=[
            [deploy(replicas=1), pdb()],
            [deploy()],
            [deploy(), pdb(app="other")],
            [deploy(replicas=None), pdb()],  # no replicas and no HPA: one pod
            [deploy(replicas=None), hpa(min_replicas=1), pdb()],
        ],
    ),
    "k8s-default-deny-netpol": Case(
        ok=[
            deploy(),
            R(
                NETPOL,
                "deny",
                {
                    "metadata": {"namespace": "apps"},
                    "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
                },
            ),
            R(NS, "kube", {"metadata": {"name": "kube-system"}}),
        ],
        bad=[
            [deploy()],
            [
                deploy(),
                R(
                    NETPOL,
                    "allow-web",
                    {
                        "metadata": {"namespace": "apps"},
                        "spec": {"podSelector": {"matchLabels": {"app": "web"}}},
                    },
                ),
            ],
        ],
    ),
    "dr-cross-region": Case(
        ok=[
            R(BUCKET, "assets", {"tags": CRITICAL}),
            side(REPL, "repl", {"rules": [{"status": "Enabled", "destination": {}}]}),
            bucket("scratch"),  # not critical: no replica needed
            *GLOBAL_DB,
            R(OSS, "oss", {"bucket": "acme-oss", "tags": CRITICAL}),
            R(OSS_REPL, "oss-repl", {"bucket": UNKNOWN}, links={"bucket": ["oss"]}),
            R(OSS, "oss-scratch", {"bucket": "acme-oss-scratch"}),  # not critical
            R(ALI_RDS, "pg", {}),
            R(
                CROSS_BACKUP,
                "pg-dr",
                {"instanceId": UNKNOWN, "crossBackupRegion": "cn-beijing"},
                links={"instanceId": ["pg"]},
            ),
            R("alicloud:polardb/cluster:Cluster", "polar", {}, provider=SHANGHAI),
            R(
                "alicloud:polardb/backupPolicy:BackupPolicy",
                "polar-backup",
                {"dbClusterId": UNKNOWN, "logBackupAnotherRegionRegion": "cn-beijing"},
                links={"dbClusterId": ["polar"]},
                provider=SHANGHAI,
            ),
        ],
        bad=[
            [R(BUCKET, "assets", {"tags": CRITICAL})],  # a user-added critical bucket, no replica
            [R(CLUSTER, "db", AURORA)],
            [R(CLUSTER, "db", AURORA), R(BACKUP_PLAN, "p", plan_copying_to("eu-west-1"))],
            [R(OSS, "oss", {"bucket": "acme-oss", "tags": CRITICAL})],
            [R(ALI_RDS, "pg", {}), ALI_DR_BUCKET],  # a stack with a DR region on Alibaba Cloud
            [R(ALI_RDS, "pg", {})],  # no DR region at all: still no copy
            [R("alicloud:polardb/cluster:Cluster", "polar", {}, provider=SHANGHAI)],
            ali_db({"crossBackupRegion": "cn-shanghai"}),  # "copies" into its own region
            # Replicated into a bucket of its own region: not a cross-region copy.
            ali_critical_bucket({"destination": {"bucket": "b", "location": "oss-cn-shanghai"}}),
        ],
        config={"enabled": True},
    ),
    "dr-backup-copies": Case(
        ok=[R(BACKUP_PLAN, "p", plan_copying_to("eu-central-1"))],
        bad=[
            [R(BACKUP_PLAN, "p", {"rules": [{"ruleName": "daily", "schedule": DAILY}]})],
            [R(BACKUP_PLAN, "p", plan_copying_to("eu-west-1"))],  # same region: not off-site
        ],
        config={"enabled": True},
    ),
    "dr-objectives-met": Case(
        ok=[OBJECTIVES, *GLOBAL_DB],
        bad=[
            [*GLOBAL_DB],  # no objectives declared
            # Alibaba Cloud: RDS copies without log backups, a full backup twice a week (RPO 4 d).
            [
                ALI_OBJECTIVES,
                *ali_db(
                    {"crossBackupRegion": "cn-beijing", "logBackupEnabled": "Disabled"},
                    ["Monday", "Thursday"],
                ),
            ],
            # OSS replication without Replication Time Control: RPO unbounded.
            [ALI_OBJECTIVES, *ali_critical_bucket(TO_BEIJING)],
            [*ali_critical_bucket({**TO_BEIJING, "rtc": {"enabled": True}})],  # no objectives
            # Daily copies only: RPO 1 d against a 1 h target.
            [
                OBJECTIVES,
                R(CLUSTER, "db", {**AURORA, "tags": {"backup": "b"}}),
                R(BACKUP_PLAN, "p", plan_copying_to("eu-central-1")),
                R(
                    SELECTION,
                    "sel",
                    {"planId": UNKNOWN, "selectionTags": [{"key": "backup", "value": "b"}]},
                    links={"planId": ["p"]},
                ),
            ],
        ],
        config={"enabled": True},
    ),
    "obs-alarm-actions": Case(
        ok=[
            R(ALARM, "cpu", {"alarmActions": ["arn:aws:sns:eu-west-1:1:p2"], "okActions": ["x"]}),
            R(ALARM, "recover", {"alarmActions": ["arn:aws:automate:eu-west-1:ec2:recover"]}),
            R(CMS_ALARM, "rds-cpu", {"contactGroups": ["acme-p2"], "enabled": True}),
        ],
        bad=[
            [R(CMS_ALARM, "rds-cpu", {"contactGroups": []})],
            [R(CMS_ALARM, "rds-cpu", {"contactGroups": ["acme-p2"], "enabled": False})],
            [R(ALARM, "cpu", {"okActions": ["arn:sns:p2"]})],
            [R(ALARM, "cpu", {"alarmActions": ["arn:aws:sns:eu-west-1:1:p2"], "okActions": []})],
            [R(ALARM, "cpu", {"alarmActions": ["a"], "okActions": ["a"], "actionsEnabled": False})],
            # A Metrics Insights alarm (the Gateway's) is held to the same: no actions, no alarm.
            [
                R(
                    ALARM,
                    "lb-5xx",
                    {
                        "metricQueries": [
                            {
                                "id": "q1",
                                "expression": "SELECT SUM(x) "
                                'FROM SCHEMA("AWS/ApplicationELB", '
                                "LoadBalancer)",
                                "returnData": True,
                            }
                        ]
                    },
                )
            ],
        ],
        unknown=[R(ALARM, "cpu", {"alarmActions": UNKNOWN, "okActions": ["arn:sns:p2"]})],
    ),
    "obs-alarms-for-edge": Case(
        ok=[
            R(CF, "cdn", {}),
            R(
                ALARM,
                "cdn-5xx",
                {"alarmActions": ["arn:sns"], "dimensions": {"DistributionId": UNKNOWN}},
                links={"dimensions": ["cdn"]},
            ),
            R(WEB_ACL, "waf", {"scope": "CLOUDFRONT"}),
            R(
                ALARM,
                "waf-blocked",
                {"alarmActions": ["arn:sns"], "dimensions": {"WebACL": UNKNOWN}},
                links={"dimensions": ["waf"]},
            ),
            # The certificate's alarm names the ARN its validation returns.
            R(CERTIFICATE, "cert", {"domainName": "a.example"}),
            R(
                CERT_VALIDATION,
                "cert-validation",
                {"certificateArn": UNKNOWN},
                links={"certificateArn": ["cert"]},
            ),
            R(
                ALARM,
                "expiry",
                {"alarmActions": ["arn:sns"], "dimensions": {"CertificateArn": UNKNOWN}},
                links={"dimensions": ["cert-validation"]},
            ),
        ],
        bad=[
            [R(CF, "cdn", {})],
            [
                R(WEB_ACL, "waf", {"scope": "CLOUDFRONT"}),
                R(
                    ALARM,
                    "waf-blocked",
                    {"dimensions": {"WebACL": UNKNOWN}},  # no actions
                    links={"dimensions": ["waf"]},
                ),
            ],
            [
                R(CERTIFICATE, "cert", {"domainName": "a.example"}),
                R(
                    CERT_VALIDATION,
                    "cert-validation",
                    {"certificateArn": UNKNOWN},
                    links={"certificateArn": ["cert"]},
                ),
            ],
        ],
        config={"enabled": True},
    ),
    "obs-alarms-for-stateful": Case(
        ok=[
            R(CLUSTER, "db", AURORA),
            R(
                ALARM,
                "cpu",
                {"alarmActions": ["arn:sns"], "dimensions": {"DBClusterIdentifier": UNKNOWN}},
                links={"dimensions": ["db"]},
            ),
            R(KV, "kv", {}),
            R(
                CMS_ALARM,
                "kv-cpu",
                {"contactGroups": ["acme-p2"], "metricDimensions": UNKNOWN},
                links={"metricDimensions": ["kv"]},
            ),
            R("alicloud:polardb/cluster:Cluster", "polar", {}),
            R(
                CMS_ALARM,
                "polar-cpu",
                {"contactGroups": ["acme-p2"], "metricDimensions": UNKNOWN},
                links={"metricDimensions": ["polar"]},
            ),
        ],
        bad=[
            [R(CLUSTER, "db", AURORA)],
            [R(ALI_RDS, "pg", {})],
            [R("alicloud:polardb/cluster:Cluster", "polar", {})],  # a PolarDB option without alarms
            [
                R("alicloud:polardb/cluster:Cluster", "polar", {}),
                R(
                    CMS_ALARM,
                    "polar-cpu",
                    {"contactGroups": []},
                    links={"metricDimensions": ["polar"]},
                ),
            ],
            [
                R(KV, "kv", {}),
                R(CMS_ALARM, "kv-cpu", {"contactGroups": []}, links={"metricDimensions": ["kv"]}),
            ],
            [
                R(RG, "c", REDIS_OK),
                R(ALARM, "cpu", {"dimensions": {}}, links={"dimensions": ["c"]}),
            ],
        ],
    ),
    "cost-instance-class-allowlist": Case(
        ok=[
            R(CI, "db-1", {"instanceClass": "db.t4g.medium"}),
            R(NG, "ng", NODEGROUP),
            R(RG, "c", {"nodeType": "cache.t4g.small"}),
        ],
        bad=[
            [R(CI, "db-1", {"instanceClass": "db.r7g.4xlarge"})],
            [R(NG, "ng", {**NODEGROUP, "instanceTypes": ["m7i.large"]})],
            [R(RG, "c", {"nodeType": "cache.r7g.large"})],
        ],
        unknown=[R(CI, "db-1", {"instanceClass": UNKNOWN})],
        config={
            "dbInstanceClasses": ["db.t4g.medium"],
            "cacheNodeTypes": ["cache.t4g.small"],
            "nodeInstanceTypes": ["t3.large", "t3a.large"],
        },
    ),
    "cost-dev-footprint": Case(
        ok=[
            R(NAT, "nat-a", {}),
            R(NG, "ng", NODEGROUP),
            R(RG, "c", {"numCacheClusters": 1}),
            R(CI, "db-1", {}),
        ],
        bad=[
            [R(NAT, "nat-a", {}), R(NAT, "nat-b", {})],
            [R(NG, "ng", {**NODEGROUP, "capacityType": "ON_DEMAND"})],
            [R(RG, "c", REDIS_OK)],
            [R(CI, "db-1", {}), R(CI, "db-2", {})],
            [R(RDS, "db", {"multiAz": True})],
            [R(GRG, "cache-global", {})],
        ],
    ),
    "cost-storage-gp3": Case(
        ok=[
            R(
                LT,
                "lt",
                {"blockDeviceMappings": [{"ebs": {"volumeType": "gp3", "encrypted": "true"}}]},
            )
        ],
        bad=[
            [R(LT, "lt", {"blockDeviceMappings": [{"ebs": {"volumeType": "gp2"}}]})],
            [R(RDS, "db", {"storageType": "io1"})],
        ],
        unknown=[R("aws:ebs/volume:Volume", "v", {"type": UNKNOWN})],
    ),
    "cost-log-retention": Case(
        ok=[
            R(LOGS, "l", {"retentionInDays": 7, "tags": {"log-class": "application"}}),
            R(LOGS, "l", {"retentionInDays": 30, "tags": {"log-class": "audit"}}),
            R(LOGS, "l", {"retentionInDays": 30}),  # untagged: the strictest class (audit)
            R(SLS, "s", {"retentionPeriod": 30}),  # no project in the stack: the strictest class
            # SLS logstores carry no tags: the class is their project's.
            *sls_store("app", "application", 1),
            *sls_store("flow", "flow", 14),
            R(ACK, "ack", {"controlPlaneLogComponents": ["apiserver"], "controlPlaneLogTtl": "30"}),
            R(ACK, "quiet", {}),  # ships no control-plane logs
        ],
        bad=[
            [R(LOGS, "l", {"tags": {"log-class": "application"}})],
            [R(LOGS, "l", {"retentionInDays": 7, "tags": {"log-class": "audit"}})],
            [R(LOGS, "l", {"retentionInDays": 7})],  # untagged: held to audit's 30 days
            [R(LOGS, "l", {"retentionInDays": 30, "tags": {"log-class": "debug"}})],
            [R(LOGS, "l", {"retentionInDays": 365, "tags": {"log-class": "audit"}})],
            [R(SLS, "s", {"retentionPeriod": 3650})],
            sls_store("app", "flow", 7),  # a flow-class project's logstore below 14 days
            sls_store("app", None, 14),  # an unclassed project: held to audit's 30 days
            sls_store("app", "debug", 30),  # not a class
            [
                R(
                    ACK,
                    "ack",
                    {"controlPlaneLogComponents": ["apiserver"], "controlPlaneLogTtl": "7"},
                )
            ],
            [R(ACK, "ack", {"controlPlaneLogComponents": ["apiserver"]})],  # ACK's own default
        ],
        unknown=[
            R(LOGS, "l", {"retentionInDays": UNKNOWN, "tags": {"log-class": "flow"}}),
            R(LOGS, "l", {"retentionInDays": 30, "tags": UNKNOWN}),
        ],
        config={"minDaysByClass": {"application": 1, "audit": 30, "flow": 14}, "maxDays": 60},
    ),
    "cost-bucket-lifecycle": Case(
        ok=[
            bucket(),
            side(
                LIFECYCLE,
                "lc",
                {
                    "rules": [
                        {
                            "status": "Enabled",
                            "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7},
                        }
                    ]
                },
            ),
        ],
        bad=[
            [bucket()],
            [
                bucket(),
                side(
                    LIFECYCLE, "lc", {"rules": [{"status": "Enabled", "expiration": {"days": 30}}]}
                ),
            ],
        ],
    ),
    "cost-cdn-price-class": Case(
        ok=[R(CF, "cdn", CF_OK)],
        bad=[
            [R(CF, "cdn", {**CF_OK, "priceClass": "PriceClass_All"})],
            [R(CF, "cdn", {**CF_OK, "priceClass": None})],
        ],
        unknown=[R(CF, "cdn", {**CF_OK, "priceClass": UNKNOWN})],
        config={"allowedPriceClasses": ["PriceClass_100"]},
    ),
    "cost-stack-budget": Case(
        ok=[R(NAT, "nat-a", {}), R(KMS, "k", {})],
        bad=[[R(NAT, f"nat-{i}", {}) for i in range(3)]],
        config={"maxMonthlyCost": 100},
    ),
    "iam-oidc-trust-scoped": Case(
        ok=[
            R(
                ROLE,
                "deploy",
                {
                    "assumeRolePolicy": oidc_trust(
                        "StringEquals", "repo:acme/gw:environment:prod:ref:refs/heads/main"
                    ),
                    "tags": TAGS,
                },
            ),
            R(
                ROLE,
                "preview",
                {
                    "assumeRolePolicy": oidc_trust("StringLike", "repo:acme/gw:pull_request:*"),
                    "tags": TAGS,
                },
            ),
            R(
                ROLE,
                "irsa",
                {
                    "assumeRolePolicy": oidc_trust(
                        "StringEquals",
                        "system:serviceaccount:kube-system:lbc",
                        issuer="oidc.eks.eu-west-1.amazonaws.com/id/AB",
                    ),
                    "tags": TAGS,
                },
            ),
            R(
                ROLE,
                "svc",
                {
                    "assumeRolePolicy": json.dumps(
                        {
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Principal": {"Service": "eks.amazonaws.com"},
                                    "Action": "sts:AssumeRole",
                                }
                            ]
                        }
                    ),
                    "tags": TAGS,
                },
            ),
        ],
        bad=[
            [
                R(
                    ROLE,
                    "any-repo",
                    {"assumeRolePolicy": oidc_trust("StringLike", "repo:*"), "tags": TAGS},
                )
            ],
            [
                R(
                    ROLE,
                    "any-ref",
                    {
                        "assumeRolePolicy": oidc_trust("StringLike", "*:ref:refs/heads/main"),
                        "tags": TAGS,
                    },
                )
            ],
            [
                R(
                    ROLE,
                    "gitlab-any",
                    {
                        "assumeRolePolicy": oidc_trust(
                            "StringLike", "project_path:*", issuer="gitlab.com"
                        ),
                        "tags": TAGS,
                    },
                )
            ],
            [R(ROLE, "aud-only", {"assumeRolePolicy": oidc_trust(None, None), "tags": TAGS})],
        ],
        unknown=[R(ROLE, "r", {"assumeRolePolicy": UNKNOWN, "tags": TAGS})],
    ),
    "cost-estimate-complete": Case(
        ok=[R(NAT, "nat-a", {}), R(VPC, "vpc", {}), R(LOGS, "l", {})],
        bad=[
            [R("aws:opensearch/domain:Domain", "search", {})],
            [R(CI, "db-1", {"instanceClass": "db.x2g.16xlarge"})],
        ],
    ),
}


CASES: dict[str, Case] = {
    **BASE_CASES,
    **policy_cases_k8s.CASES,
    **policy_cases_alicloud.CASES,
    **policy_cases_floors.CASES,
    **policy_cases_aws.AWS_CASES,
}


def test_every_rule_has_cases() -> None:
    assert set(CASES) == {r.id for r in RULES}


def test_there_are_at_least_50_rules_in_three_groups() -> None:
    assert len(RULES) >= 50
    assert {r.group for r in RULES} == {"security", "availability", "cost"}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_compliant_case_passes(rule_id: str) -> None:
    case = CASES[rule_id]
    assert run(rule_id, case.ok, case.config) == []


@pytest.mark.parametrize(
    ("rule_id", "index"), [(rid, i) for rid in sorted(CASES) for i in range(len(CASES[rid].bad))]
)
def test_violating_case_is_reported(rule_id: str, index: int) -> None:
    case = CASES[rule_id]
    messages = run(rule_id, case.bad[index], case.config)
    assert messages, f"{rule_id}: scenario {index} should violate"
    rule = BY_ID[rule_id]
    assert all(m.startswith(f"[{rule.severity}] ") and "Fix: " in m for m in messages)


@pytest.mark.parametrize("rule_id", sorted(r for r in CASES if CASES[r].unknown is not None))
def test_unknown_value_is_never_a_silent_pass(rule_id: str) -> None:
    # The rule hands the unknown to the engine (UnknownValueError), which prints "can't run policy
    # ... during preview" and runs the policy again during the update with the value known.
    case = CASES[rule_id]
    assert case.unknown is not None
    with pytest.raises(UnknownValueError) as err:
        run(rule_id, case.unknown, case.config)
    assert err.value.props, f"{rule_id}: the unknown property is not named"


def test_security_rules_handle_unknowns() -> None:
    """Every mandatory-everywhere resource rule that reads values has an unknown case."""
    exempt = {"no-default-provider", "no-output-in-strings"}  # read no input values
    # An unknown kmsKeyId is an output of a key this stack creates (an AWS-managed key is a known
    # `alias/aws/...` literal), so db-cmk passes it by design; its ok-case covers that.
    exempt |= {"db-cmk"}
    exempt |= {"k8s-http-via-gateway"}  # the object's kind alone decides
    missing = [
        r.id
        for r in RULES
        if r.group == "security"
        and r.kind == "resource"
        and r.id not in exempt
        and CASES[r.id].unknown is None
    ]
    assert missing == []


def test_exclude_exempts_resources_by_name() -> None:
    assert (
        run(
            "net-sg-no-public-admin-ports",
            [sg(ingress(22), name="bastion-sg")],
            {"exclude": ["^bastion"]},
        )
        == []
    )
    assert run(
        "net-sg-no-public-admin-ports", [sg(ingress(22), name="web-sg")], {"exclude": ["^bastion"]}
    )


def test_config_thresholds_override_defaults() -> None:
    one_day = [R(CLUSTER, "db", {**AURORA, "backupRetentionPeriod": 1})]
    assert run("db-backup-retention", one_day)  # default minDays 7
    assert run("db-backup-retention", one_day, {"minDays": 1}) == []
    open_cidr = [
        R(
            EKS,
            "eks",
            {
                **EKS_OK,
                "vpcConfig": {
                    "endpointPublicAccess": True,
                    "publicAccessCidrs": ["203.0.113.0/24"],
                },
            },
        )
    ]
    assert run("k8s-cluster-endpoint-not-open", open_cidr, {"allowPublicEndpoint": True}) == []
    world = [R(EKS, "eks", {**EKS_OK, "vpcConfig": {"endpointPublicAccess": True}})]
    assert run("k8s-cluster-endpoint-not-open", world, {"allowPublicEndpoint": True})


def test_unexpected_property_shape_is_a_violation_not_a_crash() -> None:
    messages = run("net-sg-ingress-cidr-allowlist", [sg(ingress(443, "not-a-cidr"))])
    assert messages and "cannot evaluate" in messages[0]
    messages = run("k8s-replicas-and-pdb", [deploy(replicas="two"), pdb()])
    assert messages and "cannot evaluate" in messages[0]


def test_replicas_may_come_from_the_hpa_floor() -> None:
    # With an HPA the Deployment leaves spec.replicas unset so `pulumi up` never fights the
    # autoscaler; the HPA's minReplicas is what runs.
    assert run("k8s-replicas-and-pdb", [deploy(replicas=None), hpa(min_replicas=3), pdb()]) == []
    assert run("k8s-replicas-and-pdb", [deploy(replicas=None), hpa(target="other"), pdb()])


def test_cdn_logging_through_vended_log_delivery_counts() -> None:
    no_legacy = {**CF_OK, "loggingConfig": None}
    source = R(
        "aws:cloudwatch/logDeliverySource:LogDeliverySource",
        "cdn-logs-source",
        {"name": "cdn-access", "logType": "ACCESS_LOGS", "resourceArn": "arn-of-cdn"},
        links={"resourceArn": ["cdn"]},
    )
    delivery = R(
        "aws:cloudwatch/logDelivery:LogDelivery",
        "cdn-logs-delivery",
        {"deliverySourceName": "cdn-access", "deliveryDestinationArn": "arn:dest"},
        links={"deliverySourceName": ["cdn-logs-source"]},
    )
    assert run("cdn-waf-and-logging", [R(CF, "cdn", no_legacy), source, delivery]) == []
    # A source nobody delivers is not logging.
    assert run("cdn-waf-and-logging", [R(CF, "cdn", no_legacy), source])


def test_a_stack_check_on_resources_of_an_unconfigured_provider_is_deferred_in_a_preview(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # First preview of prod under the real engine (./tasks e2e): the Kubernetes provider's config
    # comes from the EKS cluster the same update creates, so the engine passes every Kubernetes
    # resource with no properties. The replicas/PDB check must hand that to the update instead of
    # reporting "1 replica" and "no PDB".
    k8s = provider(name="k8s")
    deployment = R("kubernetes:apps/v1:Deployment", "web", provider=k8s)
    pdb = R("kubernetes:policy/v1:PodDisruptionBudget", "web-pdb", provider=k8s)
    assert run("k8s-replicas-and-pdb", [deployment, pdb], {"minReplicas": 2})  # not a preview
    monkeypatch.setattr(pulumi.runtime, "is_dry_run", lambda: True)
    with pytest.raises(UnknownValueError) as err:
        run("k8s-replicas-and-pdb", [deployment, pdb], {"minReplicas": 2})
    assert "provider's config is unknown" in err.value.message
    known = R(
        "kubernetes:apps/v1:Deployment",
        "web",
        {"metadata": {"name": "web"}, "spec": {"replicas": 1}},
    )
    assert run(
        "k8s-replicas-and-pdb", [known, pdb], {"minReplicas": 2}
    )  # a known sibling: reported


def test_sls_keeps_logs_forever_from_3650_days() -> None:
    within_bounds = {"minDaysByClass": {"audit": 1}, "maxDays": 3653}
    assert run("cost-log-retention", [R(SLS, "s", {"retentionPeriod": 3650})], within_bounds)
    assert run("cost-log-retention", [R(SLS, "s", {"retentionPeriod": 3000})], within_bounds) == []


def test_log_retention_names_the_class_it_held_the_group_to() -> None:
    floors = {"minDaysByClass": {"application": 7, "audit": 365, "flow": 90}, "maxDays": 3653}
    app = R(LOGS, "app", {"retentionInDays": 30, "tags": {"log-class": "application"}})
    assert run("cost-log-retention", [app], floors) == []
    (untagged,) = run("cost-log-retention", [R(LOGS, "mine", {"retentionInDays": 30})], floors)
    assert "strictest class 'audit'" in untagged
    assert "below the 365 days" in untagged
    (typo,) = run("cost-log-retention", [R(LOGS, "l", {"retentionInDays": 30,
                                                      "tags": {"log-class": "aplication"}})], floors)  # fmt: skip
    assert "not a retention class; allowed: application, audit, flow" in typo


def test_alibaba_copies_that_imply_the_targets_meet_them() -> None:
    """The compliant Alibaba case of both DR rules: RDS copies with log backups and OSS
    replication with RTC to another region meet 1 h / 4 h (the violating ones are in CASES)."""
    stack = [ALI_OBJECTIVES, *ali_db({"crossBackupRegion": "cn-beijing", "logBackupEnabled": "Enable"}),
             *ali_critical_bucket({**TO_BEIJING, "rtc": {"enabled": True}})]  # fmt: skip
    for rule_id in ("dr-cross-region", "dr-objectives-met"):
        assert run(rule_id, stack, {"enabled": True}) == [], rule_id


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        (ali_db({"crossBackupRegion": "cn-shanghai"}), "database 'pg' has no global secondary"),
        (ali_critical_bucket({"destination": {"bucket": "b", "location": "oss-cn-shanghai"}}),
         "critical bucket 'oss'"),
    ],
)  # fmt: skip
def test_an_alibaba_copy_into_its_own_region_is_named(scenario: list[R], expected: str) -> None:
    messages = run("dr-cross-region", scenario, {"enabled": True})
    assert any(expected in m for m in messages), messages


def test_alibaba_objectives_missed_name_the_tier_and_the_figures() -> None:
    weekly = [ALI_OBJECTIVES, *ali_db({"crossBackupRegion": "cn-beijing",
                                       "logBackupEnabled": "Disabled"}, ["Monday", "Thursday"])]  # fmt: skip
    (message,) = run("dr-objectives-met", weekly, {"enabled": True})
    assert "tier database: implied RPO 4 d / RTO 2 h (rds-cross-region-backup)" in message
    (unbounded,) = run("dr-objectives-met", [ALI_OBJECTIVES, *ali_critical_bucket(TO_BEIJING)],
                       {"enabled": True})  # fmt: skip
    assert "tier objects: implied RPO unbounded / RTO 15 min (oss-replication)" in unbounded


def test_an_sls_logstore_is_held_to_its_projects_class() -> None:
    config = CASES["cost-log-retention"].config
    (flow,) = run("cost-log-retention", sls_store("app", "flow", 7), config)
    assert "retentionPeriod=7 is below the 14 days of class 'flow'" in flow
    (unclassed,) = run("cost-log-retention", sls_store("app", None, 14), config)
    assert "no log-class tag on its project, so the strictest class 'audit'" in unclassed
    (ack,) = run("cost-log-retention", [R(ACK, "ack", {"controlPlaneLogComponents": ["apiserver"],
                                                         "controlPlaneLogTtl": "7"})], config)  # fmt: skip
    assert "controlPlaneLogTtl=7 is below the 30 days of class 'audit'" in ack
