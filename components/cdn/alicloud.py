"""`groundwork:alicloud/cdn:Cdn`: Alibaba Cloud CDN over a private OSS bucket, HTTPS only.

Creates an accelerated domain (`cdn.DomainNew`) whose origin is the bucket's OSS endpoint over
port 443, with an HTTPS certificate (the caller's SSL Certificates Service certificate, or a free
one CDN issues), and its configuration functions (`cdn.DomainConfig`, one per function):
- `l2_oss_key`: CDN fetches from the PRIVATE bucket with its own authorization (the bucket stays
  private: no public ACL, no anonymous policy);
- `https_force`: plain HTTP is redirected (301) to HTTPS;
- `https_tls_version`: TLS 1.0 and 1.1 off, 1.2 and 1.3 on;
- `HSTS`: browsers keep to HTTPS for `hsts_max_age_seconds`.
"""

from __future__ import annotations

import pulumi
from pulumi_alicloud import cdn

from components._base import child_opts, merged_tags, type_token
from components.cdn.alicloud_spec import CdnArgs, validate


class Cdn(pulumi.ComponentResource):
    """CDN over a private OSS bucket: HTTPS only, TLS 1.2+, HSTS."""

    domain_name: pulumi.Output[str]
    cname: pulumi.Output[str]
    """Where the domain's CNAME record must point."""
    tls_policy_enforced: str
    """The lowest TLS version viewers can negotiate."""

    def __init__(
        self, name: str, args: CdnArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("cdn", "Cdn", cloud="alicloud"), name, None, opts)
        validate(args)
        certificate = (
            {"cert_type": "cas", "cert_id": args.certificate_id, "server_certificate_status": "on"}
            if args.certificate_id
            else {"cert_type": "free", "server_certificate_status": "on"}
        )
        self.domain = cdn.DomainNew(
            f"{name}-domain",
            domain_name=args.domain_name,
            cdn_type="web",
            scope=args.scope,
            sources=[
                {
                    "content": args.origin_domain,
                    "type": "oss",
                    "port": 443,
                    "priority": 20,
                    "weight": 10,
                }
            ],
            certificate_config=certificate,
            tags=merged_tags(args.tags, f"{name}-domain"),
            opts=child_opts(self),
        )
        self.domain_name = self.domain.domain_name
        self.cname = self.domain.cname
        self.tls_policy_enforced = args.minimum_tls
        tls13_only = args.minimum_tls == "TLSv1.3"
        functions: dict[str, dict[str, str]] = {
            "l2_oss_key": {"private_oss_auth": "on"},
            "https_force": {"enable": "on", "https_rewrite": "301"},
            "https_tls_version": {
                "tls10": "off",
                "tls11": "off",
                "tls12": "off" if tls13_only else "on",
                "tls13": "on",
            },
            "HSTS": {
                "enabled": "on",
                "https_hsts_max_age": str(args.hsts_max_age_seconds),
                "https_hsts_include_subdomains": "on" if args.hsts_include_subdomains else "off",
            },
        }
        for function, values in functions.items():  # keyed by function name, never by position
            cdn.DomainConfig(
                f"{name}-{function.lower().replace('_', '-')}",
                domain_name=self.domain.domain_name,
                function_name=function,
                function_args=[{"arg_name": k, "arg_value": v} for k, v in sorted(values.items())],
                opts=child_opts(self),
            )
        self.register_outputs(
            {
                "domainName": self.domain_name,
                "cname": self.cname,
                "tlsPolicyEnforced": self.tls_policy_enforced,
            }
        )
