"""The cluster's OIDC identity for IRSA: the preflight builds add-on args without the SDKs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True)
class OidcIdentity:
    """The cluster's OIDC provider, as needed by service-account roles."""

    provider_arn: pulumi.Input[str]
    """ARN of the IAM OIDC provider."""
    issuer_host: pulumi.Input[str]
    """Issuer URL without `https://` (`oidc.eks.<region>.amazonaws.com/id/<id>`)."""
