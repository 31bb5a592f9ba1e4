"""What the monitoring layer (Alibaba Cloud) asks of its components, built from config;
imported by the preflight without the SDKs."""

from __future__ import annotations

from components.monitoring.alicloud_mail_spec import AlertMailSenderArgs
from components.monitoring.alicloud_spec import AlertContactsArgs
from infra.config import AlicloudStackConfig
from infra.sections.alerting import DirectMail


def contacts_args(cfg: AlicloudStackConfig) -> AlertContactsArgs:
    return AlertContactsArgs(routing=cfg.alerting.routing())


def mail_sender_args(mail: DirectMail) -> AlertMailSenderArgs:
    return AlertMailSenderArgs(sender=mail.sender, region=mail.region, port=mail.port)
