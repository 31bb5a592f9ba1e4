"""CloudMonitor contacts' args and check (alicloud.py), apart: config runs them without the SDKs."""

from __future__ import annotations

from dataclasses import dataclass

from components._base import require
from components.monitoring import AlertRouting, routing_problems


def alicloud_routing_problems(routing: AlertRouting) -> list[tuple[str, str]]:
    """The routing's problems on Alibaba Cloud: the shared ones, plus at most one `https` webhook
    per severity (a CloudMonitor alarm rule calls one URL)."""
    problems = routing_problems(routing)
    for severity, channels in routing.severities.items():
        https = [n for n in channels.webhooks if n in routing.webhooks
                 and routing.webhooks[n].kind == "https"]  # fmt: skip
        if len(https) > 1:
            problems.append((f"severities.{severity}.webhooks",
                             f"at most one https webhook on Alibaba Cloud, got {https}"))  # fmt: skip
    return problems


@dataclass(frozen=True)
class AlertContactsArgs:
    routing: AlertRouting
    language: str = "en"
    """Language of the notifications: `en` or `zh-cn`."""


def validate(args: AlertContactsArgs) -> None:
    for field_name, message in alicloud_routing_problems(args.routing):
        require(False, f"routing.{field_name}", message)
    require(args.language in ("en", "zh-cn"), "language", "one of en, zh-cn")
