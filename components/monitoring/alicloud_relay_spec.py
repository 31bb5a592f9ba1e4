"""The Alibaba relay's args, alarm keys and check (alicloud_relay.py), apart: checked SDK-free."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require
from components.monitoring import CHAT_ADAPTER_KINDS, AlertRouting, Severity, routing_problems

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.alicloud import AlarmWiring


KEYS = ("delivery-failed",)
RELAYED_KINDS = ("slack", "wecom")
"""Chats CloudMonitor cannot post to (a DingTalk robot it can, unless the robot signs)."""


def relayed_chats(routing: AlertRouting) -> dict[Severity, list[str]]:
    """Per severity, the webhooks CloudMonitor reaches only through the relay: Slack, WeCom and
    DingTalk robots with a signing secret. Severities without any left out."""
    chats = {
        severity: [
            n for n in channels.webhooks
            if n in routing.webhooks and (
                routing.webhooks[n].kind in RELAYED_KINDS
                or (routing.webhooks[n].kind == "dingtalk" and routing.webhooks[n].secret))
        ]
        for severity, channels in routing.severities.items()
    }  # fmt: skip
    return {s: names for s, names in chats.items() if names}


def cluster_chats(routing: AlertRouting) -> dict[Severity, list[str]]:
    """Per severity, the webhooks the in-cluster Alertmanager reaches only through the relay:
    DingTalk and WeCom robots (it has no receiver for their format; Slack it posts to itself)."""
    chats = {
        severity: [n for n in channels.webhooks
                   if n in routing.webhooks and routing.webhooks[n].kind in CHAT_ADAPTER_KINDS]
        for severity, channels in routing.severities.items()
    }  # fmt: skip
    return {s: names for s, names in chats.items() if names}


@dataclass(frozen=True)
class AlertRelayArgs:
    routing: AlertRouting
    region: str
    log_project: pulumi.Input[str]
    """The stack's SLS project the function logs to (class `application`)."""
    logstore: pulumi.Input[str]
    kms_key_id: pulumi.Input[str] | None = None
    """The shared default key (`kms.keys: default`), or None with `kms_instance_id`."""
    kms_instance_id: pulumi.Input[str] | None = None
    """The KMS instance the relay's own key is created in (`kms.keys: instance`)."""
    account_id: str | None = None
    """Narrows the role's resource ARNs to the account (None: `*`, still one key and logstore)."""
    alarms: AlarmWiring | None = None
    """Where the function-error alarm goes (None: no alarm). Never through the relay itself."""
    cluster_vpc_id: pulumi.Input[str] | None = None
    """The VPC of the cluster whose Alertmanager posts to the relay: an HTTP trigger only that
    VPC reaches, behind a bearer token (None: CloudMonitor's alarms only)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True


def validate(args: AlertRelayArgs) -> None:
    """What the relay needs (config's preflight runs this first)."""
    for field_name, message in routing_problems(args.routing):
        require(False, f"routing.{field_name}", message)
    require(
        bool(relayed_chats(args.routing))
        or (args.cluster_vpc_id is not None and bool(cluster_chats(args.routing))),
        "routing",
        "no severity has a slack, wecom or signed dingtalk webhook (nor, with a cluster, a "
        "dingtalk or wecom one): the stack needs no relay",
    )
    require(
        (args.kms_key_id is None) != (args.kms_instance_id is None),
        "kms_key_id",
        "exactly one of kms_key_id (the shared default key) or kms_instance_id",
    )
