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

from collections.abc import Sequence

import pulumi
from pulumi_aws import cloudwatch, elasticache

from components._base import child_opts, log_class_tag, merged_tags, type_token
from components.aws.data_tier import (
    cache_password,
    client_security_group,
    connection_secret,
)
from components.monitoring.aws import emit_alarms
from components.redis.aws import AUTH_TOKEN_SPECIALS
from components.redis.aws_alarms import global_datastore_alarms
from components.redis.aws_global_spec import GlobalDatastoreArgs, validate


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
        validate(args)
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
            tags=merged_tags(tags, f"{secondary}-slow-log", **log_class_tag("application")),
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


def secondary_node_suffixes(*, cluster_mode: bool, shards: int) -> Sequence[str]:
    """Suffixes (after the group id) of the nodes that start as the secondary's primaries, one per
    shard: where ElastiCache reports `GlobalDatastoreReplicationLag`."""
    if cluster_mode:
        return [f"-{s:04d}-001" for s in range(1, shards + 1)]
    return ["-001"]
