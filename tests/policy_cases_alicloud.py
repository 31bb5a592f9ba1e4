"""Cases of the Alibaba Cloud rules (OSS, databases, compute and edge, RAM)."""

from __future__ import annotations

import json

from tests.policy_kit import UNKNOWN, UNKNOWN_BOOL, Case, R

OSS = "alicloud:oss/bucket:Bucket"
OSS_SSE = "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption"
POLARDB = "alicloud:polardb/cluster:Cluster"
PRIMARY = "alicloud:polardb/primaryEndpoint:PrimaryEndpoint"
SLB_LISTENER = "alicloud:slb/listener:Listener"
ALB_LISTENER = "alicloud:alb/listener:Listener"
RAM_POLICY = "alicloud:ram/policy:Policy"
RAM_ROLE = "alicloud:ram/role:Role"


KMS_KEY = "alicloud:kms/key:Key"


def oss(name: str = "assets", **props: object) -> R:
    return R(OSS, name, {"bucket": f"acme-{name}", "acl": "private", **props})


def sse(algorithm: object = "KMS", target: str = "assets") -> R:
    return R(
        OSS_SSE,
        f"{target}-sse",
        {"bucket": UNKNOWN, "sseAlgorithm": algorithm, "kmsMasterKeyId": "key-1"},
        links={"bucket": [target]},
    )


def doc(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "1", "Statement": list(statements)})


ANONYMOUS_READ = doc(
    {
        "Effect": "Allow",
        "Principal": ["*"],
        "Action": ["oss:GetObject"],
        "Resource": ["acs:oss:*:*:acme-assets/*"],
    }
)
VPC_ONLY_READ = doc(
    {
        "Effect": "Allow",
        "Principal": ["*"],
        "Action": ["oss:GetObject"],
        "Resource": ["acs:oss:*:*:acme-assets/*"],
        "Condition": {"StringEquals": {"acs:SourceVpc": ["vpc-1"]}},
    }
)
ANY_IP_READ = doc(
    {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "oss:GetObject",
        "Resource": "acs:oss:*:*:acme-assets/*",
        "Condition": {"IpAddress": {"acs:SourceIp": ["0.0.0.0/0"]}},
    }
)
TRUST_ECS = doc(
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["ecs.aliyuncs.com"]}}
)


def trust(principal: object) -> str:
    return doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal})


def endpoint(ssl: object = "Enable", cluster: str = "pg", **props: object) -> R:
    return R(
        PRIMARY,
        f"{cluster}-primary",
        {"dbClusterId": UNKNOWN, "sslEnabled": ssl, **props},
        links={"dbClusterId": [cluster]},
    )


def listener(protocol: str, **props: object) -> R:
    return R(SLB_LISTENER, f"l-{protocol}", {"protocol": protocol, "frontendPort": 443, **props})


CASES: dict[str, Case] = {
    "oss-no-public-access": Case(
        ok=[
            oss(),
            R("alicloud:oss/bucketAcl:BucketAcl", "acl", {"bucket": "b", "acl": "private"}),
            R(
                "alicloud:oss/bucketPolicy:BucketPolicy",
                "pol",
                {"bucket": "b", "policy": VPC_ONLY_READ},
            ),
            R(
                "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "pab",
                {"bucket": "b", "blockPublicAccess": True},
            ),
        ],
        bad=[
            [oss(policy=ANY_IP_READ)],  # a condition that admits every address narrows nothing
            [oss(acl="public-read")],
            [
                R(
                    "alicloud:oss/bucketAcl:BucketAcl",
                    "acl",
                    {"bucket": "b", "acl": "public-read-write"},
                )
            ],
            [
                R(
                    "alicloud:oss/bucketPolicy:BucketPolicy",
                    "pol",
                    {"bucket": "b", "policy": ANONYMOUS_READ},
                )
            ],
            [oss(policy=ANONYMOUS_READ)],
            [
                R(
                    "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock",
                    "pab",
                    {"bucket": "b", "blockPublicAccess": False},
                )
            ],
            [R("alicloud:oss/accountPublicAccessBlock:AccountPublicAccessBlock", "apab", {})],
        ],
        unknown=[R("alicloud:oss/bucketAcl:BucketAcl", "acl", {"bucket": "b", "acl": UNKNOWN})],
    ),
    "oss-encrypted": Case(
        # The separate BucketServerSideEncryption resource counts (it used to be a false positive).
        ok=[oss(), sse(), oss("inline", serverSideEncryptionRule={"sseAlgorithm": "KMS"})],
        bad=[
            [oss()],
            [oss(), sse(target="other"), oss("other")],
            [oss(), sse("AES256")],
        ],
        unknown=[oss(), sse(UNKNOWN)],
        config={"requireKms": True},
    ),
    "alicloud-db-no-public-endpoint": Case(
        ok=[
            R(POLARDB, "pg", {"dbClusterIpArrays": [{"securityIps": ["10.0.0.0/8"]}]}),
            endpoint(netType="Private"),
            R("alicloud:mongodb/instance:Instance", "mongo", {"securityIpLists": ["10.1.0.0/16"]}),
        ],
        bad=[
            [R("alicloud:rds/connection:Connection", "rds-public", {"instanceId": "rm-1"})],
            [R("alicloud:kvstore/connection:Connection", "redis-public", {"instanceId": "r-1"})],
            [
                R(
                    "alicloud:polardb/endpointAddress:EndpointAddress",
                    "pg-public",
                    {"netType": "Public"},
                )
            ],
            [R(POLARDB, "pg", {"dbClusterIpArrays": [{"securityIps": ["10.0.0.0/8,0.0.0.0/0"]}]})],
            [R("alicloud:mongodb/instance:Instance", "mongo", {"securityIpLists": ["0.0.0.0/0"]})],
            [endpoint(netType="Public")],
        ],
        unknown=[endpoint(netType=UNKNOWN)],
    ),
    "alicloud-polardb-ssl": Case(
        ok=[R(POLARDB, "pg", {}), endpoint()],
        bad=[
            [R(POLARDB, "pg", {})],
            [R(POLARDB, "pg", {}), endpoint("Disable")],
            [R(POLARDB, "pg", {}), R(POLARDB, "other", {}), endpoint(cluster="other")],
        ],
        unknown=[R(POLARDB, "pg", {}), endpoint(UNKNOWN)],
    ),
    "alicloud-disk-encrypted": Case(
        ok=[
            R("alicloud:ecs/disk:Disk", "d", {"encrypted": True}),
            R(
                "alicloud:ecs/instance:Instance",
                "vm",
                {"systemDiskEncrypted": True, "dataDisks": [{"size": 100, "encrypted": True}]},
            ),
            R(
                "alicloud:ecs/launchTemplate:LaunchTemplate",
                "lt",
                {"systemDisk": {"encrypted": True}},
            ),
            R("alicloud:cs/nodePool:NodePool", "np", {"systemDiskEncrypted": True}),
        ],
        bad=[
            [R("alicloud:ecs/ecsDisk:EcsDisk", "d", {})],
            [
                R(
                    "alicloud:ecs/instance:Instance",
                    "vm",
                    {"systemDiskEncrypted": True, "dataDisks": [{"size": 100}]},
                )
            ],
            [R("alicloud:ecs/launchTemplate:LaunchTemplate", "lt", {"systemDisk": {"size": 40}})],
            [
                R(
                    "alicloud:cs/nodePool:NodePool",
                    "np",
                    {"systemDiskEncrypted": True, "dataDisks": [{"encrypted": "false"}]},
                )
            ],
        ],
        unknown=[R("alicloud:ecs/disk:Disk", "d", {"encrypted": UNKNOWN_BOOL})],
    ),
    "alicloud-lb-tls-policy": Case(
        ok=[
            listener("https", tlsCipherPolicy="tls_cipher_policy_1_2"),
            listener("tcp"),
            R(
                ALB_LISTENER,
                "alb",
                {"listenerProtocol": "HTTPS", "securityPolicyId": "tls_cipher_policy_1_2_strict"},
            ),
            R(
                "alicloud:alb/securityPolicy:SecurityPolicy",
                "sp",
                {"tlsVersions": ["TLSv1.2", "TLSv1.3"]},
            ),
        ],
        bad=[
            [listener("https")],
            [listener("https", tlsCipherPolicy="tls_cipher_policy_1_1")],
            [R(ALB_LISTENER, "alb", {"listenerProtocol": "HTTPS"})],
            [
                R(
                    "alicloud:nlb/listener:Listener",
                    "nlb",
                    {"listenerProtocol": "TCPSSL", "securityPolicyId": "tls_cipher_policy_1_0"},
                )
            ],
            [
                R(
                    "alicloud:alb/securityPolicy:SecurityPolicy",
                    "sp",
                    {"tlsVersions": ["TLSv1.0", "TLSv1.2"]},
                )
            ],
        ],
        unknown=[listener("https", tlsCipherPolicy=UNKNOWN)],
    ),
    "alicloud-lb-http-redirect": Case(
        ok=[
            listener("http", listenerForward="on", forwardPort=443),
            R(ALB_LISTENER, "alb-http", {"listenerProtocol": "HTTP"}),
            R(
                "alicloud:alb/rule:Rule",
                "to-https",
                {
                    "listenerId": UNKNOWN,
                    "ruleActions": [
                        {
                            "type": "Redirect",
                            "order": 1,
                            "redirectConfig": {"protocol": "HTTPS", "port": "443"},
                        }
                    ],
                },
                links={"listenerId": ["alb-http"]},
            ),
        ],
        bad=[
            [listener("http")],
            [R(ALB_LISTENER, "alb-http", {"listenerProtocol": "HTTP"})],
        ],
        unknown=[listener(UNKNOWN)],
    ),
    "alicloud-deletion-protection": Case(
        ok=[
            R(
                "alicloud:cs/managedKubernetes:ManagedKubernetes",
                "ack",
                {"deletionProtection": True},
            ),
            R("alicloud:slb/loadBalancer:LoadBalancer", "slb", {"deleteProtection": "on"}),
            R("alicloud:alb/loadBalancer:LoadBalancer", "alb", {"deletionProtectionEnabled": True}),
        ],
        bad=[
            [R("alicloud:cs/managedKubernetes:ManagedKubernetes", "ack", {})],
            [R("alicloud:ecs/instance:Instance", "vm", {"deletionProtection": False})],
            [R("alicloud:slb/loadBalancer:LoadBalancer", "slb", {})],
        ],
        unknown=[
            R(
                "alicloud:cs/managedKubernetes:ManagedKubernetes",
                "ack",
                {"deletionProtection": UNKNOWN_BOOL},
            )
        ],
    ),
    "alicloud-ram-no-admin": Case(
        ok=[
            R(
                RAM_POLICY,
                "p",
                {
                    "policyDocument": doc(
                        {
                            "Effect": "Allow",
                            "Action": ["oss:GetObject"],
                            "Resource": ["acs:oss:*:*:acme/*"],
                        }
                    )
                },
            ),
            R(
                "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment",
                "a",
                {"roleName": "r", "policyName": "AliyunOSSReadOnlyAccess", "policyType": "System"},
            ),
        ],
        bad=[
            [
                R(
                    RAM_POLICY,
                    "p",
                    {
                        "policyDocument": doc(
                            {"Effect": "Allow", "Action": "*:*", "Resource": "acs:*:*:*:*"}
                        )
                    },
                )
            ],
            [
                R(
                    RAM_POLICY,
                    "p",
                    {"policyDocument": doc({"Effect": "Allow", "Action": "*", "Resource": "*"})},
                )
            ],
            [
                R(
                    "alicloud:resourcemanager/policy:Policy",
                    "p",
                    {
                        "policyDocument": doc(
                            {"Effect": "Allow", "Action": ["ram:*"], "Resource": ["*"]}
                        )
                    },
                )
            ],
            [
                R(
                    RAM_POLICY,
                    "p",
                    {"statements": [{"effect": "Allow", "actions": ["*"], "resources": ["*"]}]},
                )
            ],
            [
                R(
                    "alicloud:ram/userPolicyAttachment:UserPolicyAttachment",
                    "a",
                    {"userName": "u", "policyName": "AdministratorAccess", "policyType": "System"},
                )
            ],
        ],
        unknown=[R(RAM_POLICY, "p", {"policyDocument": UNKNOWN})],
    ),
    "alicloud-ram-role-trust": Case(
        ok=[
            R(RAM_ROLE, "r", {"assumeRolePolicyDocument": TRUST_ECS}),
            R(
                RAM_ROLE,
                "acct",
                {"assumeRolePolicyDocument": trust({"RAM": ["acs:ram::1234567890:root"]})},
            ),
        ],
        bad=[
            [R(RAM_ROLE, "r", {"assumeRolePolicyDocument": trust({"RAM": ["*"]})})],
            [R(RAM_ROLE, "r", {"assumeRolePolicyDocument": trust({"RAM": "acs:ram::*:root"})})],
            [R(RAM_ROLE, "r", {"document": trust("*")})],
        ],
        unknown=[R(RAM_ROLE, "r", {"assumeRolePolicyDocument": UNKNOWN})],
    ),
    "alicloud-ram-no-user-access-keys": Case(
        ok=[R("alicloud:ram/accessKey:AccessKey", "old", {"userName": "ci", "status": "Inactive"})],
        bad=[
            [R("alicloud:ram/accessKey:AccessKey", "k", {"userName": "ci"})],
            [
                R(
                    "alicloud:ram/loginProfile:LoginProfile",
                    "console",
                    {"userName": "ci", "mfaBindRequired": True},
                )
            ],
        ],
        unknown=[R("alicloud:ram/accessKey:AccessKey", "k", {"userName": "ci", "status": UNKNOWN})],
    ),
}

CASES.update(
    {
        "alicloud-ecs-no-public-ip": Case(
            ok=[
                R("alicloud:ecs/instance:Instance", "vm", {"internetMaxBandwidthOut": 0}),
                R("alicloud:cs/nodePool:NodePool", "np", {}),
            ],
            bad=[
                [R("alicloud:ecs/instance:Instance", "vm", {"internetMaxBandwidthOut": 10})],
                [R("alicloud:ecs/instance:Instance", "vm", {"allocatePublicIp": True})],
                [
                    R(
                        "alicloud:ecs/launchTemplate:LaunchTemplate",
                        "lt",
                        {"internetMaxBandwidthOut": 5},
                    )
                ],
                [R("alicloud:cs/nodePool:NodePool", "np", {"internetMaxBandwidthOut": 1})],
            ],
            unknown=[
                R("alicloud:ecs/instance:Instance", "vm", {"internetMaxBandwidthOut": UNKNOWN})
            ],
        ),
        "alicloud-ecs-metadata-tokens": Case(
            ok=[
                R("alicloud:ecs/instance:Instance", "vm", {"httpTokens": "required"}),
                R("alicloud:ecs/instance:Instance", "no-imds", {"httpEndpoint": "disabled"}),
                R(
                    "alicloud:cs/nodePool:NodePool",
                    "np",
                    {"instanceMetadataOptions": {"httpTokens": "required"}},
                ),
            ],
            bad=[
                [R("alicloud:ecs/instance:Instance", "vm", {})],
                [
                    R(
                        "alicloud:ecs/ecsLaunchTemplate:EcsLaunchTemplate",
                        "lt",
                        {"httpTokens": "optional"},
                    )
                ],
                [R("alicloud:cs/nodePool:NodePool", "np", {})],
            ],
            unknown=[R("alicloud:ecs/instance:Instance", "vm", {"httpTokens": UNKNOWN})],
        ),
        "alicloud-redis-tde": Case(
            ok=[R("alicloud:kvstore/instance:Instance", "kv", {"tdeStatus": "Enabled"})],
            bad=[[R("alicloud:kvstore/instance:Instance", "kv", {})]],
            unknown=[R("alicloud:kvstore/instance:Instance", "kv", {"tdeStatus": UNKNOWN})],
        ),
        "alicloud-kms-key-in-instance": Case(
            # An instance the stack creates has no id at preview: set-but-unknown is in one.
            ok=[
                R(KMS_KEY, "db", {"dkmsInstanceId": "kst-shh1"}),
                R(KMS_KEY, "oss", {"dkmsInstanceId": UNKNOWN}),
            ],
            bad=[[R(KMS_KEY, "db", {})], [R(KMS_KEY, "db", {"dkmsInstanceId": ""})]],
        ),
        "alicloud-kms-one-default-key": Case(
            ok=[R(KMS_KEY, "shared", {}), R(KMS_KEY, "db", {"dkmsInstanceId": UNKNOWN})],
            bad=[[R(KMS_KEY, "shared", {}), R(KMS_KEY, "db", {})]],
        ),
    }
)

TLS_ONLY = doc(
    {
        "Effect": "Deny",
        "Principal": ["*"],
        "Action": ["oss:*"],
        "Resource": ["acs:oss:*:*:acme-assets", "acs:oss:*:*:acme-assets/*"],
        "Condition": {"Bool": {"acs:SecureTransport": ["false"]}},
    }
)
OSS_POLICY = "alicloud:oss/bucketPolicy:BucketPolicy"
OSS_VERSIONING = "alicloud:oss/bucketVersioning:BucketVersioning"
OSS_LOGGING = "alicloud:oss/bucketLogging:BucketLogging"
CDN = "alicloud:cdn/domainNew:DomainNew"
CDN_CONFIG = "alicloud:cdn/domainConfig:DomainConfig"
RDS = "alicloud:rds/instance:Instance"
RDS_BACKUP = "alicloud:rds/backupPolicy:BackupPolicy"
DAILY = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def side(typ: str, name: str, target: str = "assets", **props: object) -> R:
    """A bucket's side resource, joined to it through `bucket` (as a program would)."""
    return R(typ, name, {"bucket": UNKNOWN, **props}, links={"bucket": [target]})


def cdn_domain(**props: object) -> R:
    return R(CDN, "cdn", {"domainName": "static.example.cn", "cdnType": "web",
                          "sources": [{"content": "acme-assets.oss-cn-shanghai.aliyuncs.com",
                                       "type": "oss", "port": 443}],
                          "certificateConfig": {"certType": "free", "serverCertificateStatus": "on"},
                          **props})  # fmt: skip


def cdn_config(function: str, **args: str) -> R:
    return R(
        CDN_CONFIG,
        f"cdn-{function}",
        {"domainName": UNKNOWN, "functionName": function,
         "functionArgs": [{"argName": k, "argValue": v} for k, v in args.items()]},
        links={"domainName": ["cdn"]},
    )  # fmt: skip


SECURE_CDN = [
    cdn_domain(),
    cdn_config("l2_oss_key", private_oss_auth="on"),
    cdn_config("https_force", enable="on", https_rewrite="301"),
    cdn_config("https_tls_version", tls10="off", tls11="off", tls12="on", tls13="on"),
    cdn_config("HSTS", enabled="on", https_hsts_max_age="31536000"),
]


def without(resources: list[R], name: str) -> list[R]:
    return [r for r in resources if r.name != name]


POLARDB = "alicloud:polardb/cluster:Cluster"


def polardb(**props: object) -> R:
    base = {"dbNodeCount": 2, "standbyAz": "cn-shanghai-m", "hotStandbyCluster": "ON"}
    return R(POLARDB, "polar", {**base, **props})


def polardb_backup(**props: object) -> R:
    base = {"dbClusterId": UNKNOWN, "preferredBackupPeriods": DAILY, "logBackupRetentionPeriod": 14}
    return R("alicloud:polardb/backupPolicy:BackupPolicy", "polar-backup", {**base, **props},
             links={"dbClusterId": ["polar"]})  # fmt: skip


def rds(category: str = "HighAvailability") -> R:
    return R(RDS, "pg", {"engine": "PostgreSQL", "category": category})


def backup(**props: object) -> R:
    base: dict[str, object] = {"instanceId": UNKNOWN, "preferredBackupPeriods": DAILY,
                               "backupRetentionPeriod": 14, "enableBackupLog": True,
                               "logBackupRetentionPeriod": 14}  # fmt: skip
    return R(RDS_BACKUP, "pg-backup", {**base, **props}, links={"instanceId": ["pg"]})


CASES.update(
    {
        "oss-tls-only-policy": Case(
            ok=[
                oss(),
                side(OSS_POLICY, "assets-policy", policy=TLS_ONLY),
                oss("inline", policy=TLS_ONLY),
            ],
            bad=[
                [oss()],
                [oss(), side(OSS_POLICY, "assets-policy", policy=VPC_ONLY_READ)],
                [
                    oss(),
                    side(OSS_POLICY, "other-policy", target="other", policy=TLS_ONLY),
                    oss("other"),
                ],
            ],
            unknown=[oss(), side(OSS_POLICY, "assets-policy", policy=UNKNOWN)],
        ),
        "oss-versioning-logging": Case(
            ok=[
                oss(),
                side(OSS_VERSIONING, "assets-versioning", status="Enabled"),
                side(OSS_LOGGING, "assets-logging", targetBucket="acme-logs", targetPrefix="oss/"),
                oss("acme-logs", versioning={"status": "Enabled"}),  # the log bucket is exempt
            ],
            bad=[
                [oss(), side(OSS_LOGGING, "assets-logging", targetBucket="l")],
                [
                    oss(),
                    side(OSS_VERSIONING, "assets-versioning", status="Suspended"),
                    side(OSS_LOGGING, "assets-logging", targetBucket="l"),
                ],
                [oss(), side(OSS_VERSIONING, "assets-versioning", status="Enabled")],
            ],
            unknown=[
                oss(),
                side(OSS_VERSIONING, "assets-versioning", status=UNKNOWN),
                side(OSS_LOGGING, "assets-logging", targetBucket="l"),
            ],
        ),
        "alicloud-cdn-https": Case(
            ok=SECURE_CDN,
            bad=[
                without(SECURE_CDN, "cdn-https_force"),
                without(SECURE_CDN, "cdn-https_tls_version"),
                [
                    *without(SECURE_CDN, "cdn-https_tls_version"),
                    cdn_config("https_tls_version", tls10="off", tls11="on", tls12="on"),
                ],
                without(SECURE_CDN, "cdn-HSTS"),
                [cdn_domain(certificateConfig=None), *SECURE_CDN[1:]],
                [cdn_domain(certificateConfig={"serverCertificateStatus": "off"}), *SECURE_CDN[1:]],
            ],
            unknown=[
                *without(SECURE_CDN, "cdn-https_force"),
                cdn_config("https_force", enable=UNKNOWN),
            ],
        ),
        "alicloud-cdn-oss-origin-private": Case(
            ok=[
                *SECURE_CDN,
                R(
                    CDN,
                    "web",
                    {
                        "domainName": "www.example.cn",
                        "sources": [{"content": "1.2.3.4", "type": "ipaddr"}],
                    },
                ),
            ],
            bad=[
                without(SECURE_CDN, "cdn-l2_oss_key"),
                [
                    *without(SECURE_CDN, "cdn-l2_oss_key"),
                    cdn_config("l2_oss_key", private_oss_auth="off"),
                ],
            ],
            unknown=[
                *without(SECURE_CDN, "cdn-l2_oss_key"),
                cdn_config("l2_oss_key", private_oss_auth=UNKNOWN),
            ],
        ),
        "alicloud-rds-backup-policy": Case(
            ok=[
                rds(),
                backup(),
                R(RDS, "dev", {"category": "Basic"}),
                R(
                    RDS_BACKUP,
                    "dev-backup",
                    {
                        "instanceId": UNKNOWN,
                        "preferredBackupPeriods": DAILY,
                        "enableBackupLog": False,
                    },
                    links={"instanceId": ["dev"]},
                ),
                polardb(),
                polardb_backup(),
            ],
            bad=[
                [polardb()],  # a PolarDB cluster without a backup policy
                [polardb(), polardb_backup(preferredBackupPeriods=["Monday", "Thursday"])],
                [polardb(), polardb_backup(logBackupRetentionPeriod=3)],
                [rds()],
                [
                    rds(),
                    backup(
                        backupRetentionPeriod=None,
                        logBackupRetentionPeriod=None,
                        preferredBackupPeriods=["Monday", "Thursday"],
                    ),
                ],
                [rds(), backup(enableBackupLog=False)],
                [rds(), backup(logBackupRetentionPeriod=3)],
            ],
            unknown=[rds(), backup(backupRetentionPeriod=UNKNOWN)],
            config={"minDays": 7},
        ),
    }
)

WAF_DOMAIN = "alicloud:wafv3/domain:Domain"
WAF_TEMPLATE = "alicloud:wafv3/defenseTemplate:DefenseTemplate"
WAF_RULE = "alicloud:wafv3/defenseRule:DefenseRule"
PROTECTED = "static.example.cn-waf"
RATE_LIMIT = {"ruleAction": "block", "ccStatus": 1,
              "rateLimit": {"target": "remote_addr", "interval": 300, "threshold": 2000, "ttl": 300}}  # fmt: skip


def waf_domain(**listen: object) -> R:
    return R(WAF_DOMAIN, "waf", {
        "domain": "static.example.cn", "accessType": "share", "instanceId": "waf-1",
        "listen": {"httpsPorts": [443], "focusHttps": True, "tlsVersion": "tlsv1.2", **listen},
        "redirect": {"backends": ["static.example.cn.w.kunlunsl.com"], "focusHttpBackend": False}})  # fmt: skip


def waf_template(scene: str, tid: int, **props: object) -> R:
    return R(WAF_TEMPLATE, f"waf-{scene}", {"defenseScene": scene, "status": 1, "instanceId": "waf-1",
                                            "resources": [PROTECTED], "defenseTemplateId": tid,
                                            **props})  # fmt: skip


def waf_rule(scene: str, tid: int, config: dict[str, object], **props: object) -> R:
    return R(WAF_RULE, f"waf-{scene}-rule", {"defenseScene": scene, "defenseType": "template",
                                             "templateId": tid, "ruleStatus": 1, "config": config,
                                             **props})  # fmt: skip


SECURE_WAF = [
    waf_domain(),
    waf_template("waf_base", 1),
    waf_rule("waf_base", 1, {"ruleAction": "block", "autoUpdate": True}),
    waf_template("custom_acl", 2),
    waf_rule("custom_acl", 2, RATE_LIMIT),
]


def replaced(resources: list[R], *new: R) -> list[R]:
    """`resources` with the ones named like `new` swapped for them."""
    names = {r.name for r in new}
    return [*(r for r in resources if r.name not in names), *new]


# Services a team adds beside the platform's own (NAS, Container Registry, Function Compute,
# Elasticsearch, AnalyticDB, auto scaling, network ACLs) and RAM statements on every resource.
NAS = "alicloud:nas/fileSystem:FileSystem"
CR_REPO = "alicloud:cr/repo:Repo"
CR_EE_REPO = "alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo"
CR_NAMESPACE = "alicloud:cr/namespace:Namespace"
FC_TRIGGER = "alicloud:fc/trigger:Trigger"
FC_V3_TRIGGER = "alicloud:fc/v3Trigger:V3Trigger"
SEARCH = "alicloud:elasticsearch/instance:Instance"
GPDB = "alicloud:gpdb/instance:Instance"
SCALING = "alicloud:ess/scalingConfiguration:ScalingConfiguration"
ALI_NACL = "alicloud:vpc/networkAcl:NetworkAcl"


def ram_policy(action: object, resource: object, **statement: object) -> R:
    return R(RAM_POLICY, "p", {"policyName": "p", "policyDocument": doc(
        {"Effect": "Allow", "Action": action, "Resource": resource, **statement})})  # fmt: skip


def acl_entry(policy: str, protocol: str = "all", port: str = "-1/-1",
              source: str = "0.0.0.0/0") -> dict[str, str]:  # fmt: skip
    return {"policy": policy, "protocol": protocol, "port": port, "sourceCidrIp": source}


CASES.update(
    {
        "alicloud-cdn-waf": Case(
            ok=[*SECURE_CDN, *SECURE_WAF],
            bad=[
                SECURE_CDN,  # a CDN domain without a WAF
                [
                    *SECURE_CDN,
                    *SECURE_WAF,  # a second CDN domain a user adds beside it
                    R(CDN, "cdn-2", {"domainName": "img.example.cn", "sources": []}),
                ],
                replaced([*SECURE_CDN, *SECURE_WAF], waf_template("waf_base", 1, status=0)),
                [*SECURE_CDN, *without(SECURE_WAF, "waf-waf_base")],
                replaced(
                    [*SECURE_CDN, *SECURE_WAF], waf_rule("custom_acl", 2, RATE_LIMIT, ruleStatus=0)
                ),
                replaced(
                    [*SECURE_CDN, *SECURE_WAF],
                    waf_rule("custom_acl", 2, {**RATE_LIMIT, "ccStatus": 0}),
                ),
                replaced(
                    [*SECURE_CDN, *SECURE_WAF],
                    waf_rule("custom_acl", 2, {**RATE_LIMIT, "ruleAction": "monitor"}),
                ),
                replaced(
                    [*SECURE_CDN, *SECURE_WAF], waf_rule("custom_acl", 3, RATE_LIMIT)
                ),  # another template's
                replaced(
                    [*SECURE_CDN, *SECURE_WAF],
                    waf_template("waf_base", 1, resources=["other.example.cn-waf"]),
                    waf_template("custom_acl", 2, resources=["other.example.cn-waf"]),
                ),
            ],
            unknown=replaced(
                [*SECURE_CDN, *SECURE_WAF], waf_template("waf_base", 1, status=UNKNOWN)
            ),
        ),
    }
)
CASES["alicloud-cdn-https"].bad += [
    [*SECURE_CDN, waf_domain(tlsVersion="tlsv1")],
    [*SECURE_CDN, waf_domain(httpPorts=[80])],
    [*SECURE_CDN, waf_domain(focusHttps=False)],
    [*SECURE_CDN, waf_domain(httpsPorts=[])],
]
CASES.update(
    {
        "alicloud-nas-encrypted": Case(
            ok=[
                R(NAS, "kms", {"encryptType": 2, "kmsKeyId": "key-1"}),
                R(NAS, "nas", {"encryptType": 1}),
            ],
            bad=[[R(NAS, "plain", {"protocolType": "NFS"})], [R(NAS, "zero", {"encryptType": 0})]],
            unknown=[R(NAS, "n", {"encryptType": UNKNOWN})],
        ),
        "registry-private": Case(
            ok=[
                R(CR_REPO, "r", {"repoType": "PRIVATE"}),
                R(CR_EE_REPO, "ee", {"repoType": "PRIVATE"}),
                R(CR_NAMESPACE, "ns", {"defaultVisibility": "PRIVATE"}),
                R("aws:ecr/repository:Repository", "ecr", {"imageTagMutability": "IMMUTABLE"}),
            ],
            bad=[
                [R("aws:ecrpublic/repository:Repository", "pub", {"repositoryName": "pub"})],
                [R(CR_REPO, "r", {"repoType": "PUBLIC"})],
                [R(CR_EE_REPO, "ee", {"repoType": "PUBLIC"})],
                [R(CR_NAMESPACE, "ns", {"autoCreate": True, "defaultVisibility": "PUBLIC"})],
                [
                    R(
                        "alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace",
                        "eens",
                        {"defaultVisibility": "PUBLIC"},
                    )
                ],
            ],
            unknown=[R(CR_REPO, "r", {"repoType": UNKNOWN})],
        ),
        "alicloud-fc-not-public": Case(
            ok=[
                R(
                    FC_TRIGGER,
                    "signed",
                    {"type": "http", "config": json.dumps({"authType": "function"})},
                ),
                R(
                    FC_TRIGGER,
                    "oss",
                    {"type": "oss", "config": json.dumps({"events": ["oss:ObjectCreated:*"]})},
                ),
                R(
                    FC_V3_TRIGGER,
                    "jwt",
                    {"triggerType": "http", "triggerConfig": json.dumps({"authType": "jwt"})},
                ),
                R(  # the alert relay's: no public URL, a VPC binding, a bearer token
                    FC_V3_TRIGGER,
                    "vpc-only",
                    {
                        "triggerType": "http",
                        "triggerConfig": json.dumps(
                            {
                                "authType": "anonymous",
                                "methods": ["POST"],
                                "disableURLInternet": True,
                            }
                        ),
                    },
                ),
            ],
            bad=[
                [
                    R(
                        FC_TRIGGER,
                        "anon",
                        {"type": "http", "config": json.dumps({"authType": "anonymous"})},
                    )
                ],
                [
                    R(
                        FC_TRIGGER,
                        "default",
                        {"type": "http", "config": json.dumps({"methods": ["GET"]})},
                    )
                ],
                [
                    R(
                        FC_V3_TRIGGER,
                        "anon",
                        {
                            "triggerType": "http",
                            "triggerConfig": json.dumps({"authType": "anonymous"}),
                        },
                    )
                ],
                [  # the public URL left on: still reachable from the internet
                    R(
                        FC_V3_TRIGGER,
                        "public-url",
                        {
                            "triggerType": "http",
                            "triggerConfig": json.dumps(
                                {"authType": "anonymous", "disableURLInternet": False}
                            ),
                        },
                    )
                ],
                [  # a 2.0 trigger has no such switch
                    R(
                        FC_TRIGGER,
                        "v2-flag",
                        {
                            "type": "http",
                            "config": json.dumps(
                                {"authType": "anonymous", "disableURLInternet": True}
                            ),
                        },
                    )
                ],
                [  # "true" as text is not the boolean the API takes
                    R(
                        FC_V3_TRIGGER,
                        "text-flag",
                        {
                            "triggerType": "http",
                            "triggerConfig": json.dumps(
                                {"authType": "anonymous", "disableURLInternet": "true"}
                            ),
                        },
                    )
                ],
            ],
            unknown=[R(FC_TRIGGER, "t", {"type": "http", "config": UNKNOWN})],
        ),
        "alicloud-ram-no-wildcard-resource": Case(
            ok=[
                ram_policy(["ecs:DescribeInstances", "oss:ListBuckets"], "*"),
                ram_policy("oss:PutObject", "acs:oss:*:*:acme-assets/*"),
                ram_policy(
                    "ecs:StopInstance",
                    "*",
                    Condition={"StringEquals": {"acs:ResourceTag/team": "a"}},
                ),
            ],
            bad=[
                [ram_policy("ecs:*", "*")],
                [ram_policy(["oss:GetObject", "oss:PutObject"], ["acs:*:*:*:*"])],
            ],
            unknown=[R(RAM_POLICY, "p", {"policyName": "p", "policyDocument": UNKNOWN})],
        ),
    }
)

CASES["alicloud-db-no-public-endpoint"].ok.extend([
    R(SEARCH, "search", {"enablePublic": False, "enableKibanaPublicNetwork": False}),
    R(SEARCH, "kibana", {"enableKibanaPublicNetwork": True, "kibanaWhitelists": ["203.0.113.0/24"]}),
    R(GPDB, "adb", {"ipWhitelists": [{"securityIpList": "10.0.0.0/8"}]}),
])  # fmt: skip
CASES["alicloud-db-no-public-endpoint"].bad.extend([
    [R(SEARCH, "search", {"enablePublic": True, "enableKibanaPublicNetwork": False})],
    [R(SEARCH, "kibana", {"enablePublic": False})],  # Kibana on the internet, open to anyone
    [R(GPDB, "adb", {"ipWhitelists": [{"securityIpList": "10.0.0.0/8,0.0.0.0/0"}]})],
    [R(GPDB, "adb", {"securityIpLists": ["0.0.0.0/0"]})],
])  # fmt: skip
CASES["alicloud-ecs-no-public-ip"].ok.append(R(SCALING, "asg", {"internetMaxBandwidthOut": 0}))
CASES["alicloud-ecs-no-public-ip"].bad.append([R(SCALING, "asg", {"internetMaxBandwidthOut": 10})])
CASES["alicloud-disk-encrypted"].ok.append(
    R(
        SCALING,
        "asg",
        {"systemDiskEncrypted": True, "dataDisks": [{"size": 100, "encrypted": True}]},
    )
)
CASES["alicloud-disk-encrypted"].bad.append(
    [R(SCALING, "asg", {"systemDiskEncrypted": True, "dataDisks": [{"size": 100}]})]
)
