"""Monitoring layer (Alibaba Cloud): CloudMonitor contacts and a contact group per severity, from
`alerting`, and the DirectMail sender the in-cluster Alertmanager mails from
(`alerting.directMail`). Runs first, so the data layer hands its components the wiring and each
component emits its own alarm rules (components/<capability>/alicloud_alarms.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.monitoring.alicloud import AlarmWiring, AlertContacts
from components.monitoring.alicloud_mail import AlertMailSender
from infra.config import AlicloudStackConfig
from infra.layers.alicloud.monitoring_args import contacts_args, mail_sender_args
from infra.providers import Providers, alicloud_provider


@dataclass(frozen=True)
class MonitoringHandles:
    contacts: AlertContacts | None = None
    """Contacts and one contact group per severity; None without an alerting section."""
    alarms: AlarmWiring | None = None
    """What the later layers hand their components (None: no component emits alarms)."""
    mail: AlertMailSender | None = None
    """The DirectMail sender of the in-cluster Alertmanager; None without `alerting.directMail`."""

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
    return MonitoringHandles(
        contacts=contacts,
        alarms=contacts.wiring(cfg.alerting.alarm_policy()),
        mail=mail_sender(cfg, providers, opts),
    )


def mail_sender(
    cfg: AlicloudStackConfig, providers: Providers, opts: pulumi.ResourceOptions | None
) -> AlertMailSender | None:
    mail = cfg.alerting.direct_mail
    if mail is None:
        return None
    # DirectMail lives in its own region (cn-hangzhou for the mainland), not the stack's.
    provider = (
        providers.primary
        if mail.region == cfg.region
        else alicloud_provider(f"alicloud-mail-{mail.region}", mail.region, cfg.account_id)
    )
    return AlertMailSender(
        f"{cfg.prefix}-alert-mail",
        mail_sender_args(mail),
        opts=pulumi.ResourceOptions.merge(
            opts or pulumi.ResourceOptions(),
            pulumi.ResourceOptions(providers=[provider, providers.random]),
        ),
    )
