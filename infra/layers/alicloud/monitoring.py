"""Monitoring layer (Alibaba Cloud): CloudMonitor contacts and a contact group per severity, from
`alerting`. Runs first, so the data layer hands its components the wiring and each component
emits its own alarm rules (components/<capability>/alicloud_alarms.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.monitoring.alicloud import AlarmWiring, AlertContacts, AlertContactsArgs
from infra.config import AlicloudStackConfig
from infra.providers import Providers


@dataclass(frozen=True)
class MonitoringHandles:
    contacts: AlertContacts | None = None
    """Contacts and one contact group per severity; None without an alerting section."""
    alarms: AlarmWiring | None = None
    """What the later layers hand their components (None: no component emits alarms)."""

    @property
    def exports(self) -> dict[str, Any]:
        return {"alertContactGroups": self.contacts.contact_groups} if self.contacts else {}


def layer(
    cfg: AlicloudStackConfig, providers: Providers, opts: pulumi.ResourceOptions | None = None
) -> MonitoringHandles:
    if not cfg.alerting.configured:
        return MonitoringHandles()
    contacts = AlertContacts(
        f"{cfg.prefix}-alerts",
        contacts_args(cfg),
        opts=providers.in_primary(opts),
    )
    return MonitoringHandles(contacts=contacts, alarms=contacts.wiring(cfg.alerting.alarm_policy()))


def contacts_args(cfg: AlicloudStackConfig) -> AlertContactsArgs:
    return AlertContactsArgs(routing=cfg.alerting.routing())
