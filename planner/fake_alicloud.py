"""Realistic fake answers from Alibaba Cloud for the offline plan: resource ids in the cloud's own
formats (`vpc-…`, `vsw-…`, `ngw-…`) and the outputs it computes. Deterministic (derived from
the resource name), camelCase, as the engine returns them; planner/fake_cloud.py dispatches here
for every `alicloud:` type."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from planner.fake_alicloud_data import ALICLOUD_ACCOUNT_ID as ACCOUNT_ID
from planner.fake_alicloud_data import alicloud_computed, alicloud_id


def _hex(text: str, length: int = 24) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


_ID_PREFIXES: dict[str, str] = {
    "alicloud:vpc/network:Network": "vpc-",
    "alicloud:vpc/switch:Switch": "vsw-",
    "alicloud:vpc/natGateway:NatGateway": "ngw-",
    "alicloud:vpc/routeTable:RouteTable": "vtb-",
    "alicloud:vpc/flowLog:FlowLog": "fl-",
    "alicloud:ecs/eipAddress:EipAddress": "eip-",
    "alicloud:ecs/securityGroup:SecurityGroup": "sg-",
    "alicloud:ecs/securityGroupRule:SecurityGroupRule": "sgr-",
    "alicloud:cs/managedKubernetes:ManagedKubernetes": "c",
    "alicloud:cs/nodePool:NodePool": "np",
}


def _ip(name: str) -> str:
    """A public IPv4 in a block Alibaba Cloud announces from Shanghai (47.100.0.0/14)."""
    h = bytes.fromhex(_hex(name, 6))
    return f"47.{100 + h[0] % 4}.{h[1]}.{h[2] % 254 + 1}"


def _vpc(name: str, rid: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {"routeTableId": f"vtb-{_hex(name + '/rt')}", "routerId": f"vrt-{_hex(name + '/r')}"}


def _nat(name: str, rid: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {"snatTableIds": f"stb-{_hex(name + '/snat')}",
            "forwardTableIds": f"ftb-{_hex(name + '/dnat')}"}  # fmt: skip


def _eip(name: str, rid: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {"ipAddress": _ip(name), "status": "Available"}


def _ack(name: str, rid: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """A cluster: its private API endpoint, CA and RRSA identity provider."""
    h = bytes.fromhex(_hex(name, 6))
    ca = base64.b64encode(f"-----BEGIN CERTIFICATE-----{_hex(name, 40)}".encode()).decode()
    return {
        "connections": [
            {
                "apiServerIntranet": f"https://10.{h[0]}.{h[1]}.{h[2] % 254 + 1}:6443",
                "serviceDomain": f"*.{rid}.cn-shanghai.alicontainer.com",
            }
        ],
        "certificateAuthorities": [{"clusterCert": ca}],
        "rrsaMetadata": {
            "enabled": True,
            "rrsaOidcIssuerUrl": f"https://oidc-ack-cn-shanghai.oss-cn-shanghai-internal.aliyuncs.com/{rid}",
            "ramOidcProviderName": f"ack-rrsa-{rid}",
            "ramOidcProviderArn": f"acs:ram::{ACCOUNT_ID}:oidc-provider/ack-rrsa-{rid}",
        },
        "workerRamRoleName": f"KubernetesWorkerRole-{_hex(name, 8)}",
    }


_COMPUTED: dict[str, Callable[[str, str, Mapping[str, Any]], dict[str, Any]]] = {
    "alicloud:vpc/network:Network": _vpc,
    "alicloud:vpc/natGateway:NatGateway": _nat,
    "alicloud:ecs/eipAddress:EipAddress": _eip,
    "alicloud:cs/managedKubernetes:ManagedKubernetes": _ack,
}

_USER_NAMED_IDS: dict[str, Callable[[Mapping[str, Any], str], str]] = {
    "alicloud:log/store:Store": lambda i, n: f"{i.get('projectName')}:{i.get('logstoreName', n)}",
    "alicloud:vpc/routeTableAttachment:RouteTableAttachment": lambda i, n: (
        f"{i.get('routeTableId')}:{i.get('vswitchId')}"
    ),
    "alicloud:ecs/eipAssociation:EipAssociation": lambda i, n: (
        f"{i.get('allocationId')}:{i.get('instanceId')}"
    ),
    "alicloud:cs/autoscalingConfig:AutoscalingConfig": lambda i, n: str(i.get("clusterId", n)),
}


def resource_id(typ: str, name: str, inputs: Mapping[str, Any]) -> str:
    named = _USER_NAMED_IDS.get(typ)
    if named is not None:
        return named(inputs, name)
    prefix = _ID_PREFIXES.get(typ)
    return prefix + _hex(f"{typ}/{name}") if prefix else f"{name}-{_hex(name, 8)}"


def fake_outputs(
    typ: str, name: str, inputs: Mapping[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    """(id, outputs) for a new Alibaba Cloud resource: its inputs plus what the cloud computes
    (the data, storage, edge and monitoring types' answers are in fake_alicloud_data.py)."""
    rid = alicloud_id(typ, name, inputs) or resource_id(typ, name, inputs)
    computed = _COMPUTED.get(typ)
    outputs = {
        **inputs,
        **(computed(name, rid, inputs) if computed else {}),
        **alicloud_computed(typ, name, rid, inputs, region),
    }
    outputs.setdefault("id", rid)
    return rid, outputs
