"""IAM-grammar policy documents as rules read them: AWS identity, trust and resource policies
(Alibaba RAM and OSS bucket policies share the grammar).

A document is a JSON string or an object. A document unknown at preview raises CannotVerify; so
does an unknown Effect, Action, Principal or Condition inside a known document. An unknown
Resource element is an ARN of something the stack creates, so it never counts as `*`.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .core import CannotVerify, is_unknown, known
from .network import is_world

RESTRICTING_KEYS = frozenset(
    {
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceip",
        "aws:vpcsourceip",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:userid",
        "aws:username",
        "kms:calleraccount",
        "s3:dataaccesspointaccount",
        "s3:dataaccesspointarn",
        "sts:externalid",
        "acs:sourceip",
        "acs:sourcevpc",
    }
)
"""Condition keys that narrow who can use a statement to a known account, organisation, network
or resource (case-insensitive, as IAM compares them)."""

NON_SCOPING_KEYS = frozenset(
    {
        "aws:securetransport",
        "aws:currenttime",
        "aws:epochtime",
        "aws:tokenissuetime",
        "aws:useragent",
        "aws:referer",
        "aws:multifactorauthpresent",
        "aws:multifactorauthage",
        "aws:requestedregion",
        "aws:viaawsservice",
        "aws:calledvia",
    }
)
"""Condition keys that say how or when a request is made, not which resources it may touch."""

_ACCOUNT_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):root$")


@dataclass(frozen=True)
class Statement:
    where: str
    """`Statement[i]` (with the Sid when there is one), for messages."""
    effect: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    """Known resource strings; unknown elements are left out (ARNs of stack resources)."""
    not_resource: bool = False
    principal: Any = None
    not_principal: Any = None
    condition: Mapping[str, Any] = field(default_factory=dict)

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"


def statements(document: Any, path: str) -> list[Statement]:
    """The statements of a policy document (None -> none)."""
    doc = known(document, path)
    if doc is None or doc == "":
        return []
    if isinstance(doc, str):
        doc = json.loads(doc)
    if not isinstance(doc, Mapping):
        raise TypeError(f"{path} is not a policy document object")
    raw = known(doc.get("Statement", []), f"{path}.Statement")
    items = raw if isinstance(raw, list) else [raw]
    return [_statement(s, f"{path}.Statement[{i}]") for i, s in enumerate(items)]


def _statement(raw: Any, where: str) -> Statement:
    s = known(raw, where)
    if not isinstance(s, Mapping):
        raise TypeError(f"{where} is not an object")
    sid = s.get("Sid")
    label = f"{where} ({sid})" if isinstance(sid, str) and sid else where
    resources = tuple(
        str(r) for r in _strings(s.get("Resource"), f"{where}.Resource", strict=False)
    )
    return Statement(
        where=label,
        effect=str(known(s.get("Effect", "Allow"), f"{where}.Effect")),
        actions=_strings(s.get("Action"), f"{where}.Action"),
        not_actions=_strings(s.get("NotAction"), f"{where}.NotAction"),
        resources=resources,
        not_resource="NotResource" in s,
        principal=_deep_known(s.get("Principal"), f"{where}.Principal"),
        not_principal=_deep_known(s.get("NotPrincipal"), f"{where}.NotPrincipal"),
        condition=_deep_known(s.get("Condition"), f"{where}.Condition") or {},
    )


def _strings(value: Any, path: str, *, strict: bool = True) -> tuple[str, ...]:
    if is_unknown(value) and not strict:
        return ()
    known(value, path)
    items = [] if value is None else value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if is_unknown(item):
            if strict:
                raise CannotVerify(path)
            continue
        out.append(str(item))
    return tuple(out)


def _deep_known(value: Any, path: str) -> Any:
    if is_unknown(value):
        raise CannotVerify(path)
    if isinstance(value, Mapping):
        return {k: _deep_known(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_known(v, path) for v in value]
    return value


def principal_values(principal: Any) -> list[tuple[str, str]]:
    """(kind, value) pairs: `"*"` -> [("*", "*")], {"AWS": [a, b]} -> [("AWS", a), ("AWS", b)]."""
    if principal is None:
        return []
    if isinstance(principal, str):
        return [("*", principal)]
    if isinstance(principal, Mapping):
        pairs = []
        for kind, values in principal.items():
            for v in values if isinstance(values, list) else [values]:
                pairs.append((str(kind), str(v)))
        return pairs
    if isinstance(principal, list):  # RAM/OSS: "Principal": ["*"]
        return [("*", str(v)) for v in principal]
    raise TypeError(f"unexpected principal {principal!r}")


def is_public_principal(principal: Any) -> bool:
    """Anyone: `"*"`, {"AWS": "*"}, {"AWS": ["*", ...]}, {"CanonicalUser": "*"}, ["*"]."""
    return any(kind != "Service" and value == "*" for kind, value in principal_values(principal))


def account_of(principal_value: str) -> str | None:
    """The account a principal value names as a whole (`123456789012` or its root ARN)."""
    if re.fullmatch(r"\d{12}", principal_value):
        return principal_value
    match = _ACCOUNT_ARN.match(principal_value)
    return match.group(1) if match else None


def _conditions(condition: Mapping[str, Any]) -> Iterator[tuple[str, str, list[Any]]]:
    for operator, entries in condition.items():
        if isinstance(entries, Mapping):
            for key, values in entries.items():
                yield (
                    str(operator),
                    str(key).lower(),
                    values if isinstance(values, list) else [values],
                )


def _narrows(operator: str, key: str, values: list[Any]) -> bool:
    op = operator.lower()
    if "ifexists" in op or "not" in op or op == "null":
        return False  # absent key passes, or a negation: "everyone except ..." is not narrow
    if not values or all(str(v).strip("*?") == "" for v in values):
        return False
    if key.endswith("sourceip"):
        return not any(is_world(str(v)) for v in values)
    return True


def restricted(statement: Statement, keys: frozenset[str] = RESTRICTING_KEYS) -> bool:
    """A condition narrows the statement to a known account, organisation, network or resource."""
    return any(
        key in keys and _narrows(op, key, values)
        for op, key, values in _conditions(statement.condition)
    )


def scoped(statement: Statement) -> bool:
    """A condition narrows what the statement applies to (tags, request values, services...),
    beyond how or when the request is made."""
    return any(
        key not in NON_SCOPING_KEYS and _narrows(op, key, values)
        for op, key, values in _conditions(statement.condition)
    )


def public_grants(items: list[Statement]) -> Iterator[str]:
    """Allow statements anyone may use: a wildcard principal or NotPrincipal, without a condition
    naming an account, organisation, network or source resource."""
    for s in items:
        if not s.allows or restricted(s):
            continue
        if s.not_principal is not None:
            yield f"{s.where} allows everyone except NotPrincipal"
        elif is_public_principal(s.principal):
            yield f"{s.where} allows any principal ('*')"


def is_every_resource(resource: str) -> bool:
    """`*`, or an ARN naming every resource of a service (`arn:aws:s3:::*`, `arn:aws:s3:::*/*`,
    `arn:aws:sqs:eu-west-1:123456789012:*`, `arn:*`)."""
    parts = resource.split(":", 5)
    if resource == "*" or (len(parts) < 6 and parts[-1] == "*"):
        return True
    return len(parts) == 6 and parts[5] in ("*", "*/*")


def matches(pattern: str, action: str) -> bool:
    """IAM action wildcard matching (case-insensitive)."""
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def is_everything(action: str) -> bool:
    return action.strip() in ("*", "*:*")


IDENTITY_POLICIES: dict[str, str] = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
    "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy": "inlinePolicy",
}
"""Type -> property of the identity policy it carries (what a principal may do)."""

ROLE = "aws:iam/role:Role"
S3_POLICIES: dict[str, str] = {
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:s3/bucket:Bucket": "policy",
    "aws:s3/bucketV2:BucketV2": "policy",
}
RESOURCE_POLICIES: dict[str, str] = {
    **S3_POLICIES,
    "aws:s3/accessPoint:AccessPoint": "policy",
    "aws:s3control/accessPointPolicy:AccessPointPolicy": "policy",
    "aws:sqs/queue:Queue": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:sns/topic:Topic": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:kms/key:Key": "policy",
    "aws:kms/keyPolicy:KeyPolicy": "policy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
    "aws:ecr/registryPolicy:RegistryPolicy": "policy",
    "aws:secretsmanager/secret:Secret": "policy",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
    "aws:efs/fileSystemPolicy:FileSystemPolicy": "policy",
    "aws:backup/vaultPolicy:VaultPolicy": "policy",
    "aws:opensearch/domain:Domain": "accessPolicies",
    "aws:opensearch/domainPolicy:DomainPolicy": "accessPolicies",
    "aws:elasticsearch/domain:Domain": "accessPolicies",
    "aws:elasticsearch/domainPolicy:DomainPolicy": "accessPolicies",
    "aws:glacier/vault:Vault": "accessPolicy",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyDocument",
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": "policy",
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": "accessPolicy",
    "aws:s3control/bucketPolicy:BucketPolicy": "policy",
    "aws:s3tables/tableBucketPolicy:TableBucketPolicy": "resourcePolicy",
    "aws:s3tables/tablePolicy:TablePolicy": "resourcePolicy",
    "aws:dynamodb/resourcePolicy:ResourcePolicy": "policy",
    "aws:kinesis/resourcePolicy:ResourcePolicy": "policy",
    "aws:msk/clusterPolicy:ClusterPolicy": "policy",
    "aws:glue/resourcePolicy:ResourcePolicy": "policy",
    "aws:redshift/resourcePolicy:ResourcePolicy": "policy",
    "aws:redshiftserverless/resourcePolicy:ResourcePolicy": "policy",
    "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy": "policyDocument",
    "aws:codeartifact/domainPermissions:DomainPermissions": "policyDocument",
    "aws:codebuild/resourcePolicy:ResourcePolicy": "policy",
    "aws:schemas/registryPolicy:RegistryPolicy": "policy",
    "aws:acmpca/policy:Policy": "policy",
    "aws:networkfirewall/resourcePolicy:ResourcePolicy": "policy",
    "aws:mediastore/containerPolicy:ContainerPolicy": "policy",
    "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy": "resourcePolicy",
}
"""Type -> property of the resource policy it carries (who may use the resource)."""


def identity_documents(props: Mapping[str, Any], type_: str) -> Iterator[Statement]:
    """Statements of the identity policies a resource carries (a role's inline policies too)."""
    if type_ in IDENTITY_POLICIES:
        prop = IDENTITY_POLICIES[type_]
        yield from statements(props.get(prop), prop)
    elif type_ == ROLE:
        inline = known(props.get("inlinePolicies"), "inlinePolicies") or []
        for i, policy in enumerate(inline):
            where = f"inlinePolicies[{i}].policy"
            yield from statements(known(policy, f"inlinePolicies[{i}]").get("policy"), where)


def resource_documents(props: Mapping[str, Any], type_: str) -> Iterator[Statement]:
    if type_ in RESOURCE_POLICIES:
        prop = RESOURCE_POLICIES[type_]
        yield from statements(props.get(prop), prop)
