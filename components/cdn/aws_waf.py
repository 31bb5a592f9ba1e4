"""`groundwork:aws/cdn:WebFirewall`: a CloudFront-scoped WAFv2 web ACL with logging.

Creates: optional IP sets and IP / geo block rules; a rate-based rule per client IP; the AWS
managed rule groups (IP reputation, common rule set, known bad inputs, SQL injection); CloudWatch
metrics and sampled requests on every rule; logging to a KMS-encrypted log group whose name starts
with `aws-waf-logs-` (WAF refuses other names), with the `authorization` and `cookie` headers
redacted.

Scope is CLOUDFRONT, which AWS only accepts in us-east-1: the caller must pass a us-east-1 provider
(infra/providers.py `edge`). Its log group and key live there too, since WAF logs to a log group in
the web ACL's own region.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

import pulumi
from pulumi_aws import cloudwatch, kms, wafv2

from components._base import (
    child_opts,
    log_class_tag,
    merged_tags,
    type_token,
)
from components.aws.identity import aws_context
from components.aws.policy_docs import kms_key_policy, logs_service_statement
from components.cdn.aws_waf_spec import (
    BASELINE_MANAGED_RULE_GROUPS,
    WebFirewallArgs,
    validate,
)


class WebFirewall(pulumi.ComponentResource):
    """WAFv2 web ACL for a CloudFront distribution."""

    web_acl_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: WebFirewallArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("cdn", "WebFirewall", cloud="aws"), name, None, opts)
        validate(args)
        self._name, self._args = name, args
        rules: list[dict[str, Any]] = []
        rules += self._ip_rules()
        rules += self._geo_rules()
        rules.append(
            self._rule(
                "rate-limit-per-ip",
                {"rate_based_statement": {
                    "limit": args.rate_limit,
                    "aggregate_key_type": "IP",
                    "evaluation_window_sec": args.rate_limit_window_seconds,
                }},
                action="block",
            )
        )  # fmt: skip
        for group in (*BASELINE_MANAGED_RULE_GROUPS, *args.additional_managed_rule_groups):
            rules.append(
                self._rule(
                    group,
                    {"managed_rule_group_statement": {"name": group, "vendor_name": "AWS"}},
                    action=None,
                )
            )
        for priority, rule in enumerate(rules):
            rule["priority"] = priority

        self.web_acl = wafv2.WebAcl(
            f"{name}-acl",
            scope="CLOUDFRONT",
            description=f"Edge protection of {name}",
            default_action={"allow": {}},
            rules=rules,
            visibility_config=_visibility(f"{name}-acl"),
            tags=merged_tags(args.tags, f"{name}-acl"),
            opts=child_opts(self),
        )
        self.web_acl_arn = self.web_acl.arn
        self.log_group_name = self._logging()
        self.register_outputs({"webAclArn": self.web_acl_arn, "logGroupName": self.log_group_name})

    def _rule(self, rule: str, statement: dict[str, Any], *, action: str | None) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "name": rule,
            "statement": statement,
            "visibility_config": _visibility(f"{self._name}-{rule}"),
        }
        if action is None:  # rule groups carry their own actions
            spec["override_action"] = {"none": {}}
        else:
            spec["action"] = {action: {}}
        return spec

    def _ip_rules(self) -> list[dict[str, Any]]:
        if not self._args.blocked_ip_cidrs:
            return []
        by_version: dict[str, list[str]] = {"IPV4": [], "IPV6": []}
        for cidr in self._args.blocked_ip_cidrs:
            net = ipaddress.ip_network(cidr, strict=False)
            by_version[f"IPV{net.version}"].append(str(net))
        rules = []
        for version, addresses in by_version.items():
            if not addresses:
                continue
            suffix = version.lower()
            ip_set = wafv2.IpSet(
                f"{self._name}-blocked-{suffix}",
                scope="CLOUDFRONT",
                ip_address_version=version,
                addresses=addresses,
                description=f"Blocked {version} ranges of {self._name}",
                tags=merged_tags(self._args.tags, f"{self._name}-blocked-{suffix}"),
                opts=child_opts(self),
            )
            rules.append(
                self._rule(
                    f"blocked-{suffix}",
                    {"ip_set_reference_statement": {"arn": ip_set.arn}},
                    action="block",
                )
            )
        return rules

    def _geo_rules(self) -> list[dict[str, Any]]:
        args = self._args
        if args.blocked_countries:
            match = {"geo_match_statement": {"country_codes": list(args.blocked_countries)}}
            return [self._rule("blocked-countries", match, action="block")]
        if args.allowed_countries:
            match = {"geo_match_statement": {"country_codes": list(args.allowed_countries)}}
            return [
                self._rule(
                    "outside-allowed-countries",
                    {"not_statement": {"statement": match}},
                    action="block",
                )
            ]
        return []

    def _logging(self) -> pulumi.Output[str]:
        name, args = self._name, self._args
        protect = args.protect_stateful
        key = kms.Key(
            f"{name}-logs-key",
            description=f"Encrypts WAF logs of {name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=kms_key_policy(aws_context(self), [logs_service_statement()]),
            tags=merged_tags(args.tags, f"{name}-logs-key"),
            opts=child_opts(self, protect=protect),
        )
        group = cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"aws-waf-logs-{name}",  # WAF only logs to groups named aws-waf-logs-*
            retention_in_days=args.log_retention_days,
            kms_key_id=key.arn,
            tags=merged_tags(args.tags, f"aws-waf-logs-{name}", **log_class_tag("audit")),
            opts=child_opts(self, protect=protect),
        )
        wafv2.WebAclLoggingConfiguration(
            f"{name}-logging",
            resource_arn=self.web_acl.arn,
            log_destination_configs=[group.arn],
            redacted_fields=[
                {"single_header": {"name": "authorization"}},
                {"single_header": {"name": "cookie"}},
            ],
            opts=child_opts(self),
        )
        return group.name


def _visibility(metric: str) -> dict[str, Any]:
    return {
        "cloudwatch_metrics_enabled": True,
        "metric_name": re.sub(r"[^\w-]", "-", metric)[:255],
        "sampled_requests_enabled": True,
    }
