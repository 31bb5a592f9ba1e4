"""Explicit providers, one per (cloud, region). Default providers are disabled in every stack file
(`pulumi:disable-default-providers`), so a resource without one of these fails instead of landing
in whatever region the ambient credentials choose (pulumi/pulumi-aws#3777)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_alicloud as alicloud
import pulumi_aws as aws
import pulumi_random as random

from infra.config import AlicloudStackConfig, AwsStackConfig
from infra.regions import EDGE_REGION, waf_region


@dataclass(frozen=True)
class Providers:
    primary: pulumi.ProviderResource
    """Provider of the primary region."""
    dr: pulumi.ProviderResource | None
    """Provider of the DR region, when DR is enabled."""
    random: pulumi.ProviderResource
    """Provider of `pulumi_random` (generated tokens); explicit like every other provider."""
    edge: pulumi.ProviderResource
    """Provider of us-east-1 for CloudFront-scoped resources; the primary one when the primary
    region is us-east-1. On Alibaba Cloud (whose CDN is configured from any region): WAF 3.0's
    region, when the CDN has a firewall."""

    def in_primary(self, opts: pulumi.ResourceOptions | None = None) -> pulumi.ResourceOptions:
        """`opts` with the primary region's provider (and `random`, for generated secrets)."""
        return _with(opts, providers=[self.primary, self.random])

    def in_dr(self, opts: pulumi.ResourceOptions | None = None) -> pulumi.ResourceOptions:
        """`opts` with the DR region's provider (and `random`); only when DR is enabled."""
        if self.dr is None:
            raise ValueError("no DR provider: dr.enabled is false")
        return _with(opts, providers=[self.dr, self.random])

    def at_edge(self, opts: pulumi.ResourceOptions | None = None) -> pulumi.ResourceOptions:
        """`opts` with the us-east-1 provider, for CloudFront and its companions."""
        return _with(opts, provider=self.edge)


def _with(opts: pulumi.ResourceOptions | None, **extra: Any) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(
        opts or pulumi.ResourceOptions(), pulumi.ResourceOptions(**extra)
    )


def build_providers(cfg: AwsStackConfig) -> Providers:
    primary = _aws_provider(f"aws-{cfg.region}", cfg.region, cfg.account_id)
    dr = (
        _aws_provider(f"aws-dr-{cfg.dr.region}", cfg.dr.region, cfg.account_id)
        if cfg.dr.enabled and cfg.dr.region
        else None
    )
    edge = (
        primary
        if cfg.region == EDGE_REGION
        else _aws_provider(f"aws-edge-{EDGE_REGION}", EDGE_REGION, cfg.account_id)
    )
    return Providers(primary=primary, dr=dr, edge=edge, random=random.Provider("random"))


def _aws_provider(name: str, region: str, account_id: str | None) -> aws.Provider:
    # Named after the region: moving a stack to another region must create a new provider (and so
    # plan replacements visibly), never silently re-point an existing one.
    return aws.Provider(
        name,
        region=region,
        allowed_account_ids=[account_id] if account_id else None,
    )


def build_alicloud_providers(cfg: AlicloudStackConfig) -> Providers:
    """The Alibaba Cloud providers: the primary region (also the CDN's: Alibaba's CDN API is
    global), the DR region when enabled, and WAF 3.0's region when the CDN has a firewall (its
    API answers only in cn-hangzhou for the mainland and ap-southeast-1 elsewhere)."""
    primary = alicloud_provider(f"alicloud-{cfg.region}", cfg.region, cfg.account_id)
    dr = (
        alicloud_provider(f"alicloud-dr-{cfg.dr.region}", cfg.dr.region, cfg.account_id)
        if cfg.dr.enabled and cfg.dr.region
        else None
    )
    waf = waf_region(cfg.region)
    edge = (
        alicloud_provider(f"alicloud-edge-{waf}", waf, cfg.account_id)
        if cfg.cdn.enabled and cfg.cdn.waf.enabled and waf != cfg.region
        else primary
    )
    return Providers(primary=primary, dr=dr, edge=edge, random=random.Provider("random"))


def alicloud_provider(name: str, region: str, account_id: str | None) -> alicloud.Provider:
    """An Alibaba Cloud provider of `region` (also for a service with its own region: DirectMail)."""
    # Named after the region, as on AWS. Unlike AWS's allowed_account_ids, the Alibaba provider has
    # no account allowlist: `account_id` is the id its APIs use where they need one.
    return alicloud.Provider(name, region=region, account_id=account_id)
