"""Regions each cloud offers, so a typo in a stack file fails at validation instead of at `pulumi up`."""

from __future__ import annotations

from typing import Literal

from components._base import Cloud
from components.cdn.alicloud_waf_spec import WafRegion

CLOUD_NAMES: dict[Cloud, str] = {"aws": "AWS", "alicloud": "Alibaba Cloud"}

# Commercial AWS regions and their availability-zone letters (aws.amazon.com/about-aws/global-
# infrastructure/regions_az and each region's `describe-availability-zones`, 2026). An account
# maps letters to physical zones itself, and a few accounts lack a letter (us-west-1 offers two of
# its three to any one account, ap-northeast-1 has no `b` for new accounts): the cloud has the last
# word; a letter no account has (eu-west-1d, ca-central-1c) is refused here.
AWS_ZONES: dict[str, str] = {
    "us-east-1": "abcdef", "us-east-2": "abc", "us-west-1": "abc", "us-west-2": "abcd",
    "af-south-1": "abc",
    "ap-east-1": "abc", "ap-east-2": "abc", "ap-south-1": "abc", "ap-south-2": "abc",
    "ap-northeast-1": "abcd", "ap-northeast-2": "abcd", "ap-northeast-3": "abc",
    "ap-southeast-1": "abc", "ap-southeast-2": "abc", "ap-southeast-3": "abc",
    "ap-southeast-4": "abc", "ap-southeast-5": "abc", "ap-southeast-6": "abc",
    "ap-southeast-7": "abc",
    "ca-central-1": "abd", "ca-west-1": "abc",
    "eu-central-1": "abc", "eu-central-2": "abc", "eu-west-1": "abc", "eu-west-2": "abc",
    "eu-west-3": "abc", "eu-north-1": "abc", "eu-south-1": "abc", "eu-south-2": "abc",
    "il-central-1": "abc", "me-central-1": "abc", "me-south-1": "abc", "mx-central-1": "abc",
    "sa-east-1": "abc",
}  # fmt: skip
AWS_REGIONS: frozenset[str] = frozenset(AWS_ZONES)

# Alibaba Cloud regions (alibabacloud.com/help/en/cloud-migration-guide-for-beginners/latest/regions-and-zones).
ALICLOUD_REGIONS: frozenset[str] = frozenset(
    {
        "cn-hangzhou", "cn-shanghai", "cn-qingdao", "cn-beijing", "cn-zhangjiakou",
        "cn-huhehaote", "cn-wulanchabu", "cn-shenzhen", "cn-heyuan", "cn-guangzhou",
        "cn-chengdu", "cn-hongkong", "cn-nanjing", "cn-fuzhou",
        "ap-southeast-1", "ap-southeast-3", "ap-southeast-5", "ap-southeast-6",
        "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "us-east-1", "us-west-1",
        "eu-west-1", "eu-central-1", "me-east-1", "me-central-1", "na-south-1",
    }
)  # fmt: skip

REGIONS: dict[Cloud, frozenset[str]] = {"aws": AWS_REGIONS, "alicloud": ALICLOUD_REGIONS}

Residency = Literal["mainland-china"]
RESIDENCY_NAMES: dict[Residency, str] = {"mainland-china": "mainland China (PIPL)"}
RESIDENCY_REGIONS: dict[Residency, dict[Cloud, frozenset[str]]] = {
    # Alibaba Cloud's mainland regions: every `cn-` region but Hong Kong (outside the mainland's
    # data-export rules). AWS's China regions are a separate partition this platform does not
    # offer, so an AWS stack cannot keep data there.
    "mainland-china": {
        "alicloud": frozenset(r for r in ALICLOUD_REGIONS
                              if r.startswith("cn-") and r != "cn-hongkong"),
        "aws": frozenset(),
    },
}  # fmt: skip
"""The regions of each cloud where a stack with `dataResidency` may keep data."""


def zone_name(cloud: Cloud, region: str, zone: str) -> str:
    """Expand a zone suffix (`a`) to the zone name (`eu-west-1a`, `cn-hangzhou-a`); keep full names."""
    if zone.startswith(region):
        return zone
    return f"{region}{zone}" if cloud == "aws" else f"{region}-{zone}"


def zone_letters(cloud: Cloud, region: str) -> str | None:
    """The zone letters a region has, when known (AWS); None: any letter (Alibaba Cloud)."""
    return AWS_ZONES.get(region) if cloud == "aws" else None


def is_zone_of(cloud: Cloud, region: str, zone: str) -> bool:
    """`eu-west-1a` is a zone name of `eu-west-1`; `eu-west-1-a`, `eu-west-1ab`, `eu-west-1d` (no
    such zone) are not. Alibaba names zones `cn-hangzhou-h`; its letters are not tabled here."""
    sep = "" if cloud == "aws" else "-"
    rest = zone.removeprefix(region + sep) if zone.startswith(region + sep) else ""
    letters = zone_letters(cloud, region)
    return len(rest) == 1 and "a" <= rest <= "z" and (letters is None or rest in letters)


def zone_suffix(region: str, zone: str) -> str:
    """The letter part of a full zone name (`eu-west-1c` -> `c`, `cn-hangzhou-k` -> `k`)."""
    return zone[len(region) :].lstrip("-")


EDGE_REGION = "us-east-1"
"""Where AWS requires CloudFront's companions: ACM certificates, CLOUDFRONT-scoped WAF (and its
log group), CloudFront log delivery."""


def waf_region(region: str) -> WafRegion:
    """The WAF 3.0 region serving a stack's region: cn-hangzhou for the Chinese mainland."""
    mainland = RESIDENCY_REGIONS["mainland-china"]["alicloud"]
    return "cn-hangzhou" if region in mainland else "ap-southeast-1"
