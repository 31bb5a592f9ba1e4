"""`groundwork:alicloud/cdn:WebFirewall`: a WAF 3.0 in front of the Alibaba CDN domain.

The intent of the AWS web ACL (components/cdn/aws_waf.py) with WAF 3.0's pieces:
- a pay-as-you-go WAF 3.0 instance (`wafv3.Instance`);
- the CDN's domain added in CNAME mode (`wafv3.Domain`): the domain's DNS record points at the
  WAF's CNAME, WAF terminates HTTPS (TLS 1.2+, the domain's SSL Certificates Service
  certificate) and forwards over HTTPS to the CDN's CNAME with the domain as SNI/Host. WAF sits
  in front of the CDN, not behind it, because the CDN reads the OSS origin with its own private
  authorization (`l2_oss_key`): a WAF between CDN and OSS would have to read a public bucket.
  WAF is the first hop, so the client IP is the connecting address (no X-Forwarded-For to trust);
- managed protection: a core web protection template (`waf_base`, Alibaba's managed rule set,
  auto-updated, blocking) on the domain;
- a per-client rate limit: a custom rule template (`custom_acl`) with one rule that blocks an IP
  making more than `rate_limit` requests in `rate_limit_window_seconds`, for one window;
- optionally an IP blacklist template (`ip_blacklist`) with `blocked_ip_cidrs`.

WAF 3.0's API lives in cn-hangzhou (mainland instances) or ap-southeast-1 (others): the caller
passes a provider in that region (infra/providers.py `edge`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import pulumi
from pulumi_alicloud import wafv3

from components._base import child_opts, merged_tags, require, type_token
from components.cdn import RateWindow, validate_rate_limit
from components.cdn.alicloud import validate_certificate_id

WafRegion = Literal["cn-hangzhou", "ap-southeast-1"]
"""Where WAF 3.0 instances live: the Chinese mainland, or everywhere else."""
BLOCK_SECONDS_MIN = 60
"""WAF 3.0 blocks a rate-limited client for 60..86400 s."""


@dataclass(frozen=True, kw_only=True)
class WebFirewallArgs:
    domain_name: str
    """The CDN's accelerated domain; its DNS CNAME must point at the `cname` output."""
    cdn_cname: pulumi.Input[str]
    """The CDN domain's CNAME: where WAF forwards allowed requests."""
    certificate_id: str
    """SSL Certificates Service certificate of the domain (digits): WAF terminates HTTPS."""
    waf_region: WafRegion = "cn-hangzhou"
    """Region of the WAF instance; also the suffix WAF expects on certificate ids."""
    rate_limit: int = 2000
    """Requests one client IP may make per `rate_limit_window_seconds` before it is blocked."""
    rate_limit_window_seconds: RateWindow = 300
    """Counting window of the rate limit; a client over the limit is blocked for one window."""
    blocked_ip_cidrs: Sequence[str] = ()
    """IPv4 CIDRs always blocked (the domain listens on IPv4 only: no IPv6 client reaches it)."""
    tags: Mapping[str, str] = field(default_factory=dict)


class WebFirewall(pulumi.ComponentResource):
    """WAF 3.0 (CNAME mode) in front of a CDN domain: managed rules, rate limit, IP blacklist."""

    cname: pulumi.Output[str]
    """Where the domain's DNS CNAME record must point (instead of the CDN's)."""
    instance_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: WebFirewallArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("cdn", "WebFirewall", cloud="alicloud"), name, None, opts)
        _validate(args)
        self.instance = wafv3.Instance(f"{name}-instance", opts=child_opts(self))
        self.instance_id = self.instance.id
        self.domain = wafv3.Domain(
            f"{name}-domain",
            instance_id=self.instance.id,
            domain=args.domain_name,
            access_type="share",  # CNAME mode
            listen={
                "https_ports": [443],  # no HTTP port: focus_https redirects HTTP to HTTPS
                "focus_https": True,
                "cert_id": f"{args.certificate_id}-{args.waf_region}",
                "tls_version": "tlsv1.2",
                "enable_tlsv3": True,
                "cipher_suite": 2,  # strong cipher suites only
                "http2_enabled": True,
                "protection_resource": "share",
                "xff_header_mode": 0,  # WAF is the first hop: the client is the peer address
            },
            redirect={
                "backends": [args.cdn_cname],
                "loadbalance": "iphash",
                "focus_http_backend": False,  # HTTPS to the CDN as well
                "sni_enabled": True,
                "sni_host": args.domain_name,
                "keepalive": True,
                "retry": True,
                "xff_proto": True,
            },
            tags=merged_tags(args.tags, f"{name}-domain"),
            opts=child_opts(self),
        )
        self.cname = self.domain.cname
        # WAF names a CNAME-mode protected object "<domain>-waf".
        protected = pulumi.Output.concat(self.domain.domain, "-waf")
        self._templates(name, args, protected)
        self.register_outputs({"cname": self.cname, "instanceId": self.instance_id})

    def _templates(self, name: str, args: WebFirewallArgs, protected: pulumi.Output[str]) -> None:
        rules: dict[str, dict[str, Any]] = {
            "waf_base": {"rule_action": "block", "auto_update": True},
            "custom_acl": {
                "conditions": [{"key": "URL", "op_value": "prefix-match", "values": "/"}],
                "rule_action": "block",
                "cc_status": 1,
                "cc_effect": "rule",
                "rate_limit": {
                    "target": "remote_addr",
                    "interval": args.rate_limit_window_seconds,
                    "threshold": args.rate_limit,
                    "ttl": max(args.rate_limit_window_seconds, BLOCK_SECONDS_MIN),
                },
            },
        }
        if args.blocked_ip_cidrs:
            rules["ip_blacklist"] = {
                "remote_addrs": list(args.blocked_ip_cidrs),
                "rule_action": "block",
            }
        for scene, config in rules.items():  # keyed by scene, never by position
            slug = scene.replace("_", "-")
            template = wafv3.DefenseTemplate(
                f"{name}-{slug}",
                instance_id=self.instance.id,
                defense_template_name=f"{name}-{slug}",
                defense_scene=scene,
                template_origin="custom",
                template_type="user_custom",
                status=1,
                resources=[protected],
                description=f"{scene} protection of {args.domain_name}",
                opts=child_opts(self),
            )
            wafv3.DefenseRule(
                f"{name}-{slug}-rule",
                instance_id=self.instance.id,
                defense_type="template",
                defense_origin="custom",
                defense_scene=scene,
                template_id=template.defense_template_id,
                rule_name=f"{name}-{slug}",
                rule_status=1,
                config=config,
                opts=child_opts(self),
            )


def _validate(args: WebFirewallArgs) -> None:
    validate_certificate_id(args.certificate_id)
    require(args.waf_region in get_args(WafRegion), "waf_region", f"one of {get_args(WafRegion)}")
    validate_rate_limit(args.rate_limit, args.rate_limit_window_seconds)
    for cidr in args.blocked_ip_cidrs:
        try:
            net = ipaddress.ip_network(cidr, strict=True)
        except ValueError as exc:
            require(False, "blocked_ip_cidrs", f"'{cidr}' is not a CIDR ({exc})")
            continue
        require(
            net.version == 4,
            "blocked_ip_cidrs",
            f"'{cidr}': IPv4 only (the WAF domain has no IPv6 listener)",
        )
