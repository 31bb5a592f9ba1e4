"""Alibaba Cloud OSS and CDN rules with the intent of the S3 and CloudFront ones: buckets deny
plain HTTP, keep versions and access logs; CDN domains serve HTTPS only with TLS 1.2+ and HSTS,
reach OSS origins with their own authorization (the bucket stays private), and sit behind a WAF
3.0 with managed protection and a per-client rate limit. Settings may be inline (deprecated
bucket arguments) or separate resources joined to their bucket or domain."""

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
WAF_DOMAIN = "alicloud:wafv3/domain:Domain"
WAF_TEMPLATE = "alicloud:wafv3/defenseTemplate:DefenseTemplate"
WAF_RULE = "alicloud:wafv3/defenseRule:DefenseRule"
MANAGED_SCENES = ("waf_base", "waf_group")
"""WAF 3.0's managed rule sets: core web protection (new and old scene names)."""
RATE_SCENES = ("custom_acl", "cc")


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
    for waf in (s for s in subjects if s.type == WAF_DOMAIN):
        if problems := list(_waf_listener_problems(waf)):
            yield Finding(f"WAF domain '{waf.name}': {'; '.join(problems)}", waf.urn)


def _waf_listener_problems(waf: Subject) -> Iterator[str]:
    """A WAF 3.0 domain in front of the CDN terminates the viewers' TLS: the same bar."""
    listen = get(waf.props, "listen") or {}
    if not as_list(get(listen, "httpsPorts"), f"{waf.name}.listen.httpsPorts"):
        yield "no HTTPS listener (listen.httpsPorts)"
        return
    tls = known(get(listen, "tlsVersion"), f"{waf.name}.listen.tlsVersion")
    if tls != "tlsv1.2":
        yield f"listen.tlsVersion={tls}; only tlsv1.2 (and 1.3) allowed"
    if as_list(get(listen, "httpPorts"), f"{waf.name}.listen.httpPorts"):
        yield "plain HTTP listener (listen.httpPorts); use focusHttps to redirect"
    elif not get(listen, "focusHttps"):
        yield "HTTP is not redirected to HTTPS (listen.focusHttps)"
    if get(get(waf.props, "redirect") or {}, "focusHttpBackend"):
        yield "forwards to the origin over plain HTTP (redirect.focusHttpBackend)"


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


def _waf_domains(domain: Subject, subjects: Sequence[Subject]) -> list[Subject]:
    name = get(domain.props, "domainName")
    return [w for w in subjects if w.type == WAF_DOMAIN
            and (get(w.props, "domain") == name or linked(w, "domain", domain))]  # fmt: skip


def _covering(waf: Subject, subjects: Sequence[Subject]) -> list[Subject]:
    """Enabled templates whose protected objects include the domain (`<domain>-waf` in CNAME
    mode)."""
    protected = f"{known(get(waf.props, 'domain'), f'{waf.name}.domain')}-waf"
    found = []
    for t in (s for s in subjects if s.type == WAF_TEMPLATE):
        resources = as_list(get(t.props, "resources"), f"{t.name}.resources")
        if protected in resources and known(get(t.props, "status"), f"{t.name}.status") == 1:
            found.append(t)
    return found


def _in_template(rule: Subject, template: Subject) -> bool:
    """The rule belongs to the template (its numeric id, or a dependency on it at preview)."""
    if linked(rule, "templateId", template):
        return True
    tid = get(rule.props, "templateId")
    return (
        tid is not None and not is_unknown(tid) and tid == get(template.props, "defenseTemplateId")
    )


def _rate_limits(rule: Subject) -> bool:
    """An enabled rule that blocks a client IP over a request rate."""
    config = get(rule.props, "config") or {}
    limit = get(config, "rateLimit") or {}
    return (
        get(rule.props, "ruleStatus") != 0
        and known(get(config, "ccStatus"), f"{rule.name}.config.ccStatus") == 1
        and get(limit, "target") in (None, "remote_addr")
        and get(config, "ruleAction") in ("block", "captcha", "js")
        and isinstance(threshold := get(limit, "threshold"), (int, float))  # numbers: floats
        and threshold > 0
    )


def _cdn_waf(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    rules = [s for s in subjects if s.type == WAF_RULE]
    for domain in (s for s in subjects if s.type == CDN_DOMAIN):
        wafs = _waf_domains(domain, subjects)
        if not wafs:
            yield Finding(
                f"CDN domain '{domain.name}' has no WAF 3.0 in front (no wafv3.Domain for "
                f"{get(domain.props, 'domainName')})",
                domain.urn,
            )
            continue
        for waf in wafs:
            templates = _covering(waf, subjects)
            problems = []
            if not any(get(t.props, "defenseScene") in MANAGED_SCENES for t in templates):
                problems.append("no enabled core web protection template (waf_base) covers it")
            rate = [
                t for t in templates if get(t.props, "defenseScene") in RATE_SCENES
                and any(_in_template(r, t) and _rate_limits(r) for r in rules)
            ]  # fmt: skip
            if not rate:
                problems.append("no enabled template with a per-client rate-limit rule covers it")
            if problems:
                yield Finding(f"WAF domain '{waf.name}': {'; '.join(problems)}", waf.urn)


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
        description="Alibaba CDN domains have a certificate, redirect HTTP to HTTPS, turn TLS 1.0/1.1 off and send HSTS; a WAF 3.0 domain in front listens on HTTPS only (TLS 1.2+, HTTP redirected) and forwards over HTTPS.",
        remediation="Set certificateConfig; add cdn.DomainConfig https_force (enable=on), https_tls_version (tls10/tls11 off) and HSTS (enabled=on); on wafv3.Domain set listen httpsPorts, tlsVersion tlsv1.2, focusHttps, no httpPorts, redirect focusHttpBackend false.",
        types=(CDN_DOMAIN, CDN_CONFIG, WAF_DOMAIN),
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
    Rule(
        id="alicloud-cdn-waf",
        group="availability",
        severity="high",
        description="Alibaba CDN domains sit behind a WAF 3.0 domain covered by an enabled core web protection template and a per-client rate-limit rule (the intent of cdn-waf-and-logging).",
        remediation="Create wafv3.Domain for the CDN domain, a waf_base DefenseTemplate and a custom_acl DefenseTemplate with a DefenseRule (ccStatus=1, rateLimit target remote_addr, block) on '<domain>-waf' (components/cdn/alicloud_waf.py).",
        types=(CDN_DOMAIN, WAF_DOMAIN, WAF_TEMPLATE, WAF_RULE),
        stack_check=_cdn_waf,
        anchors="IG use-waf-instance-for-security-protection",
    ),
]
