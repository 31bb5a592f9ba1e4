"""API edge layer: CloudFront + WAF in front of the public API entry (the ingress hostname of the
API service), under the us-east-1 provider like the assets CDN."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pulumi

from components.cdn.aws_api import ApiEdge
from components.monitoring.aws_spec import AlarmWiring
from infra.config import AwsStackConfig
from infra.layers.api_args import api_args
from infra.layers.storage import StorageHandles
from infra.providers import Providers


@dataclass(frozen=True)
class ApiHandles:
    edge: ApiEdge

    @property
    def exports(self) -> dict[str, Any]:
        e = self.edge
        return {
            "apiHost": e.host,
            "apiDistributionId": e.distribution_id,
            "apiDistributionDomainName": e.domain_name,
            "apiWebAclArn": e.web_acl_arn,
        }


def layer(
    cfg: AwsStackConfig,
    providers: Providers,
    storage: StorageHandles,
    *,
    alarms: AlarmWiring | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> ApiHandles | None:
    """`alarms`: the us-east-1 alert topics the edge's alarms notify."""
    if not cfg.api.enabled:
        return None
    args = replace(api_args(cfg, storage.log_bucket.arn), alarms=alarms)
    return ApiHandles(ApiEdge(f"{cfg.prefix}-api", args, opts=providers.at_edge(opts)))
