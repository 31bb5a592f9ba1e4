"""`groundwork:aws/redis:GlobalDatastore`: an ElastiCache Global Datastore from an existing
replication group, and its secondary in the DR region.

Creates the global datastore from the primary group (`primary_replication_group_id`, under the
primary region's provider: the primary keeps its identity, joining is in place) and, in the DR
region, a secondary replication group in the DR network's data subnets: at rest under a key of
that region, AUTH with a token of its own (kept in a secret of that region, under that key), a
security group admitting only the DR region's private subnets, snapshots and slow logs like the
primary's, a final snapshot and `protect` when protected. The secondary has the primary's shape
(replicas per shard): AWS gives it the primary's node type, engine version, shard count and
encryption settings (in transit too), and its automatic failover, which needs a replica.

A cache can be rebuilt from the database: this is an option for stacks whose cache target (the
`cache` tier of `dr.targets`) needs a warm copy, not a default (docs/dr.md).

AWS's constraints (ElastiCache user guide, "Prerequisites and limitations" of global datastores,
read 2026-11-29) are `global_datastore_problems`, which config runs first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
from pulumi_aws import cloudwatch, elasticache

from components._base import child_opts, merged_tags, require, type_token
from components.aws.data_tier import (
    cache_password,
    client_security_group,
    connection_secret,
    validate_clients,
)
from components.monitoring.aws import AlarmWiring, emit_alarms
from components.redis.aws import AUTH_TOKEN_SPECIALS, CacheEngine
from components.redis.aws_alarms import global_datastore_alarms

NODE_TYPE = re.compile(r"^cache\.(m5|m6g|m7g|r5|r6g|r6gd|r7g|c7gn)\.(large|\d*xlarge)$")
"""Node types of a global datastore: M5, M6g, M7g, R5, R6g, R6gd, R7g, C7gn, large and above
(no burstable T types, no earlier generations)."""
MIN_VERSION: dict[str, tuple[int, ...]] = {"redis": (5, 0, 6), "valkey": (7, 2)}
REGIONS = frozenset({
    "af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-5",
    "ap-southeast-4", "ap-south-1", "ap-northeast-3", "ap-northeast-2", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-7", "ap-northeast-1", "ca-central-1", "ca-west-1",
    "cn-north-1", "cn-northwest-1", "eu-central-1", "eu-west-2", "eu-west-1", "eu-south-1",
    "eu-west-3", "eu-south-2", "eu-north-1", "eu-central-2", "us-gov-west-1", "us-gov-east-1",
    "il-central-1", "me-south-1", "me-central-1", "us-east-1", "us-east-2", "us-west-1",
    "us-west-2", "mx-central-1", "sa-east-1",
})  # fmt: skip
"""Regions with global datastores (the user guide's list, as of 2026-11-29)."""
CHINA = frozenset({"cn-north-1", "cn-northwest-1"})
"""Beijing and Ningxia replicate only to each other."""


def global_datastore_problems(
    *, engine: str, engine_version: str, node_type: str, primary_region: str, region: str
) -> list[tuple[str, str]]:
    """(field, message) for each combination AWS refuses for a global datastore."""
    problems: list[tuple[str, str]] = []
    if not NODE_TYPE.match(node_type):
        problems.append(("node_type", f"'{node_type}' cannot join a global datastore: it needs "
                         "an M5, M6g, M7g, R5, R6g, R6gd, R7g or C7gn node type, large or above "
                         "(such as cache.m7g.large)"))  # fmt: skip
    minimum = MIN_VERSION.get(engine)
    version = tuple(int(p) for p in engine_version.split(".") if p.isdigit())
    if minimum is not None and version < minimum:
        problems.append(("engine_version", f"{engine} {engine_version} has no global datastores "
                         f"(from {'.'.join(map(str, minimum))})"))  # fmt: skip
    for key, value in (("primary_region", primary_region), ("region", region)):
        if value not in REGIONS:
            problems.append((key, f"{value} has no ElastiCache global datastores"))
    if primary_region == region:
        problems.append(("region", "the secondary must be in another region than the primary"))
    elif (primary_region in CHINA) != (region in CHINA):
        problems.append(("region", "Beijing and Ningxia replicate only to each other"))
    return problems


@dataclass(frozen=True, kw_only=True)
class GlobalDatastoreArgs:
    primary_replication_group_id: pulumi.Input[str]
    """The primary replication group (`RedisHa.replication_group.id`)."""
    engine: CacheEngine
    engine_version: str
    node_type: str
    """The primary's (checked here; the secondary inherits them)."""
    primary_region: str
    region: str
    """The DR region, where the caller's provider puts the secondary."""
    vpc_id: pulumi.Input[str]
    """DR-region VPC."""
    subnet_group_name: pulumi.Input[str]
    """Cache subnet group over the DR region's data subnets."""
    kms_key_arn: pulumi.Input[str]
    """The DR region's key: the secondary's storage, its secret and its slow log."""
    replicas: int = 1
    """Replicas per shard of the secondary: the primary's (AWS gives the secondary the primary's
    automatic failover, which needs one)."""
    multi_az: bool = True
    """The primary's Multi-AZ setting (AWS gives it to the secondary)."""
    cluster_mode: bool = False
    """The primary's cluster mode (the secondary then has the primary's shard count)."""
    shards: int = 1
    """The primary's shard count (cluster mode): one lag alarm per shard."""
    client_cidrs: Mapping[str, str] = field(default_factory=dict)
    """DR-region CIDRs allowed to connect (readers now, writers once promoted)."""
    port: int = 6379
    auth_token_length: int = 64
    snapshot_retention_days: int = 7
    snapshot_window: str = "03:00-04:00"
    maintenance_window: str = "sun:05:00-sun:06:00"
    slow_log_retention_days: int = 365
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect` on the datastore, the secondary, its token and secret and log group, and a
    final snapshot of the secondary on delete."""
    alarms: AlarmWiring | None = None
    """Alert topics of the DR region: replication lag of the secondary. None: no alarms."""


class GlobalDatastore(pulumi.ComponentResource):
    """An ElastiCache global datastore and its secondary replication group in the DR region."""

    global_replication_group_id: pulumi.Output[str]
    primary_group_id: pulumi.Output[str]
    """The primary replication group (where the datastore fails back to)."""
    secondary_group_id: str
    secondary_endpoint: pulumi.Output[str]
    """Primary endpoint of the secondary (read-only until promoted; the configuration endpoint in
    cluster mode)."""
    secondary_auth_secret_arn: pulumi.Output[str]
    """Secret (in the DR region) with the secondary's `authToken`, `host`, `port`."""
    nodes_per_shard: int

    def __init__(
        self,
        name: str,
        args: GlobalDatastoreArgs,
        *,
        primary_provider: pulumi.ProviderResource,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(type_token("redis", "GlobalDatastore", cloud="aws"), name, None, opts)
        _validate(args)
        protect, tags = args.protect_stateful, args.tags
        self.datastore = elasticache.GlobalReplicationGroup(
            f"{name}-global",
            global_replication_group_id_suffix=name,
            primary_replication_group_id=args.primary_replication_group_id,
            global_replication_group_description=f"{name}: the cache and its DR-region secondary",
            opts=pulumi.ResourceOptions.merge(
                child_opts(self, protect=protect), pulumi.ResourceOptions(provider=primary_provider)
            ),
        )
        self.global_replication_group_id = self.datastore.global_replication_group_id
        self.primary_group_id = pulumi.Output.from_input(args.primary_replication_group_id)

        secondary = f"{name}-secondary"
        self.secondary_group_id = secondary
        self.nodes_per_shard = 1 + args.replicas
        sg = client_security_group(
            self, secondary, vpc_id=args.vpc_id, port=args.port, service=args.engine.capitalize(),
            client_security_groups={}, client_cidrs=args.client_cidrs, tags=tags,
        )  # fmt: skip
        slow_log = cloudwatch.LogGroup(
            f"{secondary}-slow-log",
            retention_in_days=args.slow_log_retention_days,
            kms_key_id=args.kms_key_arn,
            tags=merged_tags(tags, f"{secondary}-slow-log"),
            opts=child_opts(self, protect=protect),
        )
        token = cache_password(
            self, f"{secondary}-auth-token", length=args.auth_token_length,
            specials=AUTH_TOKEN_SPECIALS, protect=protect,
        )  # fmt: skip
        # Engine, version, node type, shard count, parameter group and encryption settings come
        # from the global datastore: AWS refuses them on a secondary.
        shape: dict[str, object] = (
            {"replicas_per_node_group": args.replicas}
            if args.cluster_mode
            else {"num_cache_clusters": self.nodes_per_shard}
        )
        self.group = elasticache.ReplicationGroup(
            f"{secondary}-group",
            replication_group_id=secondary,
            description=f"DR-region secondary of {name}",
            global_replication_group_id=self.global_replication_group_id,
            port=args.port,
            subnet_group_name=args.subnet_group_name,
            security_group_ids=[sg.id],
            kms_key_id=args.kms_key_arn,
            auth_token=token,
            automatic_failover_enabled=args.replicas >= 1,
            multi_az_enabled=args.multi_az,
            auto_minor_version_upgrade=True,
            snapshot_retention_limit=args.snapshot_retention_days,
            snapshot_window=args.snapshot_window,
            maintenance_window=args.maintenance_window,
            final_snapshot_identifier=f"{secondary}-final" if protect else None,
            log_delivery_configurations=[
                elasticache.ReplicationGroupLogDeliveryConfigurationArgs(
                    destination=slow_log.name, destination_type="cloudwatch-logs",
                    log_format="json", log_type="slow-log",
                )
            ],
            tags=merged_tags(tags, f"{secondary}-group", **{"dr-role": "replica"}),
            opts=pulumi.ResourceOptions.merge(
                child_opts(self, protect=protect),
                pulumi.ResourceOptions(additional_secret_outputs=["authToken"]),
            ),
            **shape,
        )  # fmt: skip
        rg = self.group
        self.secondary_endpoint = (
            rg.configuration_endpoint_address if args.cluster_mode else rg.primary_endpoint_address
        )
        secret = connection_secret(
            self, f"{secondary}-auth",
            description=f"AUTH token and endpoint of the DR-region secondary of {name}",
            connection={"authToken": token, "host": self.secondary_endpoint, "port": args.port,
                        "tls": True},
            key_arn=args.kms_key_arn, tags=tags, protect=protect,
        )  # fmt: skip
        self.secondary_auth_secret_arn = secret.arn
        nodes = {
            suffix.lstrip("-"): pulumi.Output.concat(rg.id, suffix)
            for suffix in secondary_node_suffixes(
                cluster_mode=args.cluster_mode, shards=args.shards
            )
        }
        self.alarms = emit_alarms(
            self, name, "redis", global_datastore_alarms(nodes), args.alarms, tags
        )
        self.register_outputs(
            {
                "globalReplicationGroupId": self.global_replication_group_id,
                "secondaryEndpoint": self.secondary_endpoint,
                "secondaryAuthSecretArn": self.secondary_auth_secret_arn,
            }
        )


def _validate(args: GlobalDatastoreArgs) -> None:
    for field_name, message in global_datastore_problems(
        engine=args.engine, engine_version=args.engine_version, node_type=args.node_type,
        primary_region=args.primary_region, region=args.region,
    ):  # fmt: skip
        require(False, field_name, message)
    require(0 <= args.replicas <= 5, "replicas", "must be 0..5")
    require(
        not args.multi_az or args.replicas >= 1,
        "multi_az",
        "needs at least one replica (a single node cannot fail over)",
    )
    validate_clients({}, args.client_cidrs)


def secondary_node_suffixes(*, cluster_mode: bool, shards: int) -> Sequence[str]:
    """Suffixes (after the group id) of the nodes that start as the secondary's primaries, one per
    shard: where ElastiCache reports `GlobalDatastoreReplicationLag`."""
    if cluster_mode:
        return [f"-{s:04d}-001" for s in range(1, shards + 1)]
    return ["-001"]
