"""`groundwork:alicloud/kms:KeyStore`: the KMS instance a stack's customer master keys live in.

Since KMS 3.0 (2022-03-31) a new Alibaba Cloud account cannot create a customer master key outside
a KMS instance: a `kms.Key` without `dkms_instance_id` is the region's default key, not a CMK of
the stack. So every CMK the stack creates names this instance (`data_key(..., instance_id=)`).

- KMS 3.0 software key management, pay-as-you-go (the subscription's quotas, 1,000 keys and
  1,000 QPS, are far above what one stack uses; the pay-as-you-go one is the cheaper list price).
- Deployed in the VPC's data vSwitches of two zones (the instance is dual-zone; the services and
  the cluster reach it from inside the VPC only).
- Deletion protection and Pulumi `protect` follow `protect_stateful`: releasing the instance
  destroys every key in it, and with the keys every byte they encrypt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
from pulumi_alicloud import kms

from components._base import child_opts, merged_tags, require, type_token

SOFTWARE_KEY_MANAGEMENT = "3"
"""`product_version` of a KMS 3.0 software key management instance (CreateInstance
`ProductVersion`: 3 software, 1 hardware)."""
INSTANCE_ZONES = 2
"""A KMS instance is deployed across two zones (single-zone only where a region has one)."""


@dataclass(frozen=True)
class KeyStoreArgs:
    vpc_id: pulumi.Input[str]
    switch_ids: Mapping[str, pulumi.Input[str]]
    """vSwitch id by zone id; the instance uses the first two zones in sorted order."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Deletion protection and Pulumi `protect` (releasing the instance loses its keys)."""


def validate(args: KeyStoreArgs) -> None:
    require(
        len(args.switch_ids) >= INSTANCE_ZONES,
        "switch_ids",
        f"a KMS instance spans {INSTANCE_ZONES} zones; got {sorted(args.switch_ids)}",
    )


class KeyStore(pulumi.ComponentResource):
    instance_id: pulumi.Output[str]
    zones: list[str]

    def __init__(
        self, name: str, args: KeyStoreArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("kms", "KeyStore", cloud="alicloud"), name, None, opts)
        validate(args)
        protect = args.protect_stateful
        self.zones = sorted(args.switch_ids)[:INSTANCE_ZONES]
        self.instance = kms.Instance(
            f"{name}-kms",
            instance_name=name,
            product_version=SOFTWARE_KEY_MANAGEMENT,
            payment_type="PayAsYouGo",
            vpc_id=args.vpc_id,
            zone_ids=self.zones,
            vswitch_ids=[args.switch_ids[z] for z in self.zones],
            deletion_protection=protect,
            force_delete_without_backup="false",  # a release keeps the backup of the keys
            tags=merged_tags(args.tags, name),
            opts=child_opts(self, protect=protect),
        )
        self.instance_id = self.instance.id
        self.register_outputs({"instanceId": self.instance_id, "zones": self.zones})
