"""Alibaba Cloud RAM rules: administrator policies (written or attached), role trust open to any
account, and long-lived access keys."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from .core import Rule, Subject, as_list, get, known, need

POLICIES = ("alicloud:ram/policy:Policy", "alicloud:resourcemanager/policy:Policy")
ATTACHMENTS = (
    "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment",
    "alicloud:ram/userPolicyAttachment:UserPolicyAttachment",
    "alicloud:ram/groupPolicyAttachment:GroupPolicyAttachment",
)
ROLE = "alicloud:ram/role:Role"
ACCESS_KEY = "alicloud:ram/accessKey:AccessKey"
LOGIN_PROFILE = "alicloud:ram/loginProfile:LoginProfile"
ANY_ACCOUNT = re.compile(r"^\*$|^acs:ram::\*:")
EVERYTHING = re.compile(r"^(\*|acs:\*:\*:\*:\*)$")
"""A resource that names every resource of every service."""


def _statements(document: Any, where: str) -> list[Mapping[str, Any]]:
    doc = json.loads(known(document, where)) if isinstance(document, str) else document
    statements = (doc or {}).get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def _listed(value: Any) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list) else [value]) if v is not None]


def _document(p: Mapping[str, Any], *props: str) -> tuple[str, Any]:
    for prop in props:
        value = need(p, prop)
        if value:
            return prop, value
    return props[0], None


def _no_admin(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in ATTACHMENTS:
        name = need(p, "policyName")
        if name in params["forbiddenSystemPolicies"] and need(p, "policyType") != "Custom":
            yield f"attaches the system policy {name}"
        return
    prop, document = _document(p, "policyDocument", "document")
    statements = list(_statements(document, prop))
    for i, s in enumerate(as_list(get(p, "statements"), "statements")):  # deprecated shape
        statements.append({"Effect": get(s, "effect"), "Action": get(s, "actions"),
                           "Resource": get(s, "resources"), "_where": f"statements[{i}]"})  # fmt: skip
    for i, s in enumerate(statements):
        if s.get("Effect") != "Allow" or not any(
            EVERYTHING.match(r) for r in _listed(s.get("Resource"))
        ):
            continue
        admin = sorted(set(_listed(s.get("Action"))) & set(params["adminActions"]))
        if admin:
            yield f"{s.get('_where', f'Statement[{i}]')} allows {admin} on every resource"


def _wildcard_resource(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    prop, document = _document(subject.props, "policyDocument", "document")
    reads = tuple(params["readOnlyPrefixes"])
    for i, s in enumerate(_statements(document, prop)):
        if (s.get("Effect") != "Allow" or s.get("Condition")
                or not any(EVERYTHING.match(r) for r in _listed(s.get("Resource")))):  # fmt: skip
            continue
        writes = [a for a in _listed(s.get("Action")) if not a.partition(":")[2].startswith(reads)]
        if writes:
            yield f"Statement[{i}] allows {sorted(writes)} on every resource without a condition"


def _role_trust(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    prop, document = _document(p, "assumeRolePolicyDocument", "document")
    for i, s in enumerate(_statements(document, prop)):
        if s.get("Effect") != "Allow":
            continue
        principal = s.get("Principal")
        values = (
            [v for vs in principal.values() for v in _listed(vs)]
            if isinstance(principal, Mapping)
            else _listed(principal)
        )
        anyone = [v for v in values if ANY_ACCOUNT.match(v)]
        if anyone:
            yield f"Statement[{i}] lets {anyone} assume the role"
    for key in ("ramUsers", "services"):  # deprecated shape
        anyone = [v for v in _listed(need(p, key)) if ANY_ACCOUNT.match(str(v))]
        if anyone:
            yield f"{key} lets {anyone} assume the role"


def _no_access_keys(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == LOGIN_PROFILE:
        yield f"gives RAM user {get(subject.props, 'userName')!r} a console password"
    elif str(need(subject.props, "status") or "Active") != "Inactive":
        user = get(subject.props, "userName")
        yield f"creates a long-lived access key for RAM user {user!r}"


RULES = [
    Rule(
        id="alicloud-ram-no-admin",
        group="security",
        severity="critical",
        description="No RAM policy allows '*' (or ram:*) on every resource, and no principal gets AdministratorAccess or AliyunRAMFullAccess.",
        remediation="Grant the specific actions on the specific resources the principal needs.",
        types=(*POLICIES, *ATTACHMENTS),
        resource_check=_no_admin,
        params={
            "adminActions": ["*", "*:*", "ram:*"],
            "forbiddenSystemPolicies": ["AdministratorAccess", "AliyunRAMFullAccess"],
        },
        anchors="IG ram-policy-no-statements-with-admin-access-check, ram-user-no-product-admin-access",
    ),
    Rule(
        id="alicloud-ram-no-wildcard-resource",
        group="security",
        severity="high",
        description="RAM policies allow actions other than metadata reads (Describe/List/Get/Query) on every resource ('*') only under a condition.",
        remediation="Name the resources (acs:oss:*:*:my-bucket/*, acs:ecs:cn-shanghai:*:instance/i-...), or add a Condition scoping the statement.",
        types=POLICIES,
        resource_check=_wildcard_resource,
        params={"readOnlyPrefixes": ["Describe", "List", "Get", "Query"]},
        anchors="IG ram-policy-no-has-specified-resource (intent of CKV_AWS_290/355)",
    ),
    Rule(
        id="alicloud-ram-role-trust",
        group="security",
        severity="critical",
        description="RAM role trust policies name specific accounts or services, never any account ('*', acs:ram::*:...).",
        remediation="Trust the exact account, RAM role or service (e.g. ecs.aliyuncs.com) that assumes the role.",
        types=(ROLE,),
        resource_check=_role_trust,
        anchors="IG ram-role-no-product-admin-access (trust)",
    ),
    Rule(
        id="alicloud-ram-no-user-access-keys",
        group="security",
        severity="high",
        description="No long-lived RAM user credentials (access keys, console passwords); workloads use roles (RRSA, instance RAM roles).",
        remediation="Use ACK RRSA or an ECS instance RAM role, and SSO (CloudSSO) for people; exempt a reviewed key by name in the policy config.",
        types=(ACCESS_KEY, LOGIN_PROFILE),
        resource_check=_no_access_keys,
        anchors="IG ram-user-activated-ak-quantity-check, ack-cluster-rrsa-enabled",
    ),
]
