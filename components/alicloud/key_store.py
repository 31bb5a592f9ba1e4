"""`groundwork:alicloud/kms:KeyStore`: where a stack's customer master keys (CMKs) live.

Since KMS 3.0 (2022-03-31) a new Alibaba Cloud account creates CMKs in a KMS instance. Outside
one it has a single default CMK per region, free of charge (a `kms.Key` without
`dkms_instance_id` is that key). So the store is one of:

- `instance`: a KMS 3.0 software key management instance, pay-as-you-go (the subscription's
  quotas, 1,000 keys and 1,000 QPS, are far above one stack's needs at a higher list price), in
  the VPC's vSwitches of two zones (the instance is dual-zone), deletion-protected and
  Pulumi-protected with `protect_stateful` (releasing it destroys its keys, and with them every
  byte they encrypt). Every CMK of the region names it (`instance_id`).
- `default`: no instance; the region's default CMK, rotated yearly, shared by every purpose
  (`shared_key_id`). Cheaper, but one key for everything and one per account and region.
"""

from __future__ import annotations

import pulumi
from pulumi_alicloud import kms

from components._base import child_opts, merged_tags, type_token
from components.alicloud.data_tier import data_key
from components.alicloud.key_store_spec import INSTANCE_ZONES, KeyStoreArgs, validate

SOFTWARE_KEY_MANAGEMENT = "3"
"""`product_version` of a KMS 3.0 software key management instance (CreateInstance
`ProductVersion`: 3 software, 1 hardware)."""


class KeyStore(pulumi.ComponentResource):
    instance_id: pulumi.Output[str] | None
    """The KMS instance every CMK names (`instance`; None with `default`)."""
    shared_key_id: pulumi.Output[str] | None
    """The region's default CMK every purpose shares (`default`; None with `instance`)."""
    zones: list[str]

    def __init__(
        self, name: str, args: KeyStoreArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("kms", "KeyStore", cloud="alicloud"), name, None, opts)
        validate(args)
        protect = args.protect_stateful
        self.instance_id = self.shared_key_id = None
        self.zones = []
        if args.placement == "default":
            key = data_key(self, name, tags=args.tags, protect=protect,
                           description=f"{name}: the region's default key, shared by every purpose")  # fmt: skip
            self.shared_key_id = key.id
        else:
            self.zones = sorted(args.switch_ids)[:INSTANCE_ZONES]
            instance = kms.Instance(
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
            self.instance_id = instance.id
        self.register_outputs(
            {"instanceId": self.instance_id, "sharedKeyId": self.shared_key_id, "zones": self.zones}
        )
