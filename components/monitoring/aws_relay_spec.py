"""The AWS relay's alarm keys and routing check (aws_relay.py), apart: config runs them SDK-free."""

from __future__ import annotations

from components._base import require
from components.monitoring import AlertRouting, relayed_webhooks, routing_problems

KEYS = ("delivery-failed",)


def validate(routing: AlertRouting) -> None:
    """What the relay needs of the routing (config's preflight runs this first)."""
    for field_name, message in routing_problems(routing):
        require(False, f"routing.{field_name}", message)
    require(
        bool(relayed_webhooks(routing)),
        "routing",
        "no severity has a slack, dingtalk or wecom webhook: the stack needs no relay",
    )
