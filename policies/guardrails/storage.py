"""Bucket and CDN rules (S3 side resources are joined to their bucket in stack rules)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import CannotVerify, Finding, Rule, Subject, as_list, get, known, need, truthy
from .joins import linked
from .policy_documents import public_grants, statements

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
PAB = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)
SSE = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
VERSIONING = (
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketVersioningV2:BucketVersioningV2",
)
LOGGING = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
LIFECYCLE = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
POLICY = ("aws:s3/bucketPolicy:BucketPolicy",)
ACL = ("aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2")
REPLICATION = ("aws:s3/bucketReplicationConfig:BucketReplicationConfig",)
CF = "aws:cloudfront/distribution:Distribution"
PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")


def _side(subjects: Sequence[Subject], types: tuple[str, ...], bucket: Subject) -> list[Subject]:
    return [s for s in subjects if s.type in types and linked(s, "bucket", bucket)]


def _statements(policy: Any) -> list[Mapping[str, Any]]:
    doc = json.loads(policy) if isinstance(policy, str) else policy
    statements = (doc or {}).get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


OBJECTS = (
    "aws:s3/bucketObject:BucketObject",
    "aws:s3/bucketObjectv2:BucketObjectv2",
    "aws:s3/objectCopy:ObjectCopy",
)
WEBSITES = (
    "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
    "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2",
)
"""A website endpoint serves plain HTTP and only to anonymous readers: it exists to be public."""
PUBLIC_GROUPS = ("/global/AllUsers", "/global/AuthenticatedUsers")
ACCOUNT_PAB = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
ACCESS_POINT = "aws:s3/accessPoint:AccessPoint"


def _public_grants(grants: Any, path: str, uri_key: str) -> Iterator[str]:
    """ACL grants to the AllUsers / AuthenticatedUsers groups (anyone, any AWS account)."""
    for i, grant in enumerate(as_list(grants, path)):
        uri = known(get(grant, uri_key), f"{path}[{i}].{uri_key}")
        if isinstance(uri, str) and uri.endswith(PUBLIC_GROUPS):
            yield f"{path}[{i}] grants access to {uri.rsplit('/', 1)[-1]}"


def _access_block_off(subject: Subject) -> Iterator[str]:
    p = subject.props
    if subject.type == ACCESS_POINT:
        block = need(p, "publicAccessBlockConfiguration") or {}
        where = "publicAccessBlockConfiguration"
        off = [f for f in PAB_FLAGS if known(get(block, f), f"{where}.{f}") in (False, "false")]
        if off:
            yield f"access point public access block turns {', '.join(off)} off"
        return
    off = [flag for flag in PAB_FLAGS if not truthy(need(p, flag))]
    if off:
        yield f"public access block leaves {', '.join(off)} off"


def _public_acl(p: Mapping[str, Any], what: str, grants: str, uri_key: str) -> Iterator[str]:
    acl = need(p, "acl")
    if acl in PUBLIC_ACLS:
        yield f"acl={acl} makes {what} public"
    yield from _public_grants(get(p, grants), grants, uri_key)


def _no_public_access(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in (*PAB, ACCOUNT_PAB, ACCESS_POINT):
        yield from _access_block_off(subject)
    elif subject.type in WEBSITES:
        yield "a website endpoint serves the bucket over plain HTTP to anonymous readers"
    elif subject.type in ACL:
        yield from _public_acl(p, "objects", "accessControlPolicy.grants", "grantee.uri")
    elif subject.type in OBJECTS:
        yield from _public_acl(p, "the object", "grants", "uri")
    elif subject.type in BUCKETS:
        yield from _public_acl(p, "the bucket", "grants", "uri")
        for key in ("website", "websites"):
            if as_list(need(p, key), key):
                yield f"{key} turns on the public website endpoint (plain HTTP)"
    if subject.type in (*BUCKETS, *POLICY):
        for finding in public_grants(statements(need(p, "policy"), "policy")):
            yield f"bucket policy: {finding}"


def _each_bucket_has(types: tuple[str, ...], what: str) -> Any:
    def check(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
        for bucket in subjects:
            if bucket.type in BUCKETS and not _side(subjects, types, bucket):
                yield Finding(f"bucket '{bucket.name}' has no {what}", bucket.urn)

    return check


def _sse_algorithms(sse: Subject) -> list[tuple[Any, Any]]:
    return [
        (
            get(r, "applyServerSideEncryptionByDefault.sseAlgorithm"),
            get(r, "applyServerSideEncryptionByDefault.kmsMasterKeyId"),
        )
        for r in as_list(get(sse.props, "rules"), "rules")  # unknown: CannotVerify, not chars
    ]


def _bucket_encrypted(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for bucket in subjects:
        if bucket.type not in BUCKETS:
            continue
        configs = _side(subjects, SSE, bucket)
        if not configs:
            yield Finding(
                f"bucket '{bucket.name}' has no server-side encryption configuration", bucket.urn
            )


def _bucket_kms(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for bucket in subjects:
        if bucket.type not in BUCKETS:
            continue
        for sse in _side(subjects, SSE, bucket):
            for algorithm, key in _sse_algorithms(sse):
                if algorithm not in ("aws:kms", "aws:kms:dsse"):
                    yield Finding(
                        f"bucket '{bucket.name}' uses {algorithm}, not aws:kms", bucket.urn
                    )
                elif params["requireCustomerKey"] and not key:
                    yield Finding(
                        f"bucket '{bucket.name}' uses the AWS-managed aws/s3 key", bucket.urn
                    )


def _denies_plain_http(policy: Subject) -> bool:
    document = get(policy.props, "policy")
    if not isinstance(document, str | Mapping | type(None)):
        raise CannotVerify("policy")  # an unknown (preview) value of another shape
    for statement in _statements(known(document, "policy")):
        condition = json.dumps(statement.get("Condition", {}))
        if (
            statement.get("Effect") == "Deny"
            and "aws:SecureTransport" in condition
            and "false" in condition
        ):
            return True
    return False


def _bucket_tls_only(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for bucket in subjects:
        if bucket.type in BUCKETS and not any(
            _denies_plain_http(p) for p in _side(subjects, POLICY, bucket)
        ):
            yield Finding(
                f"bucket '{bucket.name}' has no policy denying aws:SecureTransport=false",
                bucket.urn,
            )


def _bucket_versioning_logging(
    subjects: Sequence[Subject], params: Mapping[str, Any]
) -> Iterator[Finding]:
    for bucket in subjects:
        if bucket.type not in BUCKETS:
            continue
        versions = _side(subjects, VERSIONING, bucket)
        if not any(get(v.props, "versioningConfiguration.status") == "Enabled" for v in versions):
            yield Finding(f"bucket '{bucket.name}' does not have versioning Enabled", bucket.urn)
        exempt = any(re.search(pattern, bucket.name) for pattern in params["loggingExempt"])
        if params["requireLogging"] and not exempt and not _side(subjects, LOGGING, bucket):
            yield Finding(f"bucket '{bucket.name}' has no access logging", bucket.urn)


def _behaviours(p: Mapping[str, Any]) -> list[tuple[str, Any]]:
    found = [("defaultCacheBehavior", need(p, "defaultCacheBehavior") or {})]
    for i, b in enumerate(as_list(get(p, "orderedCacheBehaviors"), "orderedCacheBehaviors")):
        found.append((f"orderedCacheBehaviors[{i}]", b))
    return found


def _cdn_https_only(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    for where, behaviour in _behaviours(p):
        policy = known(get(behaviour, "viewerProtocolPolicy"), f"{where}.viewerProtocolPolicy")
        if policy not in ("redirect-to-https", "https-only"):
            yield f"{where}.viewerProtocolPolicy={policy} serves plain HTTP"
    cert = need(p, "viewerCertificate") or {}
    if truthy(
        known(
            get(cert, "cloudfrontDefaultCertificate"),
            "viewerCertificate.cloudfrontDefaultCertificate",
        )
    ):
        yield "the default *.cloudfront.net certificate allows TLSv1; use an ACM certificate with a modern policy"
    else:
        version = known(
            get(cert, "minimumProtocolVersion"), "viewerCertificate.minimumProtocolVersion"
        )
        if version not in params["allowedTlsPolicies"]:
            yield f"minimumProtocolVersion={version}; allowed: {params['allowedTlsPolicies']}"
    for i, origin in enumerate(as_list(get(p, "origins"), "origins")):
        custom = get(origin, "customOriginConfig")
        if custom:
            policy = known(
                get(custom, "originProtocolPolicy"),
                f"origins[{i}].customOriginConfig.originProtocolPolicy",
            )
            if policy != "https-only":
                yield f"origins[{i}] fetches from the origin with {policy}"


def _cdn_oac(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    """S3 (REST) origins are the ones without customOriginConfig. Their domain is usually the
    bucket's regional domain name, unknown at preview, so the decision rests on the origin's shape:
    an S3 origin must carry originAccessControlId (an unknown id is one created by the stack)."""
    for i, origin in enumerate(as_list(get(subject.props, "origins"), "origins")):
        known(origin, f"origins[{i}]")
        domain = get(origin, "domainName")
        if get(origin, "customOriginConfig"):
            if isinstance(domain, str) and "s3-website" in domain:
                yield f"origins[{i}] is an S3 website endpoint (public bucket, HTTP only); use the REST endpoint with OAC"
        elif get(origin, "s3OriginConfig.originAccessIdentity"):
            yield f"origins[{i}] uses a legacy origin access identity; use originAccessControlId"
        elif not get(origin, "originAccessControlId"):
            yield f"origins[{i}] reads the bucket without origin access control"


LOG_SOURCE = "aws:cloudwatch/logDeliverySource:LogDeliverySource"
LOG_DELIVERY = "aws:cloudwatch/logDelivery:LogDelivery"


def _cdn_waf_logging(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    """WAF on every distribution, and access logs either the legacy way (`loggingConfig`, needs
    bucket ACLs) or through CloudWatch vended log delivery (a LogDeliverySource of the
    distribution that a LogDelivery ships)."""
    sources = [
        s for s in subjects if s.type == LOG_SOURCE and get(s.props, "logType") == "ACCESS_LOGS"
    ]
    deliveries = [s for s in subjects if s.type == LOG_DELIVERY]
    for cdn in (s for s in subjects if s.type == CF):
        if not get(cdn.props, "webAclId"):
            yield Finding("no WAF web ACL (webAclId)", cdn.urn)
        if not params["requireLogging"] or get(cdn.props, "loggingConfig.bucket"):
            continue
        vended = [
            src for src in sources
            if linked(src, "resourceArn", cdn)
            and any(linked(d, "deliverySourceName", src) for d in deliveries)
        ]  # fmt: skip
        if not vended:
            yield Finding(
                "no access logging (neither loggingConfig nor a delivered ACCESS_LOGS source)",
                cdn.urn,
            )


RULES = [
    Rule(
        id="bucket-no-public-access",
        group="security",
        severity="critical",
        description="Public access blocks (bucket, account, access point) keep all four flags on; no public ACLs or grants (buckets and objects); no website endpoint; no bucket policy open to '*' or NotPrincipal without a narrowing condition (S3; OSS: oss-no-public-access).",
        remediation="Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets to true; drop object ACLs and website configurations; serve through CloudFront with OAC.",
        types=(*PAB, ACCOUNT_PAB, ACCESS_POINT, *ACL, *OBJECTS, *WEBSITES, *BUCKETS, *POLICY),
        resource_check=_no_public_access,
        anchors="CKV_AWS_20/53-56/57/70/392, CKV2_AWS_43",
    ),
    Rule(
        id="bucket-public-access-block-attached",
        group="security",
        severity="critical",
        description="Every S3 bucket has a BucketPublicAccessBlock.",
        remediation="Create aws.s3.BucketPublicAccessBlock for the bucket (the bucket component does).",
        types=BUCKETS,
        stack_check=_each_bucket_has(PAB, "public access block"),
        anchors="CKV2_AWS_6",
    ),
    Rule(
        id="bucket-encrypted",
        group="security",
        severity="high",
        description="Every S3 bucket has a server-side encryption configuration (OSS: oss-encrypted).",
        remediation="Create a BucketServerSideEncryptionConfiguration with aws:kms.",
        types=BUCKETS,
        stack_check=_bucket_encrypted,
        anchors="CKV_AWS_19",
    ),
    Rule(
        id="bucket-kms-encryption",
        group="availability",
        severity="high",
        description="Buckets are encrypted with aws:kms (a customer-managed key when requireCustomerKey).",
        remediation="Use sseAlgorithm aws:kms with kmsMasterKeyId of the stack's key.",
        types=BUCKETS,
        stack_check=_bucket_kms,
        params={"requireCustomerKey": True},
        anchors="CKV_AWS_145",
    ),
    Rule(
        id="bucket-tls-only-policy",
        group="availability",
        severity="high",
        description="Bucket policies deny requests without TLS (aws:SecureTransport=false).",
        remediation="Add a Deny statement on aws:SecureTransport=false to the bucket policy.",
        types=BUCKETS,
        stack_check=_bucket_tls_only,
        anchors="CKV_AWS_379, IG oss-bucket-only-https-enabled",
    ),
    Rule(
        id="bucket-versioning-logging",
        group="availability",
        severity="medium",
        description="Buckets have versioning Enabled and access logging (log buckets exempt by name).",
        remediation="Create BucketVersioning (Enabled) and BucketLogging to the log bucket.",
        types=BUCKETS,
        stack_check=_bucket_versioning_logging,
        params={"requireLogging": True, "loggingExempt": ["-logs?$", "-access-logs"]},
        anchors="CKV_AWS_21/18",
    ),
    Rule(
        id="cdn-https-only",
        group="security",
        severity="critical",
        description="CloudFront serves HTTPS only with a modern TLS policy and talks HTTPS to custom origins.",
        remediation="viewerProtocolPolicy redirect-to-https; an ACM certificate (us-east-1) with minimumProtocolVersion TLSv1.2_2021; originProtocolPolicy https-only.",
        types=(CF,),
        resource_check=_cdn_https_only,
        params={"allowedTlsPolicies": ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]},
        anchors="CKV_AWS_34/174, AVD-AWS-0012/0013",
    ),
    Rule(
        id="cdn-s3-origin-oac",
        group="security",
        severity="high",
        description="CloudFront reads S3 origins through origin access control, never website endpoints or OAI.",
        remediation="Create a cloudfront.OriginAccessControl and set originAccessControlId on the S3 origin.",
        types=(CF,),
        resource_check=_cdn_oac,
        anchors="CKV2_AWS_46",
    ),
    Rule(
        id="cdn-waf-and-logging",
        group="availability",
        severity="high",
        description="CloudFront distributions have a WAF web ACL and access logging.",
        remediation="Set webAclId to the us-east-1 CLOUDFRONT-scope WebAcl; deliver access logs (CloudWatch vended log delivery, or loggingConfig).",
        types=(CF,),
        stack_check=_cdn_waf_logging,
        params={"requireLogging": True},
        anchors="CKV_AWS_68/86",
    ),
]
