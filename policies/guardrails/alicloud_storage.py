"""Alibaba Cloud OSS rules: public access in every shape (bucket ACL, the BucketAcl and BucketPolicy
resources, public access blocks) and encryption, inline or through the separate
BucketServerSideEncryption resource (joined to its bucket like the S3 side resources)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import Finding, Rule, Subject, get, known, need, truthy
from .joins import linked
from .storage import _statements

OSS = "alicloud:oss/bucket:Bucket"
OSS_ACL = "alicloud:oss/bucketAcl:BucketAcl"
OSS_POLICY = "alicloud:oss/bucketPolicy:BucketPolicy"
OSS_PAB = "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock"
OSS_ACCOUNT_PAB = "alicloud:oss/accountPublicAccessBlock:AccountPublicAccessBlock"
OSS_SSE = "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption"
ALGORITHMS = ("KMS", "AES256", "SM4")


def _anyone(principal: Any) -> bool:
    """OSS spells "everyone" as "*", ["*"] or {"RAM": ["*"]}."""
    if isinstance(principal, str):
        return principal == "*"
    if isinstance(principal, list):
        return any(_anyone(p) for p in principal)
    if isinstance(principal, Mapping):
        return any(_anyone(p) for p in principal.values())
    return False


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def _narrows(condition: Any) -> bool:
    """A condition that really limits who gets in: present, and no value that admits anyone
    (`acs:SourceIp: 0.0.0.0/0` is a condition that narrows nothing)."""
    return bool(condition) and not any(v in ("*", "0.0.0.0/0", "::/0") for v in _leaves(condition))


def _anonymous_allows(policy: Any) -> list[int]:
    """Indexes of statements that allow anyone without a condition narrowing them."""
    return [
        i
        for i, s in enumerate(_statements(policy))
        if s.get("Effect") == "Allow"
        and _anyone(s.get("Principal"))
        and not _narrows(s.get("Condition"))
    ]


def _no_public_access(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in (OSS, OSS_ACL):
        acl = need(p, "acl")
        if acl not in (None, "private", "default"):  # default: inherit the (private) bucket ACL
            yield f"acl={acl} makes the objects readable by anyone"
    if subject.type in (OSS, OSS_POLICY):
        for i in _anonymous_allows(need(p, "policy")):
            yield f"policy Statement[{i}] allows anonymous access (Principal '*') without a condition that narrows it"
    if subject.type in (OSS_PAB, OSS_ACCOUNT_PAB) and not truthy(need(p, "blockPublicAccess")):
        yield "blockPublicAccess is not true"


def _encryptions(bucket: Subject, subjects: Sequence[Subject]) -> list[tuple[str, Any, Any]]:
    """(where, algorithm, key) of the bucket's inline rule and of each linked encryption resource."""
    found: list[tuple[str, Any, Any]] = []
    inline = get(bucket.props, "serverSideEncryptionRule")
    if inline:
        found.append(("serverSideEncryptionRule", get(inline, "sseAlgorithm"),
                      get(inline, "kmsMasterKeyId")))  # fmt: skip
    for side in subjects:
        if side.type == OSS_SSE and linked(side, "bucket", bucket):
            found.append((side.name, get(side.props, "sseAlgorithm"),
                          get(side.props, "kmsMasterKeyId")))  # fmt: skip
    return found


def _encrypted(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for bucket in (s for s in subjects if s.type == OSS):
        configs = _encryptions(bucket, subjects)
        wanted = ("KMS",) if params["requireKms"] else ALGORITHMS
        if any(algorithm in wanted for _, algorithm, _ in configs):
            continue
        for where, algorithm, _ in configs:
            known(algorithm, f"{where}.sseAlgorithm")  # an unknown one may be the right one
        what = "KMS encryption" if configs else "server-side encryption"
        yield Finding(
            f"OSS bucket '{bucket.name}' has no {what} (neither serverSideEncryptionRule nor a "
            "BucketServerSideEncryption sets it)",
            bucket.urn,
        )


RULES = [
    Rule(
        id="oss-no-public-access",
        group="security",
        severity="critical",
        description="OSS buckets are private: no public ACL (bucket or BucketAcl), no anonymous bucket policy, public access blocks on.",
        remediation="Set acl=private, drop Principal '*' statements (or narrow them with a condition), set blockPublicAccess=true; serve through the CDN.",
        types=(OSS, OSS_ACL, OSS_POLICY, OSS_PAB, OSS_ACCOUNT_PAB),
        resource_check=_no_public_access,
        anchors="CKV_ALI_1, IG oss-bucket-public-read-prohibited, oss-bucket-public-write-prohibited, oss-bucket-anonymous-prohibited",
    ),
    Rule(
        id="oss-encrypted",
        group="security",
        severity="high",
        description="Every OSS bucket is encrypted at rest, inline or by a BucketServerSideEncryption resource (KMS where requireKms).",
        remediation="Create oss.BucketServerSideEncryption (sseAlgorithm KMS with the stack's key) or set serverSideEncryptionRule.",
        types=(OSS, OSS_SSE),
        stack_check=_encrypted,
        params={"requireKms": False},
        anchors="CKV_ALI_6, IG oss-bucket-server-side-encryption-enabled, oss-default-encryption-kms",
    ),
]
