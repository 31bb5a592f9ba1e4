"""`groundwork:alicloud/monitoring:AlertMailSender`: the DirectMail sender address the in-cluster
Alertmanager mails alerts from (Alibaba Cloud has no notification topic it could publish to).

Creates a `directmail.MailAddress` (a `trigger` sender: notifications, not bulk mail) with a
generated SMTP password, and hands the Alertmanager an `SmtpRelay` to DirectMail's SMTP endpoint of
the region, TLS required. The password never passes through config or a person: it is a
`random.RandomPassword`, a secret in state (rotate it by replacing that resource). The
sender's domain must already be verified in DirectMail (its DNS records are outside the stack).

Needs an Alibaba Cloud provider in the DirectMail region and a `random` provider from the caller.
"""

from __future__ import annotations

import pulumi
import pulumi_random as random
from pulumi_alicloud import directmail

from components._base import child_opts, type_token
from components.monitoring import SmtpRelay
from components.monitoring.alicloud_mail_spec import (
    AlertMailSenderArgs,
    validate_mail_sender,
)

SMTP_ENDPOINTS: dict[str, str] = {
    "cn-hangzhou": "smtpdm.aliyun.com",
    "ap-southeast-1": "smtpdm-ap-southeast-1.aliyuncs.com",
    "us-east-1": "smtpdm-us-east-1.aliyuncs.com",
    "eu-central-1": "smtpdm-eu-central-1.aliyuncs.com",
}
"""DirectMail's SMTP endpoint of each region (Direct Mail "SMTP service endpoints", checked
2026-11-29); mainland China sends from cn-hangzhou."""
PASSWORD_LENGTH = 20
"""DirectMail's limit: 10-20 characters with digits, upper- and lower-case letters."""


class AlertMailSender(pulumi.ComponentResource):
    address: directmail.MailAddress
    relay: SmtpRelay
    """The SMTP settings Alertmanager sends with; the password is a secret Output."""

    def __init__(
        self, name: str, args: AlertMailSenderArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            type_token("monitoring", "AlertMailSender", cloud="alicloud"), name, None, opts
        )
        validate_mail_sender(args)
        password = random.RandomPassword(
            f"{name}-smtp-password",
            length=PASSWORD_LENGTH,
            special=False,  # DirectMail allows letters and digits
            min_upper=2,
            min_lower=2,
            min_numeric=2,
            opts=child_opts(self),
        )
        secret = pulumi.Output.secret(password.result)
        self.address = directmail.MailAddress(
            name,
            account_name=args.sender,
            sendtype="trigger",
            password=secret,
            opts=child_opts(self, protect=args.protect),
        )
        self.relay = SmtpRelay(
            host=SMTP_ENDPOINTS[args.region],
            port=args.port,
            sender=args.sender,
            username=args.sender,  # DirectMail: the login is the sender address itself
            # Read through the address, so Alertmanager waits for the password to be set on it.
            password=pulumi.Output.all(self.address.id, secret).apply(lambda both: both[1]),
        )
        self.register_outputs({"sender": args.sender, "smtpHost": self.relay.host})
