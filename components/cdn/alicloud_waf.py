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

from typing import Any

import pulumi
from pulumi_alicloud import wafv3

from components._base import child_opts, merged_tags, type_token
from components.cdn.alicloud_waf_spec import WebFirewallArgs, validate

BLOCK_SECONDS_MIN = 60
"""WAF 3.0 blocks a rate-limited client for 60..86400 s."""


class WebFirewall(pulumi.ComponentResource):
    """WAF 3.0 (CNAME mode) in front of a CDN domain: managed rules, rate limit, IP blacklist."""

    cname: pulumi.Output[str]
    """Where the domain's DNS CNAME record must point (instead of the CDN's)."""
    instance_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: WebFirewallArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("cdn", "WebFirewall", cloud="alicloud"), name, None, opts)
        validate(args)
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
