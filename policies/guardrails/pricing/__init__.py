"""Monthly cost estimate of a stack from the checked-in price catalogue (catalogue.json).

Prices each resource from its inputs (instance class x count, storage GB, NAT gateways, KMS keys,
WAF rules, node group desired size x instance type, ...), and what the platform makes the cloud
create indirectly (the load balancer behind a `LoadBalancer` Service or a Gateway, the volumes
behind PersistentVolumeClaims and chart values, the secret behind a managed DB password).
Resources the catalogue cannot price are reported as `unpriced`, usage-priced ones as `usage`:
never as zero. Shared by the cost rules and the offline plan.

Alongside the on-demand figure each line carries its price under a 1-year commitment (Savings
Plans / reserved nodes) for the steady part it covers, from the catalogue's `commitments`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core import Subject
from ._catalogue import Priced, Pricer, Unpriced, catalogue, commitment, currency
from .alicloud import ALICLOUD_PRICERS
from .aws import AWS_PRICERS
from .kubernetes import KUBERNETES_PRICERS
from .model import Estimate, Line, MixedCurrencyError, Scope, Status

__all__ = [
    "PRICERS",
    "Estimate",
    "Line",
    "MixedCurrencyError",
    "Priced",
    "catalogue",
    "estimate",
    "stack_cloud",
    "top_component",
]

PRICERS = {**AWS_PRICERS, **ALICLOUD_PRICERS, **KUBERNETES_PRICERS}
"""Resource types with a catalogue price; the docs list them."""

DR_PROVIDER_PREFIXES = ("aws-dr-", "alicloud-dr-")
"""Names of the providers `infra/providers.py` builds for a disaster-recovery region: what runs
under them is the DR add-on, estimated apart from the budgeted primary total."""
NOT_PRIMARY = (*DR_PROVIDER_PREFIXES, "alicloud-edge-", "alicloud-mail-")
"""Providers whose region is not where a stack's Kubernetes objects bill (DR; WAF 3.0's;
DirectMail's, infra/layers/alicloud/monitoring.py)."""


def scope_of(subject: Subject) -> Scope:
    provider_name = (subject.provider or "").split("::")[-1]
    return "dr" if provider_name.startswith(DR_PROVIDER_PREFIXES) else "primary"


def top_component(subject: Subject, by_urn: dict[str, Subject]) -> str:
    """Name of the top-level component the resource belongs to ('(stack)' for none)."""
    current, seen = subject, 0
    while current.parent in by_urn and seen < 100:
        current, seen = by_urn[current.parent], seen + 1
    return (
        "(stack)" if current is subject else f"{current.name} ({current.type.rsplit(':', 1)[-1]})"
    )


ALARMS = ("aws:cloudwatch/metricAlarm:MetricAlarm", "alicloud:cms/alarm:Alarm")


CAPABILITY_OF_KIND = {"MonitoringStack": "monitoring"}
"""Shared Kubernetes components (module `kubernetes`) that bill as another capability: the
in-cluster monitoring stack is monitoring."""


def top_capability(subject: Subject, by_urn: dict[str, Subject]) -> str:
    """Capability of the top-level component the resource belongs to: the last part of its type
    token's module (`groundwork:aws/monitoring:AlertTopics` -> `monitoring`); '' for none."""
    current, seen = subject, 0
    while current.parent in by_urn and seen < 100:
        current, seen = by_urn[current.parent], seen + 1
    if current is subject or not current.type.startswith("groundwork:"):
        return ""
    _, module, kind = current.type.split(":")
    return CAPABILITY_OF_KIND.get(kind, module.rsplit("/", 1)[-1])


def stack_cloud(subjects: Sequence[Subject]) -> str:
    """The cloud whose catalogue prices what is not itself a cloud resource (the load balancers
    and disks behind Kubernetes objects): Alibaba Cloud when the stack has Alibaba providers and
    no AWS ones, else AWS."""
    providers = {s.type for s in subjects if s.type.startswith("pulumi:providers:")}
    if "pulumi:providers:alicloud" in providers and "pulumi:providers:aws" not in providers:
        return "alicloud"
    return "aws"


def _cloud_of(resource_type: str, default: str) -> str:
    prefix = resource_type.split(":", 1)[0]
    return prefix if prefix in ("aws", "alicloud") else default


def _primary_region(subjects: Sequence[Subject], cloud: str, default: str) -> str:
    """Where a stack's Kubernetes objects bill: its primary provider's region on Alibaba Cloud
    (the price list there is per region); `default` (the policy config's) on AWS, as before."""
    if cloud != "alicloud":
        return default
    for s in subjects:
        if s.type == "pulumi:providers:alicloud" and not s.name.startswith(NOT_PRIMARY):
            region = s.props.get("region")
            if isinstance(region, str):
                return region
    return default


def estimate(subjects: Sequence[Subject], default_region: str = "eu-west-1") -> Estimate:
    by_urn = {s.urn: s for s in subjects}
    default_cloud = stack_cloud(subjects)
    default_region = _primary_region(subjects, default_cloud, default_region)
    result = Estimate(cloud=default_cloud)
    for s in subjects:
        cloud, region = _cloud_of(s.type, default_cloud), s.region or default_region
        status, priced, detail = _price(s, Pricer(region, subjects, cloud), catalogue(cloud))
        if status is None:
            continue
        money = ""  # usage and unpriced lines add nothing to a total
        if status == "priced":
            try:
                money = currency(cloud, region)
            except Unpriced as exc:  # a region without a price list here: nothing is priced
                status, priced, detail = "unpriced", None, str(exc)
        monthly = committed = None
        if priced is not None:
            discount = (
                commitment(priced.commitment, cloud)["discount"] if priced.commitment else 0.0
            )
            monthly = round(priced.monthly, 2)
            committed = round(priced.monthly - priced.eligible * discount, 2)
        result.lines.append(
            Line(
                urn=s.urn,
                name=s.name,
                type=s.type,
                region=s.region or default_region,
                status=status,
                monthly=monthly,
                detail=detail,
                component=top_component(s, by_urn),
                # An alarm is monitoring whichever component emits it.
                capability="monitoring" if s.type in ALARMS else top_capability(s, by_urn),
                committed=committed,
                scope=scope_of(s),
                currency=money,
            )
        )
    return result


def _price(
    s: Subject, pricer: Pricer, cat: dict[str, Any]
) -> tuple[Status | None, Priced | None, str]:
    """(status, price, detail); status None: nothing billable, no line."""
    price_it = PRICERS.get(s.type)
    if price_it is not None:
        try:
            priced = price_it(pricer, s)
        except Unpriced as exc:
            return "unpriced", None, str(exc)
        # None: an object that makes the cloud bill nothing (e.g. a ClusterIP Service)
        return ("priced", priced, priced.detail) if priced is not None else (None, None, "")
    if s.type in cat["usageBased"]:
        return "usage", None, cat["usageBased"][s.type]
    if s.type in cat["free"] or s.type.startswith(tuple(cat["freePrefixes"])):
        return None, None, ""
    if not _is_cloud(s.type):
        return None, None, ""
    return "unpriced", None, "type not in the price catalogue"


def _is_cloud(resource_type: str) -> bool:
    return resource_type.split(":", 1)[0] in ("aws", "alicloud")
