"""Realistic fake answers from the cloud: resource ids, ARNs, endpoints, and invoke results.

Used by the offline plan and the tests through Pulumi's mock runtime. Values are deterministic
(derived from the resource name) so reports and golden files are stable from run to run. Outputs
are camelCase, as the engine returns them.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from planner import fake_alicloud

ACCOUNT_ID = "123456789012"
PARTITION = "aws"


def _hex(name: str, length: int = 17) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:length]


# Resource type -> (id prefix, ARN service, ARN resource path or None).
_ID_PREFIXES: dict[str, str] = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg-",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
    "aws:ec2/flowLog:FlowLog": "fl-",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
    "aws:ec2/instance:Instance": "i-",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
}


_UUID_IDS = {
    "aws:kms/key:Key",
    "aws:route53/healthCheck:HealthCheck",
    "aws:wafv2/webAcl:WebAcl",
    "aws:wafv2/ipSet:IpSet",
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
}
_CLOUDFRONT_IDS = {
    "aws:cloudfront/distribution:Distribution",
    "aws:cloudfront/originAccessControl:OriginAccessControl",
}
CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2"
"""The fixed Route 53 zone of every CloudFront distribution (alias targets)."""


def _uuid(name: str) -> str:
    h = _hex(name, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def resource_id(typ: str, name: str) -> str:
    prefix = _ID_PREFIXES.get(typ)
    if prefix:
        return prefix + _hex(f"{typ}/{name}")
    if typ in _UUID_IDS:
        return _uuid(name)
    if typ in _CLOUDFRONT_IDS:
        return "E" + _hex(f"{typ}/{name}", 13).upper()
    if typ == "aws:s3/bucket:Bucket":  # auto-named: name plus a random-looking suffix
        return f"{name}-{_hex(name, 7)}"
    return f"{name}-{_hex(name, 8)}"


def _arn(service: str, region: str, path: str, *, account: str = ACCOUNT_ID) -> str:
    return f"arn:{PARTITION}:{service}:{region}:{account}:{path}"


def _eks_computed(
    typ: str, name: str, rid: str, inputs: Mapping[str, Any], region: str
) -> dict[str, Any]:
    """Computed outputs of EKS-related resources (cluster endpoint, CA, OIDC issuer, ...)."""
    if typ == "aws:eks/cluster:Cluster":
        cluster = inputs.get("name", rid)
        oidc_id = _hex(name, 32).upper()
        vpc_config = dict(inputs.get("vpcConfig") or {})
        vpc_config |= {
            "clusterSecurityGroupId": "sg-" + _hex(name + "eks-cluster-sg"),
            "vpcId": "vpc-" + _hex(name + "vpc"),
        }
        return {"name": cluster, "arn": _arn("eks", region, f"cluster/{cluster}"),
                "endpoint": f"https://{oidc_id}.gr7.{region}.eks.amazonaws.com",
                "certificateAuthority": {"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk9GRkxJTkUKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo="},
                "identities": [{"oidcs": [{"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{oidc_id}"}]}],
                "vpcConfig": vpc_config, "status": "ACTIVE",
                "platformVersion": "eks.1"}  # fmt: skip
    if typ == "aws:eks/nodeGroup:NodeGroup":
        group = (
            inputs.get("nodeGroupName")
            or f"{inputs.get('nodeGroupNamePrefix', '')}{_hex(name, 12)}"
        )
        return {"nodeGroupName": group, "status": "ACTIVE",
                "arn": _arn("eks", region, f"nodegroup/{inputs.get('clusterName')}/{group}/{_hex(name, 8)}")}  # fmt: skip
    if typ == "aws:ec2/launchTemplate:LaunchTemplate":
        return {"latestVersion": 1, "defaultVersion": 1}
    if typ == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
        host = str(inputs.get("url", "")).removeprefix("https://")
        return {"arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:oidc-provider/{host}"}
    return {}


def _computed(
    typ: str, name: str, rid: str, inputs: Mapping[str, Any], region: str
) -> dict[str, Any]:
    """Outputs the cloud computes, per type (what a real `up` would return)."""
    out: dict[str, Any] = {**_eks_computed(typ, name, rid, inputs, region),
                           **_arn_by_name(typ, rid, inputs, region)}  # fmt: skip
    service = typ.split(":")[1].split("/", maxsplit=1)[0]
    if typ in _EC2_COMPUTED:
        out |= _ec2_computed(typ, name, rid)
    elif typ in {"aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/user:User"}:
        kind = typ.rsplit(":", maxsplit=1)[-1].lower()
        out |= {"arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:{kind}/{inputs.get('name', name)}",
                "name": inputs.get("name", rid), "uniqueId": "AROA" + _hex(name).upper()}  # fmt: skip
    elif typ == "aws:iam/instanceProfile:InstanceProfile":  # auto-named like a role
        out |= {"arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:instance-profile/{inputs.get('name', rid)}",
                "name": inputs.get("name", rid), "uniqueId": "AIPA" + _hex(name).upper()}  # fmt: skip
    elif typ == "aws:kms/key:Key":
        out |= {"arn": _arn("kms", region, f"key/{rid}"), "keyId": rid}
    elif typ == "aws:cloudwatch/logGroup:LogGroup":
        group = inputs.get("name", rid)
        out |= {"name": group, "arn": _arn("logs", region, f"log-group:{group}")}
    elif typ in _NAMED_BY_ID:
        out |= {"name": inputs.get("name", rid)}
    elif typ.startswith(("aws:rds/", "aws:elasticache/", "aws:backup/", "aws:secretsmanager/")):
        out |= _data_tier(typ, name, rid, inputs, region)
    elif typ == "aws:ecr/repository:Repository":
        repo = inputs.get("name", rid)
        out |= {"name": repo, "registryId": ACCOUNT_ID,
                "repositoryUrl": f"{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/{repo}"}  # fmt: skip
    elif typ == "random:index/randomPassword:RandomPassword":
        out |= _random_password(name, inputs)
    else:
        out |= _storage_and_edge(typ, name, rid, inputs, region)
    if "arn" not in out and service in {"ec2", "vpc"}:
        kind = typ.rsplit(":", maxsplit=1)[-1]
        kind = "".join("-" + c.lower() if c.isupper() else c for c in kind).lstrip("-")
        out["arn"] = _arn("ec2", region, f"{kind}/{rid}")
    elif "arn" not in out and typ.startswith("aws:"):
        out["arn"] = _arn(service, region, f"{typ.rsplit(':', maxsplit=1)[-1].lower()}/{rid}")
    return out


_ARN_BY_NAME = {
    "aws:cloudtrail/trail:Trail": ("cloudtrail", "trail/{name}"),
    "aws:sns/topic:Topic": ("sns", "{name}"),
    "aws:ecr/repository:Repository": ("ecr", "repository/{name}"),
}


def _arn_by_name(typ: str, rid: str, inputs: Mapping[str, Any], region: str) -> dict[str, Any]:
    """ARNs AWS builds from the resource's name (trails, topics)."""
    if typ not in _ARN_BY_NAME:
        return {}
    arn_service, path = _ARN_BY_NAME[typ]
    return {"arn": _arn(arn_service, region, path.format(name=inputs.get("name", rid)))}


_EC2_COMPUTED = {
    "aws:ec2/vpc:Vpc",
    "aws:ec2/eip:Eip",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/instance:Instance",
}


def _ec2_computed(typ: str, name: str, rid: str) -> dict[str, Any]:
    """Ids and addresses EC2 assigns to VPCs, Elastic IPs, NAT gateways and instances."""
    if typ == "aws:ec2/vpc:Vpc":
        return {"defaultSecurityGroupId": "sg-" + _hex(name + "dsg"), "mainRouteTableId": "rtb-" + _hex(name + "main"),
                "defaultNetworkAclId": "acl-" + _hex(name + "acl")}  # fmt: skip
    if typ == "aws:ec2/eip:Eip":
        octets = [int(_hex(name)[i : i + 2], 16) for i in (0, 2)]
        return {"allocationId": rid, "publicIp": f"52.48.{octets[0]}.{octets[1]}"}
    if typ == "aws:ec2/natGateway:NatGateway":
        return {"publicIp": f"52.49.{int(_hex(name)[:2], 16)}.1"}
    return {"primaryNetworkInterfaceId": "eni-" + _hex(name + "eni"),
            "privateIp": f"10.0.{int(_hex(name)[:2], 16)}.10"}  # fmt: skip


_NAMED_BY_ID = {
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:elasticache/subnetGroup:SubnetGroup",
    "aws:rds/parameterGroup:ParameterGroup",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    "aws:elasticache/parameterGroup:ParameterGroup",
}


def _data_tier(
    typ: str, name: str, rid: str, inputs: Mapping[str, Any], region: str
) -> dict[str, Any]:
    """Endpoints, ARNs and managed-secret references of databases, caches, backups, secrets."""
    host = f"{_hex(name, 12)}.{region}.rds.amazonaws.com"
    managed_secret = [
        {
            "secretArn": _arn("secretsmanager", region, f"secret:rds!{'cluster' if typ.endswith('Cluster') else 'db'}-{_uuid(name)}-{_hex(name + 's', 6)}"),
            "kmsKeyId": inputs.get("masterUserSecretKmsKeyId", ""),
            "secretStatus": "active",
        }
    ] if inputs.get("manageMasterUserPassword") else []  # fmt: skip
    if typ == "aws:rds/cluster:Cluster":
        ident = inputs.get("clusterIdentifier", rid)
        return {"endpoint": f"{ident}.cluster-{host}", "readerEndpoint": f"{ident}.cluster-ro-{host}",
                "port": inputs.get("port", 5432), "masterUserSecrets": managed_secret,
                "clusterResourceId": "cluster-" + _hex(name, 26).upper(),
                "arn": _arn("rds", region, f"cluster:{ident}")}  # fmt: skip
    if typ in {"aws:rds/clusterInstance:ClusterInstance", "aws:rds/instance:Instance"}:
        ident = inputs.get("identifier", rid)
        port = inputs.get("port", 5432)
        return {"identifier": ident, "address": f"{ident}.{host}", "endpoint": f"{ident}.{host}:{port}",
                "port": port, "masterUserSecrets": managed_secret,
                "arn": _arn("rds", region, f"db:{ident}")}  # fmt: skip
    if typ == "aws:elasticache/replicationGroup:ReplicationGroup":
        ident = inputs.get("replicationGroupId", rid)
        area, direction, number = [*region.split("-"), "", ""][:3]
        cache_host = f"{ident}.{_hex(name, 6)}.{area}{direction[:1]}{number}.cache.amazonaws.com"
        out: dict[str, Any] = {"arn": _arn("elasticache", region, f"replicationgroup:{ident}"),
                               "memberClusters": [f"{ident}-00{i + 1}" for i in range(int(inputs.get("numCacheClusters", 1)))]}  # fmt: skip
        if inputs.get("clusterMode") == "enabled":
            return out | {"configurationEndpointAddress": f"clustercfg.{cache_host}"}
        return out | {"primaryEndpointAddress": f"master.{cache_host}",
                      "readerEndpointAddress": f"replica.{cache_host}"}  # fmt: skip
    if typ == "aws:elasticache/serverlessCache:ServerlessCache":
        ident = inputs.get("name", rid)
        cache_host = f"{ident}-{_hex(name, 6)}.serverless.{region}.cache.amazonaws.com"
        return {"arn": _arn("elasticache", region, f"serverlesscache:{ident}"),
                "endpoints": [{"address": cache_host, "port": 6379}],
                "readerEndpoints": [{"address": cache_host, "port": 6380}],
                "fullEngineVersion": f"{inputs.get('majorEngineVersion', '8')}.0"}  # fmt: skip
    if typ == "aws:elasticache/user:User":
        return {"arn": _arn("elasticache", region, f"user:{inputs.get('userId', rid)}")}
    if typ == "aws:elasticache/userGroup:UserGroup":
        return {"arn": _arn("elasticache", region, f"usergroup:{inputs.get('userGroupId', rid)}")}
    if typ == "aws:secretsmanager/secret:Secret":
        secret = inputs.get("name", rid)
        return {"arn": _arn("secretsmanager", region, f"secret:{secret}-{_hex(name, 6)}")}
    if typ in _GLOBAL_TYPES:
        return _global_data(typ, name, rid, inputs)
    if typ == "aws:backup/restoreTestingPlan:RestoreTestingPlan":
        plan = inputs.get("name", rid)
        return {
            "name": plan,
            "arn": _arn("backup", region, f"restore-testing-plan:{plan}-{_hex(name, 6)}"),
        }
    if typ == "aws:backup/vault:Vault":
        vault = inputs.get("name", rid)
        return {"name": vault, "arn": _arn("backup", region, f"backup-vault:{vault}")}
    if typ == "aws:backup/plan:Plan":
        return {
            "arn": _arn("backup", region, f"backup-plan:{_uuid(name)}"),
            "version": _hex(name + "v", 32),
        }
    return {}


_GLOBAL_TYPES = (
    "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
    "aws:rds/globalCluster:GlobalCluster",
)


def _global_data(typ: str, name: str, rid: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Global resources (no region in their ARNs): a Global Datastore, an Aurora global cluster."""
    if typ == "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup":
        # AWS prefixes the suffix with a code of its own.
        ident = f"{_hex(name, 5)}-{inputs.get('globalReplicationGroupIdSuffix', rid)}"
        return {"globalReplicationGroupId": ident,
                "arn": f"arn:{PARTITION}:elasticache::{ACCOUNT_ID}:globalreplicationgroup:{ident}"}  # fmt: skip
    ident = inputs.get("globalClusterIdentifier", rid)
    return {"arn": f"arn:{PARTITION}:rds::{ACCOUNT_ID}:global-cluster:{ident}",
            "globalClusterResourceId": "cluster-" + _hex(name, 26).upper(),
            "engine": "aurora-postgresql"}  # fmt: skip


def _random_password(name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """A deterministic stand-in with the requested length and character classes."""
    specials = inputs.get("overrideSpecial", "!@#$%&*()-_=+[]{}<>:?")
    length = int(inputs.get("length", 32))
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789" + (
        specials if inputs.get("special", True) else ""
    )
    seed = hashlib.shake_256(("password/" + name).encode()).digest(max(length, 1))
    body = "".join(alphabet[b % len(alphabet)] for b in seed[: max(length - 3, 0)])
    return {"result": ("aZ9" + body)[:length], "bcryptHash": "$2a$10$" + _hex(name + "b", 53)}


# Types whose id is the identifier the program chose (cluster id, replication group id).
_USER_NAMED_IDS: dict[str, str] = {
    "aws:rds/cluster:Cluster": "clusterIdentifier",
    "aws:rds/globalCluster:GlobalCluster": "globalClusterIdentifier",
    "aws:rds/clusterInstance:ClusterInstance": "identifier",
    "aws:rds/instance:Instance": "identifier",
    "aws:elasticache/replicationGroup:ReplicationGroup": "replicationGroupId",
    "aws:elasticache/serverlessCache:ServerlessCache": "name",
    "aws:elasticache/user:User": "userId",
    "aws:elasticache/userGroup:UserGroup": "userGroupId",
}


def _storage_and_edge(
    typ: str, name: str, rid: str, inputs: Mapping[str, Any], region: str
) -> dict[str, Any]:
    """S3, CloudFront, WAF, ACM, Route 53 and log delivery. Regional ARNs carry the region of the
    resource's provider (us-east-1 for the edge provider)."""
    if typ == "aws:s3/bucket:Bucket":
        bucket = inputs.get("bucket", rid)
        return {"bucket": bucket, "arn": f"arn:{PARTITION}:s3:::{bucket}",
                "bucketDomainName": f"{bucket}.s3.amazonaws.com",
                "bucketRegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
                "region": region}  # fmt: skip
    if typ == "aws:cloudfront/distribution:Distribution":
        return {"arn": f"arn:{PARTITION}:cloudfront::{ACCOUNT_ID}:distribution/{rid}",
                "domainName": f"d{_hex(name, 13)}.cloudfront.net",
                "hostedZoneId": CLOUDFRONT_HOSTED_ZONE_ID, "status": "Deployed",
                "etag": "E" + _hex(name + "etag", 13).upper()}  # fmt: skip
    if typ in {"aws:wafv2/webAcl:WebAcl", "aws:wafv2/ipSet:IpSet"}:
        kind = "webacl" if typ.endswith("WebAcl") else "ipset"
        scope = "global" if inputs.get("scope") == "CLOUDFRONT" else "regional"
        acl = inputs.get("name", f"{name}-{_hex(name, 6)}")
        return {"name": acl, "arn": _arn("wafv2", region, f"{scope}/{kind}/{acl}/{rid}")}
    if typ == "aws:acm/certificate:Certificate":
        domains = [inputs.get("domainName", name), *inputs.get("subjectAlternativeNames", [])]
        return {"arn": _arn("acm", region, f"certificate/{_uuid(name)}"), "status": "PENDING_VALIDATION",
                "domainValidationOptions": [
                    {"domainName": d, "resourceRecordName": f"_{_hex(d, 32)}.{d}.",
                     "resourceRecordType": "CNAME",
                     "resourceRecordValue": f"_{_hex(d + 'v', 32)}.acm-validations.aws."}
                    for d in domains]}  # fmt: skip
    if typ == "aws:acm/certificateValidation:CertificateValidation":
        return {"certificateArn": inputs.get("certificateArn")}
    if typ == "aws:route53/record:Record":
        return {"fqdn": str(inputs.get("name", name)).rstrip(".")}
    if typ.startswith("aws:cloudwatch/logDelivery"):
        kind = {"LogDeliverySource": "delivery-source", "LogDeliveryDestination":
                "delivery-destination", "LogDelivery": "delivery"}[typ.rsplit(":", 1)[-1]]  # fmt: skip
        return {"arn": _arn("logs", region, f"{kind}:{inputs.get('name', rid)}"),
                "name": inputs.get("name", rid)}  # fmt: skip
    return {}


def fake_outputs(
    typ: str, name: str, inputs: Mapping[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    """(id, outputs) for a new resource: its inputs, plus id-like and computed outputs."""
    if typ.startswith("alicloud:"):
        return fake_alicloud.fake_outputs(typ, name, inputs, region)
    key = _USER_NAMED_IDS.get(typ)
    rid = (key and inputs.get(key)) or resource_id(typ, name)
    if typ == "aws:backup/plan:Plan":
        rid = _uuid(name)
    outputs = {**inputs, **_computed(typ, name, rid, inputs, region)}
    outputs.setdefault("id", rid)
    return rid, outputs


# Invoke token -> answer(args, region). Unknown tokens raise, so a new invoke cannot silently
# return nothing (pulumi/pulumi#5295).
INVOKES: dict[str, Callable[[Mapping[str, Any], str], dict[str, Any]]] = {
    "aws:index/getCallerIdentity:getCallerIdentity": lambda _a, _r: {
        "accountId": ACCOUNT_ID,
        "arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:user/offline-plan",
        "userId": "AIDAOFFLINEPLAN",
        "id": ACCOUNT_ID,
    },
    "aws:index/getPartition:getPartition": lambda _a, _r: {
        "partition": PARTITION,
        "dnsSuffix": "amazonaws.com",
        "reverseDnsPrefix": "com.amazonaws",
        "id": PARTITION,
    },
    "aws:index/getRegion:getRegion": lambda _a, region: {
        "region": region,
        "name": region,
        "id": region,
        "endpoint": f"ec2.{region}.amazonaws.com",
        "description": region,
    },
    # The ACK cluster's CA (components/kubernetes/alicloud_ack.py reads only `clusterCert`).
    "alicloud:cs/getClusterCredential:getClusterCredential": lambda args, _r: {
        "clusterId": args.get("clusterId"),
        "id": args.get("clusterId"),
        "clusterName": "offline-plan",
        "kubeConfig": "",
        "expiration": "2026-01-01T00:15:00Z",
        "certificateAuthorities": [
            {
                "clusterCert": base64.b64encode(
                    f"-----BEGIN CERTIFICATE-----{args.get('clusterId')}".encode()
                ).decode(),
                "clientCert": "",
                "clientKey": "",
            }
        ],
    },
}


class UnmockedInvokeError(LookupError):
    pass


def invoke(token: str, args: Mapping[str, Any], region: str) -> dict[str, Any]:
    try:
        answer = INVOKES[token]
    except KeyError:
        raise UnmockedInvokeError(
            f"invoke '{token}' has no fake answer; add one to planner/fake_cloud.py INVOKES"
        ) from None
    return answer(args, region)
