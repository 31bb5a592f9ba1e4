"""`groundwork:alicloud/redis:RedisHa`: highly available Redis / Tair on ApsaraDB (KVStore).

Creates one KVStore instance of a master-replica class (`redis.master.*` / `tair.*`: the replica
is part of the class), with the replica in a second zone (`secondaryZoneId`) so a zone failure
fails over, in the VPC's data vSwitch, with:
- SSL on (`sslEnable=Enable`) and password authentication required (`vpcAuthMode=Open`);
- a password generated in the deployment (32 characters, the specials KVStore accepts), kept as
  a secret end to end, never in config or code;
- a whitelist of the VPC's client ranges only;
- TDE with a customer-managed KMS key (created here unless given);
- daily backups in the backup window (KVStore keeps them 7 days);
- release protection (and Pulumi `protect`) when the data is to be kept.
"""

from __future__ import annotations

import pulumi
from pulumi_alicloud import kvstore

from components._base import child_opts, merged_tags, type_token
from components.alicloud.data_tier import data_key, generated_password, whitelist
from components.monitoring.alicloud import emit_alarms
from components.redis.alicloud_alarms import redis_alarms
from components.redis.alicloud_spec import RedisHaArgs, validate

PASSWORD_SPECIALS = "!@#$%^&*()_+-="  # noqa: S105 (character set, not a secret)
"""Specials KVStore accepts in a password."""
ALL_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class RedisHa(pulumi.ComponentResource):
    """Redis with a replica in another zone, SSL, required auth, TDE with a CMK, VPC-only."""

    instance_id: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    """Private connection domain (follows the master on failover)."""
    port: int
    password: pulumi.Output[str]
    """The generated password (a secret)."""
    kms_key_id: pulumi.Output[str]
    zones: list[str]
    """Zone of the master, then of the replica (multi-AZ)."""

    def __init__(
        self, name: str, args: RedisHaArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("redis", "RedisHa", cloud="alicloud"), name, None, opts)
        validate(args)
        protect = args.protect_stateful
        ordered = sorted(args.zones)
        self.zones = ordered[:2] if args.multi_az else ordered[:1]
        self.port = args.port

        if args.kms_key_id is None:
            self.key = data_key(self, name, description=f"Encrypts the Redis cache {name}",
                                tags=args.tags, protect=protect,
                                instance_id=args.kms_instance_id)  # fmt: skip
            self.kms_key_id = self.key.id
        else:
            self.key = None
            self.kms_key_id = pulumi.Output.from_input(args.kms_key_id)
        self.password = generated_password(self, name, specials=PASSWORD_SPECIALS, protect=protect)

        self.instance = kvstore.Instance(
            f"{name}-instance",
            db_instance_name=name,
            instance_type="Redis",
            engine_version=args.engine_version,
            instance_class=args.instance_class,
            payment_type="PostPaid",
            zone_id=self.zones[0],
            secondary_zone_id=self.zones[1] if args.multi_az else None,
            vswitch_id=args.vswitch_ids[self.zones[0]],
            port=args.port,
            password=self.password,
            vpc_auth_mode="Open",
            ssl_enable="Enable",
            security_ips=whitelist(args.client_cidrs),
            security_ip_group_name="vpc_clients",
            tde_status="Enabled",
            encryption_key=self.kms_key_id,
            role_arn=args.encryption_role_arn,
            backup_periods=list(ALL_DAYS),
            backup_time=args.backup_window,
            maintain_start_time=args.maintenance_start,
            maintain_end_time=_plus_one_hour(args.maintenance_start),
            instance_release_protection=protect,
            tags=merged_tags(args.tags, name),
            opts=child_opts(self, protect=protect),
        )
        self.instance_id = self.instance.id
        self.endpoint = self.instance.connection_domain
        self.alarms = emit_alarms(self, name, "redis", redis_alarms(self.instance.id), args.alarms)

        self.register_outputs(
            {
                "instanceId": self.instance_id,
                "endpoint": self.endpoint,
                "port": self.port,
                "password": self.password,
                "kmsKeyId": self.kms_key_id,
                "zones": self.zones,
            }
        )


def _plus_one_hour(start: str) -> str:
    return f"{(int(start[:2]) + 1) % 24:02d}:00Z"
