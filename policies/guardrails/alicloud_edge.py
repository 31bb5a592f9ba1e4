"""Alibaba Cloud OSS and CDN rules with the intent of the S3 and CloudFront ones: buckets deny
plain HTTP, keep versions and access logs; CDN domains serve HTTPS only with TLS 1.2+ and HSTS,
and reach OSS origins with their own authorization (the bucket stays private). Settings may be
inline (deprecated bucket arguments) or separate resources joined to their bucket or domain."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .alicloud_storage import OSS, OSS_POLICY
from .core import Finding, Rule, Subject, as_list, get, is_unknown, known
from .joins import linked
from .storage import _statements

OSS_VERSIONING = "alicloud:oss/bucketVersioning:BucketVersioning"
OSS_LOGGING = "alicloud:oss/bucketLogging:BucketLogging"
CDN_DOMAIN = "alicloud:cdn/domainNew:DomainNew"
CDN_CONFIG = "alicloud:cdn/domainConfig:DomainConfig"


def _sides(subjects: Sequence[Subject], typ: str, bucket: Subject) -> list[Subject]:
    return [s for s in subjects if s.type == typ and linked(s, "bucket", bucket)]


def _denies_plain_http(policy: Any) -> bool:
    if policy is None or is_unknown(policy):
        return False
    for s in _statements(policy):
        condition = s.get("Condition") or {}
        secure = (condition.get("Bool") or {}).get("acs:SecureTransport")
        values = secure if isinstance(secure, list) else [secure]
        if s.get("Effect") == "Deny" and any(str(v).lower() == "false" for v in values):
            return True
    return False


def _oss_tls_only(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for bucket in (s for s in subjects if s.type == OSS):
        policies = [get(bucket.props, "policy")] + [
            get(p.props, "policy") for p in _sides(subjects, OSS_POLICY, bucket)
        ]
        if any(_denies_plain_http(p) for p in policies):
            continue
        for p in policies:  # a policy not known yet may be the one that denies
            if p is not None:
                known(p, f"{bucket.name}.policy")
        yield Finding(
            f"OSS bucket '{bucket.name}' has no policy denying acs:SecureTransport=false",
            bucket.urn,
        )


def _oss_versioning_logging(
    subjects: Sequence[Subject], params: Mapping[str, Any]
) -> Iterator[Finding]:
    for bucket in (s for s in subjects if s.type == OSS):
        statuses = [get(bucket.props, "versioning.status")] + [
            get(v.props, "status") for v in _sides(subjects, OSS_VERSIONING, bucket)
        ]
        if "Enabled" not in statuses:
            for status in statuses:
                if status is not None:
                    known(status, f"{bucket.name} versioning status")
            yield Finding(
                f"OSS bucket '{bucket.name}' does not have versioning Enabled", bucket.urn
            )
        exempt = any(re.search(pattern, bucket.name) for pattern in params["loggingExempt"])
        logs = get(bucket.props, "logging") or _sides(subjects, OSS_LOGGING, bucket)
        if params["requireLogging"] and not exempt and not logs:
            yield Finding(f"OSS bucket '{bucket.name}' has no access logging", bucket.urn)


def _configs_of(domain: Subject, subjects: Sequence[Subject]) -> dict[str, dict[str, Any]]:
    """The domain's configuration functions: function name -> {arg name: value}."""
    name = get(domain.props, "domainName")
    found: dict[str, dict[str, Any]] = {}
    for c in subjects:
        if c.type != CDN_CONFIG:
            continue
        if not (linked(c, "domainName", domain) or get(c.props, "domainName") == name):
            continue
        function = known(get(c.props, "functionName"), f"{c.name}.functionName")
        args = as_list(get(c.props, "functionArgs"), f"{c.name}.functionArgs")
        found[str(function)] = {
            str(get(a, "argName")): get(a, "argValue") for a in args if isinstance(a, Mapping)
        }
    return found


def _on(value: Any, where: str) -> bool:
    return str(known(value, where)).lower() == "on"


def _cdn_https(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for domain in (s for s in subjects if s.type == CDN_DOMAIN):
        configs = _configs_of(domain, subjects)
        cert = get(domain.props, "certificateConfig") or {}
        problems = []
        if is_unknown(cert):
            known(cert, "certificateConfig")
        if not cert or str(get(cert, "serverCertificateStatus") or "on").lower() == "off":
            problems.append("no HTTPS certificate (certificateConfig)")
        force = configs.get("https_force", {})
        if not _on(force.get("enable", "off"), "https_force.enable"):
            problems.append("plain HTTP is not redirected (no https_force enable=on)")
        tls = configs.get("https_tls_version")
        if tls is None:
            problems.append("TLS 1.0/1.1 stay on by default (no https_tls_version config)")
        else:
            old = [v for v in ("tls10", "tls11") if _on(tls.get(v, "on"), f"https_tls_version.{v}")]
            if old:
                problems.append(f"https_tls_version turns on {', '.join(old)}")
        hsts = configs.get("HSTS", {})
        if params["requireHsts"] and not _on(hsts.get("enabled", "off"), "HSTS.enabled"):
            problems.append("no HSTS (HSTS enabled=on)")
        if problems:
            yield Finding(f"CDN domain '{domain.name}': {'; '.join(problems)}", domain.urn)


def _cdn_private_origin(
    subjects: Sequence[Subject], params: Mapping[str, Any]
) -> Iterator[Finding]:
    for domain in (s for s in subjects if s.type == CDN_DOMAIN):
        sources = as_list(get(domain.props, "sources"), "sources")
        if not any(known(get(s, "type"), "sources.type") == "oss" for s in sources):
            continue
        auth = _configs_of(domain, subjects).get("l2_oss_key", {})
        if not _on(auth.get("private_oss_auth", "off"), "l2_oss_key.private_oss_auth"):
            yield Finding(
                f"CDN domain '{domain.name}' fetches from OSS without private-bucket authorization "
                "(l2_oss_key private_oss_auth=on): the bucket would have to be public",
                domain.urn,
            )


RULES = [
    Rule(
        id="oss-tls-only-policy",
        group="security",
        severity="high",
        description="OSS bucket policies deny requests without TLS (acs:SecureTransport=false).",
        remediation="Add a Deny statement on acs:SecureTransport=false (oss.BucketPolicy).",
        types=(OSS, OSS_POLICY),
        stack_check=_oss_tls_only,
        anchors="IG oss-bucket-only-https-enabled",
    ),
    Rule(
        id="oss-versioning-logging",
        group="availability",
        severity="medium",
        description="OSS buckets have versioning Enabled and access logging (log buckets exempt by name).",
        remediation="Create oss.BucketVersioning (Enabled) and oss.BucketLogging to the log bucket.",
        types=(OSS, OSS_VERSIONING, OSS_LOGGING),
        stack_check=_oss_versioning_logging,
        params={"requireLogging": True, "loggingExempt": ["-logs?(-bucket)?$"]},
        anchors="IG oss-bucket-versioning-enabled, oss-bucket-logging-enabled",
    ),
    Rule(
        id="alicloud-cdn-https",
        group="security",
        severity="high",
        description="Alibaba CDN domains have a certificate, redirect HTTP to HTTPS, turn TLS 1.0/1.1 off and send HSTS.",
        remediation="Set certificateConfig; add cdn.DomainConfig https_force (enable=on), https_tls_version (tls10/tls11 off) and HSTS (enabled=on).",
        types=(CDN_DOMAIN, CDN_CONFIG),
        stack_check=_cdn_https,
        params={"requireHsts": True},
        anchors="IG cdn-domain-https-enabled, cdn-domain-tls13-enabled",
    ),
    Rule(
        id="alicloud-cdn-oss-origin-private",
        group="security",
        severity="high",
        description="CDN domains with an OSS origin fetch with private-bucket authorization, so the bucket stays private.",
        remediation="Add cdn.DomainConfig l2_oss_key with private_oss_auth=on.",
        types=(CDN_DOMAIN, CDN_CONFIG),
        stack_check=_cdn_private_origin,
        anchors="aliyun/terraform-provider-alicloud#3819",
    ),
]
