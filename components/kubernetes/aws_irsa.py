"""IAM roles for Kubernetes service accounts (IRSA): trust and permission policies built in Python.

`service_account_role` creates one role that only the named service account of the named
namespace can assume, through the cluster's OIDC provider (audience `sts.amazonaws.com`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi_aws import iam

from components._base import child_opts, merged_tags
from components.aws.policy_docs import policy_document
from components.kubernetes.aws_irsa_spec import OidcIdentity


def irsa_trust_policy(provider_arn: str, issuer_host: str, namespace: str, account: str) -> str:
    """Trust policy: only `system:serviceaccount:<namespace>:<account>` may assume the role."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider_arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            f"{issuer_host}:sub": f"system:serviceaccount:{namespace}:{account}",
                            f"{issuer_host}:aud": "sts.amazonaws.com",
                        }
                    },
                }
            ],
        }
    )


def service_account_role(
    parent: pulumi.Resource,
    name: str,
    *,
    oidc: OidcIdentity,
    namespace: str,
    service_account: str,
    tags: Mapping[str, str],
    statements: Sequence[dict[str, Any]] | pulumi.Output[Sequence[dict[str, Any]]] = (),
    managed_policy_arns: Mapping[str, pulumi.Input[str]] | None = None,
    former_names: Sequence[str] = (),
) -> iam.Role:
    """An IAM role for one Kubernetes service account, as a child of `parent`.

    `statements` become an inline policy (least privilege, JSON built in Python);
    `managed_policy_arns` (policy name -> ARN) are attached, each attachment named after its
    policy, so the list's order never matters (for AWS-maintained add-on policies).
    `former_names`: names the role went by (aliases: a rename updates in place).
    """
    trust = pulumi.Output.all(oidc.provider_arn, oidc.issuer_host).apply(
        lambda v: irsa_trust_policy(str(v[0]), str(v[1]), namespace, service_account)
    )
    role = iam.Role(
        name,
        assume_role_policy=trust,
        description=f"IRSA role of {namespace}/{service_account}",
        tags=merged_tags(tags, name),
        opts=child_opts(parent, aliases=[pulumi.Alias(name=n) for n in former_names]),
    )
    if isinstance(statements, pulumi.Output) or statements:
        iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=pulumi.Output.from_input(statements).apply(lambda s: policy_document(list(s))),
            opts=child_opts(
                parent, aliases=[pulumi.Alias(name=f"{n}-policy") for n in former_names]
            ),
        )
    for policy_name, arn in sorted((managed_policy_arns or {}).items()):
        short = policy_name.rsplit("/", 1)[-1]  # `service-role/AmazonEBSCSIDriverPolicy`
        iam.RolePolicyAttachment(
            f"{name}-{short}", role=role.name, policy_arn=arn, opts=child_opts(parent)
        )
    return role
