"""Realistic fake answers of Alibaba Cloud for the data, storage, edge and monitoring types:
instance ids with the service's prefix, private connection strings, bucket endpoints, CDN CNAMEs,
ARNs (`acs:` names). Deterministic, derived from the resource name, like planner/fake_cloud.py."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

ALICLOUD_ACCOUNT_ID = "1234567890123456"
"""The Alibaba Cloud account the offline plan pretends to run in."""


def _hex(name: str, length: int = 16) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:length]


def _uuid(name: str) -> str:
    h = _hex(name, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


_ID_PREFIXES = {
    "alicloud:rds/instance:Instance": "pgm-",
    "alicloud:rds/readOnlyInstance:ReadOnlyInstance": "pgr-",
    "alicloud:kvstore/instance:Instance": "r-",
    "alicloud:polardb/cluster:Cluster": "pc-",
    "alicloud:kms/instance:Instance": "kst-",
}


def alicloud_id(typ: str, name: str, inputs: Mapping[str, Any]) -> str | None:
    """The id Alibaba Cloud gives a new resource (None: the generic fake id)."""
    prefix = _ID_PREFIXES.get(typ)
    if prefix:
        return prefix + _hex(f"{typ}/{name}")
    if typ == "alicloud:kms/key:Key":
        return _uuid(name)
    if typ == "alicloud:oss/bucket:Bucket":
        return str(inputs.get("bucket", name))
    if typ == "alicloud:cdn/domainNew:DomainNew":
        return str(inputs.get("domainName", name))
    if typ == "alicloud:log/project:Project":
        return str(inputs.get("projectName", name))
    if typ == "alicloud:cms/alarmContactGroup:AlarmContactGroup":
        return str(inputs.get("alarmContactGroupName", name))
    if typ == "alicloud:cms/alarmContact:AlarmContact":
        return str(inputs.get("alarmContactName", name))
    return None


def alicloud_computed(
    typ: str, name: str, rid: str, inputs: Mapping[str, Any], region: str
) -> dict[str, Any]:
    """Outputs Alibaba Cloud computes for the data, storage, edge and monitoring types."""
    if typ == "alicloud:kms/key:Key":
        return {"arn": f"acs:kms:{region}:{ALICLOUD_ACCOUNT_ID}:key/key-{rid}"}
    if typ in ("alicloud:rds/instance:Instance", "alicloud:rds/readOnlyInstance:ReadOnlyInstance"):
        return {"connectionString": f"{rid}.pg.rds.aliyuncs.com",
                "port": str(inputs.get("port", "5432"))}  # fmt: skip
    if typ == "alicloud:polardb/cluster:Cluster":
        return {"connectionString": f"{rid}.pg.polardb.rds.aliyuncs.com", "port": "5432"}
    if typ == "alicloud:kvstore/instance:Instance":
        return {"connectionDomain": f"{rid}.redis.rds.aliyuncs.com",
                "privateIp": f"10.0.{int(_hex(name, 2), 16)}.20"}  # fmt: skip
    if typ == "alicloud:oss/bucket:Bucket":
        return {"extranetEndpoint": f"oss-{region}.aliyuncs.com",
                "intranetEndpoint": f"oss-{region}-internal.aliyuncs.com",
                "location": f"oss-{region}"}  # fmt: skip
    if typ == "alicloud:cdn/domainNew:DomainNew":
        return {"cname": f"{inputs.get('domainName', name)}.w.kunlunsl.com", "status": "online"}
    if typ == "alicloud:log/project:Project":
        return {"projectName": rid, "name": rid}
    if typ == "alicloud:wafv3/instance:Instance":
        return {"instanceId": f"waf_v3prepaid_public_cn-{_hex(name, 11)}", "status": "1"}
    if typ == "alicloud:wafv3/domain:Domain":
        domain = inputs.get("domain", name)
        return {"domainId": f"{domain}-waf",
                "cname": f"{_hex(name, 20)}.yundunwaf5.com", "status": 1}  # fmt: skip
    if typ == "alicloud:wafv3/defenseTemplate:DefenseTemplate":
        return {"defenseTemplateId": int(_hex(name, 6), 16)}
    if typ == "alicloud:wafv3/defenseRule:DefenseRule":
        return {"ruleId": int(_hex(name, 6), 16)}
    if typ == "alicloud:log/store:Store":
        return {"logstoreName": inputs.get("logstoreName", rid)}
    relay = _RELAY_COMPUTED.get(typ)
    return relay(name, inputs, region) if relay else {}


_RELAY_COMPUTED: dict[str, Any] = {
    # The alert relay's function, its encrypted targets (base64 of KMS's envelope) and role.
    "alicloud:fc/v3Function:V3Function": lambda name, inputs, region: {
        "functionArn": f"acs:fc:{region}:{ALICLOUD_ACCOUNT_ID}:functions/"
        f"{inputs.get('functionName', name)}",
        "functionId": _uuid(name),
    },
    "alicloud:fc/v3Trigger:V3Trigger": lambda name, inputs, region: {
        "httpTrigger": {
            "urlInternet": f"https://{inputs.get('functionName', name)}-{_hex(name, 10)}.{region}.fcapp.run",
            "urlIntranet": f"https://{inputs.get('functionName', name)}-{_hex(name, 10)}.{region}-vpc.fcapp.run",
        }
    },
    "alicloud:kms/ciphertext:Ciphertext": lambda name, inputs, region: {
        "ciphertextBlob": f"{_hex(name, 32)}=="
    },
    "alicloud:ram/role:Role": lambda name, inputs, region: {
        "arn": f"acs:ram::{ALICLOUD_ACCOUNT_ID}:role/{str(inputs.get('roleName', name)).lower()}"
    },
}
