"""Config rejects first what an Alibaba Cloud stack's components would reject, and what is not
built on Alibaba Cloud yet (infra/preflight.py does the same for AWS, with the same `Check`s)."""

from __future__ import annotations

from collections.abc import Iterator

from components.kubernetes.alicloud_ack import _validate as validate_ack
from components.kubernetes.alicloud_addons import _validate as validate_addons
from components.kubernetes.platform.baseline import _validate as validate_baseline
from components.network.alicloud import _validate as validate_vpc
from infra.config import AlicloudStackConfig
from infra.layers.alicloud import NOT_BUILT, data, kubernetes, network, storage
from infra.preflight import STAND_IN, Check, run_checks, workload_checks

BUDGET_NOT_BUILT = (
    "pulumi-alicloud has no budget resource: on Alibaba Cloud the cost-stack-budget policy holds "
    "the estimate to maxMonthlyCostByCurrency (in the region's price-list currency) of "
    "policies/config/<environment>.json; remove this key"
)


def component_problems(cfg: AlicloudStackConfig) -> Iterator[tuple[str, str]]:
    """(stack-file key, message) for each capability not built yet, then for each component
    that would refuse this config."""
    yield from not_built(cfg)
    yield from run_checks(cfg, checks(cfg))


def not_built(cfg: AlicloudStackConfig) -> Iterator[tuple[str, str]]:
    yield from data.not_built(cfg)
    yield from storage.not_built(cfg)
    if cfg.dr.enabled:
        yield "dr.enabled", NOT_BUILT
    if cfg.alerting.severities or cfg.alerting.webhooks or cfg.alerting.pagerduty_key:
        yield "alerting", NOT_BUILT.replace("set it to false", "remove the section")
    if cfg.budget.monthly_limit is not None:
        yield "budget.monthlyLimit", BUDGET_NOT_BUILT
    if cfg.budget.alert_emails:
        yield "budget.alertEmails", BUDGET_NOT_BUILT


def checks(cfg: AlicloudStackConfig) -> list[Check]:
    """Every Alibaba Cloud component the stack would build, with its validator and args."""
    found = [
        Check("Vpc", validate_vpc, (cfg.prefix, network.vpc_args(cfg)), "network",
              {"name": "name"}),
    ]  # fmt: skip
    if cfg.cluster.enabled:
        switches = dict.fromkeys(cfg.zone_names, STAND_IN)
        ack = kubernetes.cluster_args(cfg, STAND_IN, switches)
        found += [
            Check("AckCluster", validate_ack, (ack,), "cluster",
                  {"node_pools": "cluster.nodeGroups", "private_switches": "network.zones",
                   "endpoint_public": "cluster.endpoint.public", "cluster_name": "name"}),
            Check("PlatformBaseline", validate_baseline, (kubernetes.baseline_args(cfg),),
                  "platform", {"platform_namespaces": "platform.ingressNamespace"}),
            Check("PlatformAddons", validate_addons, (kubernetes.addons_args(cfg),), "platform"),
            *workload_checks(cfg, data.ports(cfg)),
        ]  # fmt: skip
    return found
