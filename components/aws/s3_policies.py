"""Bucket and key policy statements the storage components write (plain JSON, no invokes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from components.aws.policy_docs import policy_document

Statement = Mapping[str, Any]


def deny_insecure_transport(bucket_arn: str) -> dict[str, Any]:
    """Refuse every request not made over TLS (aws:SecureTransport false), for every principal."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def public_grant_problem(statements: Sequence[Statement]) -> str | None:
    """Why the statements would open the bucket to everyone, or None. An Allow with a `*`
    principal (`"*"`, `{"AWS": "*"}`, `{"AWS": ["*"]}`) or NotPrincipal is refused whatever its
    condition: the bucket is private by construction; grant named principals or services."""
    public = []
    for i, s in enumerate(statements):
        if s.get("Effect", "Allow") != "Allow":
            continue
        principal = s.get("Principal")
        entries = principal.values() if isinstance(principal, Mapping) else [principal]
        values = [v for e in entries for v in (e if isinstance(e, list) else [e])]
        if "NotPrincipal" in s or "*" in values:
            public.append(str(s.get("Sid") or f"statement {i}"))
    if not public:
        return None
    return (
        f"{', '.join(public)} would make the private bucket public (principal '*' or "
        "NotPrincipal); grant named principals or services"
    )


def bucket_policy(bucket_arn: str, extra: Sequence[Statement]) -> str:
    """The one bucket policy: the TLS-only deny first, then the caller's statements."""
    problem = public_grant_problem(extra)
    if problem:
        raise ValueError(f"policy_statements: {problem}")
    return policy_document([deny_insecure_transport(bucket_arn), *[dict(s) for s in extra]])


def key_policy(account: str, partition: str, extra: Sequence[Statement]) -> str:
    """Key policy: the account administers the key through IAM; callers' grants are appended."""
    root = f"arn:{partition}:iam::{account}:root"
    return policy_document(
        [
            {
                "Sid": "AccountAdministersKeyThroughIam",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": "kms:*",
                "Resource": "*",
            },
            *[dict(s) for s in extra],
        ]
    )


def server_access_log_delivery(log_bucket_arn: str, prefix: str, account: str) -> dict[str, Any]:
    """Lets S3 server access logging of this account's buckets write under `prefix`.

    With BucketOwnerEnforced (ACLs disabled) the log-delivery group ACL no longer works; a bucket
    policy for the `logging.s3.amazonaws.com` service principal is the supported way.
    """
    return {
        "Sid": "S3ServerAccessLogDelivery",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"{log_bucket_arn}/{prefix}*",
        "Condition": {"StringEquals": {"aws:SourceAccount": account}},
    }


def vended_log_delivery(
    log_bucket_arn: str, account: str, partition: str, source_region: str
) -> dict[str, Any]:
    """Lets CloudWatch vended-log delivery (CloudFront standard logging v2) write to the bucket.

    Needs no ACLs, unlike CloudFront's legacy standard logging. Scoped to delivery sources of this
    account in the region they live in (us-east-1 for CloudFront).
    """
    return {
        "Sid": "VendedLogDelivery",
        "Effect": "Allow",
        "Principal": {"Service": "delivery.logs.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"{log_bucket_arn}/AWSLogs/{account}/*",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": account, "s3:x-amz-acl": "bucket-owner-full-control"},
            "ArnLike": {"aws:SourceArn": f"arn:{partition}:logs:{source_region}:{account}:delivery-source:*"},
        },
    }  # fmt: skip


def cloudfront_read(bucket_arn: str, distribution_arn: str) -> dict[str, Any]:
    """Origin Access Control read: only this distribution (aws:SourceArn) may GET objects."""
    return {
        "Sid": "CloudFrontOriginAccessControlRead",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": f"{bucket_arn}/*",
        "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
    }


def cloudfront_decrypt(distribution_arn: str) -> dict[str, Any]:
    """Lets the same distribution decrypt SSE-KMS objects it reads through OAC."""
    return {
        "Sid": "CloudFrontOriginAccessControlDecrypt",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "kms:Decrypt",  # read-only origin: nothing to encrypt
        "Resource": "*",
        "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
    }
