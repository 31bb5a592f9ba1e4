"""IAM rules: administrator and unscoped grants, Not* elements, trust policies, administrator
managed policies, and IAM users' long-lived credentials and directly attached policies."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .core import Rule, Subject, as_list, get, is_unknown, need
from .policy_documents import (
    IDENTITY_POLICIES,
    RESOURCE_POLICIES,
    ROLE,
    Statement,
    account_of,
    identity_documents,
    is_every_resource,
    is_everything,
    is_public_principal,
    matches,
    principal_values,
    resource_documents,
    restricted,
    scoped,
    statements,
)

IDENTITY_TYPES = (*IDENTITY_POLICIES, ROLE)
ATTACHMENTS: dict[str, str] = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policyArn",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "policyArn",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "policyArn",
    "aws:iam/policyAttachment:PolicyAttachment": "policyArn",
    ROLE: "managedPolicyArns",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "policyArns",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": "policyArns",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": "policyArns",
    # IAM Identity Center: every user assigned the permission set gets the policy in the account.
    "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment": "managedPolicyArn",
}
"""Type -> property naming the managed policies it attaches (one ARN or a list)."""

LOGIN_PROFILE = "aws:iam/userLoginProfile:UserLoginProfile"
USER_CREDENTIALS: dict[str, str] = {
    "aws:iam/accessKey:AccessKey": "an access key (a long-lived secret)",
    LOGIN_PROFILE: "a console password",
    "aws:iam/serviceSpecificCredential:ServiceSpecificCredential": "a service-specific password",
    "aws:iam/signingCertificate:SigningCertificate": "a signing certificate",
    "aws:iam/sshKey:SshKey": "an SSH key for CodeCommit",
}
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
USER_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
USER_EXCLUSIVE = "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"


def _all_documents(subject: Subject) -> Iterator[Statement]:
    yield from identity_documents(subject.props, subject.type)
    yield from resource_documents(subject.props, subject.type)
    if subject.type == ROLE:
        yield from statements(need(subject.props, "assumeRolePolicy"), "assumeRolePolicy")


def _admin_policy(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    for s in _all_documents(subject):
        if s.allows and any(is_everything(a) for a in s.actions):
            yield f"{s.where} allows Action '*': every action of every service"


def _metadata_read(action: str, params: Mapping[str, Any]) -> bool:
    """Describe/List/Get-style actions that do not read data (most have no resource-level
    permissions, so AWS requires Resource '*'); `s3:Get*` is not one: it covers GetObject."""
    verb = action.partition(":")[2].lower()
    if not any(verb.startswith(p.lower()) for p in params["readOnlyPrefixes"]):
        return False
    return not any(
        matches(action, data) or matches(data, action) for data in params["dataReadActions"]
    )


def _wildcard_resource(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    for s in identity_documents(subject.props, subject.type):
        everything = [r for r in s.resources if is_every_resource(r)]
        if not s.allows or not (everything or s.not_resource) or scoped(s):
            continue
        broad = [
            a for a in s.actions
            if not is_everything(a) and not _metadata_read(a, params)
            and not any(matches(a, u) for u in params["unscopableActions"])
        ]  # fmt: skip
        if broad:
            target = "NotResource" if s.not_resource else f"Resource {everything[0]!r}"
            yield f"{s.where} allows {broad} on {target} without a scoping condition"


def _not_elements(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    for s in _all_documents(subject):
        if not s.allows:
            continue
        if s.not_actions:
            yield f"{s.where} allows NotAction {list(s.not_actions)}: every other action, including future ones"
        if s.not_resource:
            yield f"{s.where} allows NotResource: every other resource"
        if s.not_principal is not None:
            yield f"{s.where} allows NotPrincipal: every other principal, including anonymous"


def _subject_key(provider: str) -> str:
    """The claim that names who is federating: OIDC `:sub`; Cognito identity pools by `:aud`."""
    return ":aud" if provider == "cognito-identity.amazonaws.com" else ":sub"


def _web_identity_scoped(s: Statement, provider: str) -> bool:
    suffix = _subject_key(provider)
    narrowing = frozenset(
        str(k).lower()
        for entries in s.condition.values()
        if isinstance(entries, Mapping)
        for k in entries
        if str(k).lower().endswith(suffix)
    )
    return bool(narrowing) and restricted(s, narrowing)


def _trust_policy(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    trusted = set(params["trustedAccounts"])
    for s in statements(need(subject.props, "assumeRolePolicy"), "assumeRolePolicy"):
        if not s.allows:
            continue
        if is_public_principal(s.principal) and not restricted(s):
            yield f"{s.where} lets any AWS principal ('*') assume the role without a condition naming an account or organisation"
        for kind, value in principal_values(s.principal):
            account = account_of(value) if kind == "AWS" else None
            if account and account not in trusted and not restricted(s):
                yield f"{s.where} trusts every principal of account {account} without a condition (sts:ExternalId, aws:PrincipalArn, aws:PrincipalOrgID)"
            web = any(matches(a, WEB_IDENTITY) for a in s.actions)
            if kind == "Federated" and web and not _web_identity_scoped(s, value):
                yield f"{s.where} lets any identity of {value} assume the role: no condition on '{_subject_key(value)}'"


def _policy_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _admin_managed_policy(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    prop = ATTACHMENTS[subject.type]
    value = get(subject.props, prop)
    # An unknown ARN is a policy the stack creates (iam-no-admin-policy checks its document);
    # an unknown list could hold anything.
    arns = [value] if not prop.endswith("s") else as_list(value, prop)
    for arn in arns:
        if is_unknown(arn) or not isinstance(arn, str):
            continue
        name = _policy_name(arn)
        if (
            any(re.search(p, name) for p in params["deniedPolicies"])
            and name not in params["allowedPolicies"]
        ):
            yield f"attaches {name}: administrator or service-wide full access"


def _user_credentials(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    what = USER_CREDENTIALS[subject.type]
    if subject.type == LOGIN_PROFILE or need(subject.props, "status") != "Inactive":
        yield f"creates {what} for an IAM user; use roles (SSO, IRSA, instance profiles) with temporary credentials"


def _user_policies(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in (USER_POLICY, USER_ATTACHMENT):
        yield "grants permissions directly to an IAM user; grant them to a group or role"
    elif subject.type == USER_EXCLUSIVE and as_list(need(p, "policyArns"), "policyArns"):
        yield "attaches managed policies directly to an IAM user; attach them to a group or role"
    elif subject.type == POLICY_ATTACHMENT and as_list(get(p, "users"), "users"):
        yield "attaches the policy directly to IAM users; attach it to a group or role"


RULES = [
    Rule(
        id="iam-no-admin-policy",
        group="security",
        severity="critical",
        description="No identity, trust or resource policy allows Action '*'.",
        remediation="List the actions the principal needs (service:Action), on the resources it needs.",
        types=(*IDENTITY_TYPES, *RESOURCE_POLICIES),
        resource_check=_admin_policy,
        anchors="CKV_AWS_1/49/62/63, CIS AWS 1.16",
    ),
    Rule(
        id="iam-no-wildcard-resource",
        group="security",
        severity="high",
        description="Identity policies allow actions other than metadata reads on every resource ('*', arn:aws:s3:::*, ...) only under a scoping condition.",
        remediation="Name the resource ARNs, or add a condition (resource/request tags, aws:SourceArn...); Describe/List/Get metadata reads and unscopableActions (X-Ray trace writes) may stay on '*'.",
        types=IDENTITY_TYPES,
        resource_check=_wildcard_resource,
        params={
            "readOnlyPrefixes": ["Describe", "List", "Get"],
            "dataReadActions": [
                "s3:GetObject*",
                "secretsmanager:GetSecretValue",
                "ssm:GetParameter*",
                "dynamodb:GetItem",
                "dynamodb:GetRecords",
                "kinesis:GetRecords",
                "logs:GetLogEvents",
                "logs:GetQueryResults",
                "athena:GetQueryResults",
                "glacier:GetJobOutput",
                "lambda:GetFunction",
                "codecommit:GetBlob",
                "codecommit:GetFile",
                "ec2:GetPasswordData",
            ],
            # Writes AWS offers neither a resource ARN nor a scoping condition key for: allowed on
            # '*' like metadata reads (X-Ray takes traces per account and region, nothing finer).
            "unscopableActions": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        },
        anchors="CKV_AWS_290/355/356",
    ),
    Rule(
        id="iam-no-allow-not-elements",
        group="security",
        severity="high",
        description="No Allow statement uses NotAction, NotResource or NotPrincipal.",
        remediation="Allow listed actions on listed resources to listed principals; use Deny statements for exceptions.",
        types=(*IDENTITY_TYPES, *RESOURCE_POLICIES),
        resource_check=_not_elements,
        anchors="IAM user guide: NotPrincipal/NotAction with Allow",
    ),
    Rule(
        id="iam-trust-policy-restricted",
        group="security",
        severity="critical",
        description="Role trust policies never admit '*', a whole other account, or every identity of a web-identity provider without a condition.",
        remediation="Trust named role ARNs or services; add sts:ExternalId / aws:PrincipalOrgID for accounts and a ':sub' condition for OIDC providers; list trusted accounts in trustedAccounts.",
        types=(ROLE,),
        resource_check=_trust_policy,
        params={"trustedAccounts": []},
        anchors="CKV_AWS_60/61/358",
    ),
    Rule(
        id="iam-no-admin-managed-policy",
        group="security",
        severity="critical",
        description="No role, user, group or Identity Center permission set gets AdministratorAccess, PowerUserAccess or a *FullAccess managed policy.",
        remediation="Attach least-privilege policies scoped to the resources the principal uses.",
        types=tuple(ATTACHMENTS),
        resource_check=_admin_managed_policy,
        params={
            "deniedPolicies": ["^AdministratorAccess", "^PowerUserAccess$", "FullAccess$"],
            "allowedPolicies": [],
        },
        anchors="CKV_AWS_274, CIS AWS 1.16",
    ),
    Rule(
        id="iam-no-user-credentials",
        group="security",
        severity="high",
        description="No long-lived IAM user credentials: access keys, console passwords, service passwords, signing certificates, SSH keys.",
        remediation="Use IAM Identity Center for people and roles (IRSA, instance profiles, OIDC federation) for workloads.",
        types=tuple(USER_CREDENTIALS),
        resource_check=_user_credentials,
        anchors="CKV_AWS_273, CKV2_AWS_22, CIS AWS 1.14",
    ),
    Rule(
        id="iam-no-user-policies",
        group="security",
        severity="medium",
        description="Policies are granted to groups or roles, never directly to IAM users.",
        remediation="Put the user in a group that carries the policy, or use a role.",
        types=(USER_POLICY, USER_ATTACHMENT, USER_EXCLUSIVE, POLICY_ATTACHMENT),
        resource_check=_user_policies,
        anchors="CKV_AWS_40, CIS AWS 1.15",
    ),
]
