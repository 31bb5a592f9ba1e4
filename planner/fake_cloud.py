"""Realistic fake answers from the cloud: resource ids, ARNs, endpoints, and invoke results.

Used by the offline plan and the tests through Pulumi's mock runtime. Values are deterministic
(derived from the resource name) so reports and golden files are stable from run to run. Outputs
are camelCase, as the engine returns them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

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
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
}


def resource_id(typ: str, name: str) -> str:
    prefix = _ID_PREFIXES.get(typ)
    if prefix:
        return prefix + _hex(f"{typ}/{name}")
    if typ == "aws:kms/key:Key":
        h = _hex(name, 32)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
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
    out: dict[str, Any] = _eks_computed(typ, name, rid, inputs, region)
    service = typ.split(":")[1].split("/", maxsplit=1)[0]
    if typ == "aws:ec2/vpc:Vpc":
        out |= {"defaultSecurityGroupId": "sg-" + _hex(name + "dsg"), "mainRouteTableId": "rtb-" + _hex(name + "main"),
                "defaultNetworkAclId": "acl-" + _hex(name + "acl")}  # fmt: skip
    elif typ == "aws:ec2/eip:Eip":
        octets = [int(_hex(name)[i : i + 2], 16) for i in (0, 2)]
        out |= {"allocationId": rid, "publicIp": f"52.48.{octets[0]}.{octets[1]}"}
    elif typ == "aws:ec2/natGateway:NatGateway":
        out |= {"publicIp": f"52.49.{int(_hex(name)[:2], 16)}.1"}
    elif typ in {"aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/user:User"}:
        kind = typ.rsplit(":", maxsplit=1)[-1].lower()
        out |= {"arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:{kind}/{inputs.get('name', name)}",
                "name": inputs.get("name", rid), "uniqueId": "AROA" + _hex(name).upper()}  # fmt: skip
    elif typ == "aws:kms/key:Key":
        out |= {"arn": _arn("kms", region, f"key/{rid}"), "keyId": rid}
    elif typ == "aws:cloudwatch/logGroup:LogGroup":
        group = inputs.get("name", rid)
        out |= {"name": group, "arn": _arn("logs", region, f"log-group:{group}")}
    elif typ in {"aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/subnetGroup:SubnetGroup"}:
        out |= {"name": inputs.get("name", rid)}
    if "arn" not in out and service in {"ec2", "vpc"}:
        kind = typ.rsplit(":", maxsplit=1)[-1]
        kind = "".join("-" + c.lower() if c.isupper() else c for c in kind).lstrip("-")
        out["arn"] = _arn("ec2", region, f"{kind}/{rid}")
    elif "arn" not in out and typ.startswith("aws:"):
        out["arn"] = _arn(service, region, f"{typ.rsplit(':', maxsplit=1)[-1].lower()}/{rid}")
    return out


def fake_outputs(
    typ: str, name: str, inputs: Mapping[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    """(id, outputs) for a new resource: its inputs, plus id-like and computed outputs."""
    rid = resource_id(typ, name)
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
