"""Regions each cloud offers, so a typo in a stack file fails at validation instead of at `pulumi up`."""

from __future__ import annotations

from components._base import Cloud

CLOUD_NAMES: dict[Cloud, str] = {"aws": "AWS", "alicloud": "Alibaba Cloud"}

# Commercial AWS regions (aws.amazon.com/about-aws/global-infrastructure/regions_az, 2026).
AWS_REGIONS: frozenset[str] = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2",
        "af-south-1",
        "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
        "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
        "ca-central-1", "ca-west-1",
        "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
        "eu-north-1", "eu-south-1", "eu-south-2",
        "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
    }
)  # fmt: skip

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


def zone_name(cloud: Cloud, region: str, zone: str) -> str:
    """Expand a zone suffix (`a`) to the zone name (`eu-west-1a`, `cn-hangzhou-a`); keep full names."""
    if zone.startswith(region):
        return zone
    return f"{region}{zone}" if cloud == "aws" else f"{region}-{zone}"


def is_zone_of(cloud: Cloud, region: str, zone: str) -> bool:
    """`eu-west-1a` is a zone name of `eu-west-1`; `eu-west-1-a`, `eu-west-1ab` are not. Alibaba
    names zones `cn-hangzhou-h`. Whether the letter exists in the account is checked by the cloud."""
    sep = "" if cloud == "aws" else "-"
    rest = zone.removeprefix(region + sep) if zone.startswith(region + sep) else ""
    return len(rest) == 1 and "a" <= rest <= "z"


def zone_suffix(region: str, zone: str) -> str:
    """The letter part of a full zone name (`eu-west-1c` -> `c`, `cn-hangzhou-k` -> `k`)."""
    return zone[len(region) :].lstrip("-")
