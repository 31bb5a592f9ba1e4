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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
from pulumi_alicloud import kvstore

from components._base import child_opts, merged_tags, require, type_token
from components.alicloud.data_tier import (
    data_key,
    generated_password,
    validate_whitelist,
    validate_window,
    whitelist,
)
from components.monitoring.alicloud import AlarmWiring, emit_alarms
from components.redis.alicloud_alarms import redis_alarms

ENGINE_VERSIONS = ("5.0", "6.0", "7.0")
INSTANCE_CLASS = re.compile(r"^(redis|tair)\.[a-z0-9]+(\.[a-z0-9]+)+$")
PASSWORD_SPECIALS = "!@#$%^&*()_+-="  # noqa: S105 (character set, not a secret)
"""Specials KVStore accepts in a password."""
BACKUP_RETENTION_DAYS = 7
"""KVStore keeps automatic backups for 7 days (not configurable on the instance)."""
ALL_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, kw_only=True)
class RedisHaArgs:
    vswitch_ids: Mapping[str, pulumi.Input[str]]
    """Data-tier vSwitch per zone; the instance sits in its primary zone's."""
    zones: Sequence[str]
    """Zones to use (order does not matter: master in the first sorted, replica in the second)."""
    client_cidrs: Mapping[str, str]
    """The whitelist: named private ranges of the VPC allowed to connect."""
    multi_az: bool = True
    """Put the replica in another zone (`secondaryZoneId`); needs two zones."""
    engine_version: str = "7.0"
    instance_class: str = "redis.master.small.default"
    """A master-replica class (`redis.master.*`, `tair.rdb.*`)."""
    port: int = 6379
    kms_key_id: pulumi.Input[str] | None = None
    """Customer-managed key for TDE; None creates one (rotation on) for this cache."""
    kms_instance_id: pulumi.Input[str] | None = None
    """KMS instance the created key lives in (components/alicloud/key_store.py)."""
    encryption_role_arn: pulumi.Input[str] | None = None
    """RAM role KVStore uses to reach a customer key (`acs:ram::<account>:role/<name>`)."""
    backup_window: str = "19:00Z-20:00Z"
    """Daily backup, UTC."""
    maintenance_start: str = "20:00Z"
    """Start of the daily maintenance hour, UTC (HH:00Z)."""
    alarms: AlarmWiring | None = None
    """CloudMonitor alarm rules (components/redis/alicloud_alarms.py) to the severities' contact
    groups; None creates none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect` plus the cloud's release protection."""


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
        _validate(args)
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


def _validate(args: RedisHaArgs) -> None:
    require(
        args.engine_version in ENGINE_VERSIONS,
        "engine_version",
        f"'{args.engine_version}' is not one of {', '.join(ENGINE_VERSIONS)}",
    )
    require(
        INSTANCE_CLASS.match(args.instance_class) is not None,
        "instance_class",
        f"'{args.instance_class}' is not a Redis/Tair class such as redis.master.small.default",
    )
    zones = sorted(set(args.zones))
    require(len(zones) == len(args.zones) > 0, "zones", "distinct zones, at least one")
    require(
        not args.multi_az or len(zones) >= 2,
        "zones",
        "multi_az puts the replica in another zone: at least two zones",
    )
    used = zones[:2] if args.multi_az else zones[:1]
    missing = [z for z in used if z not in args.vswitch_ids]
    require(not missing, "vswitch_ids", f"no data vSwitch for zone(s) {missing}")
    require(1024 <= args.port <= 65535, "port", "1024..65535")
    validate_whitelist("client_cidrs", args.client_cidrs)
    validate_window("backup_window", args.backup_window)
    require(
        re.match(r"^([01]\d|2[0-3]):00Z$", args.maintenance_start) is not None,
        "maintenance_start",
        f"'{args.maintenance_start}' is not a whole hour such as 20:00Z",
    )
    require(
        args.backup_window[:6] != args.maintenance_start,
        "maintenance_start",
        "must not start with the backup window",
    )
