"""`groundwork:api`: the edge in front of the public API (components/cdn/aws_api.py).

The public API hostname is served by a CDN distribution with a web firewall that limits each
client (by IP) to `rateLimitPerSecond` requests per second on average over WAF's evaluation
window (`rateLimitWindowSeconds`: the rule's limit is their product, 100/s x 300 s = 30,000
requests per 5 minutes by default). The origin is the cluster's ingress hostname of the API
service. With `groundwork:dr.failover.apiStandbyHost`, Route 53 failover records publish the
hostname (docs/dr.md); otherwise alias records do.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator

from components.cdn import RateWindow
from components.cdn.aws_api_spec import ApiEdgeArgs
from components.dr.aws_failover_spec import Endpoint
from infra.sections.base import Section, component_default

_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _api(name: str) -> Any:
    return component_default(ApiEdgeArgs, name)


class Api(Section):
    enabled: bool = False
    """Put the public API behind the edge (CDN + web firewall with the per-client rate limit)."""
    host: str | None = None
    """Public API hostname (e.g. `api.example.com`), inside `platform.route53Zone.domain`."""
    origin: str | None = None
    """Hostname of the ingress serving the API (an app's `host`); its certificate must cover it."""
    rate_limit_per_second: int = Field(_api("rate_limit_per_second"), ge=1)
    """Requests per second one client (IP) may make, on average over the window."""
    health_check_path: str = Field(
        component_default(Endpoint, "path"), pattern=r"^/[A-Za-z0-9._~/-]*$"
    )
    """Path the health checks request through the edge (a 2xx/3xx answer is healthy)."""

    @field_validator("host", "origin")
    @classmethod
    def _hostname(cls, value: str | None) -> str | None:
        if value is not None and not _HOSTNAME.match(value):
            raise ValueError(f"'{value}' is not a lowercase hostname such as api.example.com")
        return value


class AwsApi(Api):
    rate_limit_window_seconds: RateWindow = _api("rate_limit_window_seconds")
    """WAF's evaluation window (60, 120, 300 or 600 s)."""
