"""`groundwork:aws/postgres:GlobalSecondary`: the DR-region side of an Aurora Global Database.

Creates the global cluster from the existing primary cluster (`source_db_cluster_identifier`, so
the primary keeps its identity: joining is an in-place change, never a replacement), and in the
DR region a secondary cluster in the DR network's data subnets, encrypted with a key of that
region, TLS-only, deletion-protected with a final snapshot. `mode`:
- `headless`: no instances, storage replication only (the cheapest live copy: storage and
  replicated writes are billed, no compute); failover first adds an instance;
- `warm`: one reader (Serverless v2 at the given capacity, or the instance class), ready to be
  promoted.

The caller builds the component with the DR region's provider, so everything in it runs there
(and the estimate's DR add-on holds exactly that), except the global cluster, which AWS creates
from the primary's region: it takes `primary_provider`.
"""

from __future__ import annotations

import pulumi
from pulumi_aws import rds

from components._base import child_opts, merged_tags, spread_over_zones, type_token
from components.aws.data_tier import client_security_group, data_key
from components.aws.identity import aws_context
from components.monitoring.aws import emit_alarms
from components.postgres.aws import cluster_parameters
from components.postgres.aws_alarms import global_secondary_alarms
from components.postgres.aws_global_spec import GlobalSecondaryArgs, validate


class GlobalSecondary(pulumi.ComponentResource):
    """An Aurora global cluster and its secondary in the DR region."""

    global_cluster_id: pulumi.Output[str]
    secondary_cluster_arn: pulumi.Output[str]
    secondary_endpoint: pulumi.Output[str]
    """Writer endpoint of the secondary (answers once it is promoted)."""
    secondary_identifier: str
    kms_key_arn: pulumi.Output[str]
    """The DR region's key (secondary storage; also usable for replicated secrets)."""

    def __init__(
        self,
        name: str,
        args: GlobalSecondaryArgs,
        *,
        primary_provider: pulumi.ProviderResource,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(type_token("postgres", "GlobalSecondary", cloud="aws"), name, None, opts)
        validate(args)
        protect = args.protect_stateful
        tags = args.tags
        self.global_cluster = rds.GlobalCluster(
            f"{name}-global",
            global_cluster_identifier=f"{name}-global",
            source_db_cluster_identifier=args.source_cluster_arn,
            # Removing the global cluster detaches the primary instead of failing on it.
            force_destroy=True,
            storage_encrypted=True,
            deletion_protection=protect,
            tags=merged_tags(tags, f"{name}-global"),
            opts=pulumi.ResourceOptions.merge(
                child_opts(self, protect=protect), pulumi.ResourceOptions(provider=primary_provider)
            ),
        )
        self.global_cluster_id = self.global_cluster.id

        if args.kms_key_arn is None:
            self.kms_key_arn = data_key(
                self, f"{name}-secondary", ctx=aws_context(self),
                description=f"Encrypts the DR secondary of {name}", tags=tags, protect=protect,
            ).arn  # fmt: skip
        else:
            self.kms_key_arn = pulumi.Output.from_input(args.kms_key_arn)
        sg = client_security_group(
            self, f"{name}-secondary", vpc_id=args.vpc_id, port=args.port,
            service="PostgreSQL", client_security_groups={}, client_cidrs=args.client_cidrs,
            tags=tags,
        )  # fmt: skip
        family = f"aurora-postgresql{args.engine_version.split('.')[0]}"
        params = rds.ClusterParameterGroup(
            f"{name}-secondary-params",
            family=family,
            description=f"{name} secondary: TLS only, the primary's parameters",
            parameters=cluster_parameters(args.parameters),
            tags=merged_tags(tags, f"{name}-secondary-params"),
            opts=child_opts(self),
        )  # fmt: skip
        self.secondary_identifier = f"{name}-secondary"
        s = args.serverless
        self.secondary = rds.Cluster(
            f"{name}-secondary",
            cluster_identifier=self.secondary_identifier,
            global_cluster_identifier=self.global_cluster.id,
            engine="aurora-postgresql",
            engine_version=args.engine_version,
            db_subnet_group_name=args.subnet_group_name,
            vpc_security_group_ids=[sg.id],
            db_cluster_parameter_group_name=params.name,
            storage_encrypted=True,
            kms_key_id=self.kms_key_arn,
            port=args.port,
            copy_tags_to_snapshot=True,
            backup_retention_period=args.backup_retention_days,
            iam_database_authentication_enabled=args.iam_auth,
            deletion_protection=protect,
            skip_final_snapshot=not protect,
            final_snapshot_identifier=f"{self.secondary_identifier}-final" if protect else None,
            enabled_cloudwatch_logs_exports=["postgresql"],
            serverlessv2_scaling_configuration=(
                rds.ClusterServerlessv2ScalingConfigurationArgs(
                    min_capacity=s.min_acu, max_capacity=s.max_acu)
                if s else None
            ),
            tags=merged_tags(tags, f"{name}-secondary", **{"dr-role": "replica"}),
            # After a managed failover AWS swaps the roles: the source fields then describe the
            # other region, which must not plan a replacement.
            opts=child_opts(self, protect=protect,
                            ignore_changes=["replicationSourceIdentifier", "globalClusterIdentifier"],
                            depends_on=[self.global_cluster]),
        )  # fmt: skip
        self.secondary_cluster_arn = self.secondary.arn
        self.secondary_endpoint = self.secondary.endpoint
        if args.mode == "warm":
            zone = spread_over_zones(args.zones, 1)[0]
            rds.ClusterInstance(
                f"{name}-secondary-instance-0",
                identifier=f"{self.secondary_identifier}-0",
                cluster_identifier=self.secondary.id,
                engine="aurora-postgresql",
                engine_version=args.engine_version,
                instance_class="db.serverless" if s else args.instance_class,
                availability_zone=zone,
                db_subnet_group_name=args.subnet_group_name,
                publicly_accessible=False,
                auto_minor_version_upgrade=True,
                performance_insights_enabled=True,
                performance_insights_kms_key_id=self.kms_key_arn,
                tags=merged_tags(tags, f"{name}-secondary-instance-0", role="reader"),
                opts=child_opts(self, protect=protect),
            )
        self.alarms = emit_alarms(
            self, name, "postgres", global_secondary_alarms(self.secondary.cluster_identifier),
            args.alarms, tags,
        )  # fmt: skip
        self.register_outputs(
            {
                "globalClusterId": self.global_cluster_id,
                "secondaryClusterArn": self.secondary_cluster_arn,
                "secondaryEndpoint": self.secondary_endpoint,
                "kmsKeyArn": self.kms_key_arn,
            }
        )
