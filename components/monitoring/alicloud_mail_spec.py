"""What a stack may ask of the DirectMail sender (alicloud_mail.py), apart: checked SDK-free."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from components._base import require
from components.monitoring import IMPLICIT_TLS_PORT

DirectMailRegion = Literal["cn-hangzhou", "ap-southeast-1", "us-east-1", "eu-central-1"]
DIRECTMAIL_PORTS = (IMPLICIT_TLS_PORT, 25, 80)
"""465: TLS from the first byte; 25 and 80: STARTTLS (which Alertmanager requires)."""
SENDER = re.compile(r"^[a-z0-9_-]+@[a-z0-9_-]+(\.[a-z0-9_-]+)+$")
"""DirectMail's rule for a sender address (terraform-provider-alicloud's validation)."""


@dataclass(frozen=True, kw_only=True)
class AlertMailSenderArgs:
    sender: str
    """The sender address, on a domain verified in DirectMail in `region`."""
    region: str = "cn-hangzhou"
    port: int = IMPLICIT_TLS_PORT
    protect: bool = False
    """Protect the address (another system may send from it too)."""


def validate_mail_sender(args: AlertMailSenderArgs) -> None:
    """What DirectMail would refuse, refused before anything is registered."""
    allowed = get_args(DirectMailRegion)
    require(args.region in allowed, "region", f"one of {', '.join(allowed)}")
    require(
        args.port in DIRECTMAIL_PORTS,
        "port",
        f"one of {', '.join(str(p) for p in DIRECTMAIL_PORTS)} (465: TLS; 25, 80: STARTTLS)",
    )
    require(
        SENDER.match(args.sender) is not None,
        "sender",
        "local@domain of lower-case letters, digits, '_' and '-' (DirectMail's rule)",
    )
