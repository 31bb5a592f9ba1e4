"""The edge in front of object storage: `aws.py` (CloudFront), `aws_waf.py` (WAFv2), `alicloud.py`
(Alibaba CDN), `alicloud_waf.py` (WAF 3.0). What both clouds' firewalls share lives here: the
per-client rate limit (requests per window) and its bounds."""

from __future__ import annotations

from typing import Literal, get_args

from components._base import require

MIN_RATE_LIMIT = 10
MAX_RATE_LIMIT = 2_000_000_000
RateWindow = Literal[60, 120, 300, 600]
"""Counting windows both firewalls take (WAFv2's evaluation windows; WAF 3.0 counts 1..1800 s)."""


def validate_rate_limit(rate_limit: int, window_seconds: int) -> None:
    """Refuse a rate limit or window neither firewall takes, naming the field."""
    require(
        MIN_RATE_LIMIT <= rate_limit <= MAX_RATE_LIMIT,
        "rate_limit",
        f"must be between {MIN_RATE_LIMIT} and {MAX_RATE_LIMIT}, got {rate_limit}",
    )
    require(
        window_seconds in get_args(RateWindow),
        "rate_limit_window_seconds",
        f"must be one of {get_args(RateWindow)}",
    )
