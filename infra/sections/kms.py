"""`groundwork:kms` (Alibaba Cloud): where the stack's customer master keys (CMKs) live.

Since KMS 3.0 (2022-03-31) an account creates CMKs in a KMS instance; outside one it has a single
free default CMK per region (docs/alicloud-kms.md). `instance` (the default) gives every purpose
its own key in a software KMS instance; `default` shares the region's default CMK between every
purpose, for stacks whose budget has no room for an instance (the policy pack decides where that
is allowed: `alicloud-kms-key-in-instance`).
"""

from __future__ import annotations

from typing import Literal

from infra.sections.base import Section

KeyPlacement = Literal["instance", "default"]


class AlicloudKms(Section):
    keys: KeyPlacement = "instance"
    """`instance`: a KMS 3.0 software instance (pay-as-you-go, in the VPC's data vSwitches, two
    zones, deletion-protected) per region that holds keys, and one rotated CMK per purpose in it
    (cluster Secrets and node disks, database, cache, each bucket). `default`: no instance; one
    CMK, the region's free default key, shared by all of them (one per account and region, so a
    second stack in the same account and region cannot also use it)."""
