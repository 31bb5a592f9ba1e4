"""`groundwork:registry` (AWS): an ECR repository per service of `apps` (components/registry/aws.py,
docs/delivery.md)."""

from __future__ import annotations

from pydantic import Field

from components.registry.aws_spec import RegistryArgs
from infra.sections.base import Section, component_default


class AwsRegistry(Section):
    enabled: bool = True
    """Create a private ECR repository `<name>-<environment>/<service>` for each service of
    `apps` (immutable tags, scan on push, KMS). A service without `image` runs from its own."""
    customer_managed_key: bool = component_default(RegistryArgs, "customer_managed_key")
    """Encrypt the images with a key of the stack (false: ECR's AWS-managed key, still KMS; the
    dev preset's choice, $1/month less)."""
    untagged_image_expiry_days: int = Field(
        component_default(RegistryArgs, "untagged_expiry_days"), ge=1, le=3650
    )
    """Untagged images (superseded build layers, failed pushes) expire this many days after push."""
    replicate_to_dr: bool = True
    """With `dr.enabled`, replicate every image to the DR region (immutable, KMS there too)."""
