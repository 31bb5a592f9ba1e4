"""`groundwork:aws/postgres:PostgresHa`: highly available PostgreSQL on AWS.

Creates, by default, an Aurora PostgreSQL cluster (`engine="aurora-postgresql"`): one writer and
`readers` readers, each pinned to a zone (round-robin over `zones`) with a promotion tier, in the
isolated data subnets (the VPC's DB subnet group). The alternative `engine="postgres"` creates an
RDS Multi-AZ DB instance (synchronous standby in another zone, not readable) plus `readers` read
replicas.

Around the database: a customer-managed KMS key (rotation on) for storage, Performance Insights,
the master-password secret and the log group; a security group admitting only the declared client
security groups / CIDRs on the port; a (cluster) parameter group that forces TLS
(`rds.force_ssl=1`) plus extra parameters; an enhanced-monitoring role; the PostgreSQL log group
with retention, created before the database so RDS does not create it without one. The master
password is generated and kept by Secrets Manager (`manage_master_user_password`): it never
appears in config, code or state. Optional reader autoscaling (Aurora only).

Point-in-time recovery: RDS and Aurora keep continuous backups (transaction logs) for the
retention period, so PITR to any second inside it is inherent; AWS Backup can take that over
(see aws_backup.py).
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_random as random
from pulumi_aws import appautoscaling, cloudwatch, iam, rds, secretsmanager

from components._base import (
    child_opts,
    log_class_tag,
    merged_tags,
    spread_over_zones,
    type_token,
)
from components.aws.data_tier import client_security_group, data_key
from components.aws.identity import aws_context
from components.aws.policy_docs import assume_role_policy
from components.aws.windows import (
    staggered_windows,
)
from components.monitoring.aws import emit_alarms
from components.postgres.aws_alarms import postgres_alarms
from components.postgres.aws_spec import (
    MAX_READERS,
    PostgresHaArgs,
    ReaderAutoscalingArgs,
    validate,
)

PASSWORD_SPECIALS = "!#$%&*()-_=+[]{}<>:?"  # noqa: S105 (an alphabet)
"""Special characters RDS accepts in a master password (no `/`, `"`, `@` or space)."""
QUERY_LOGGING: Mapping[str, str] = {"log_min_duration_statement": "1000", "log_statement": "ddl"}
"""Default query logging (to the PostgreSQL log group): every schema change, and any statement
slower than 1 s (in ms): an audit trail and a slow-query log without logging row data. Both are
dynamic; `parameters` overrides either."""


class PostgresHa(pulumi.ComponentResource):
    """PostgreSQL with a writer and readers across zones, encrypted, TLS-only, managed password."""

    writer_endpoint: pulumi.Output[str]
    """Read/write endpoint (follows the writer on failover)."""
    reader_endpoint: pulumi.Output[str]
    """Read-only endpoint: Aurora's load-balanced reader endpoint; for `postgres`, the first read
    replica (the writer when there is none)."""
    port: int
    master_user_secret_arn: pulumi.Output[str]
    """Secrets Manager secret holding the master credentials (managed and rotated by RDS, or the
    component's own with `credential="generated"`)."""
    security_group_id: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]
    arn: pulumi.Output[str]
    """The Aurora cluster, or the RDS primary instance: what AWS Backup selects."""
    identifier: str
    instance_zones: list[str]
    """Zone of each instance (writer first), as requested."""

    def __init__(
        self, name: str, args: PostgresHaArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("postgres", "PostgresHa", cloud="aws"), name, None, opts)
        validate(args)
        self._name, self._args = name, args
        self.identifier = args.identifier or name
        self.port = args.port
        self.is_aurora = args.engine == "aurora-postgresql"
        protect = args.protect_stateful
        ctx = aws_context(self)

        if args.kms_key_arn is None:
            self.key: pulumi.Resource | None = data_key(
                self, name, ctx=ctx, description=f"Encrypts the PostgreSQL database {name}",
                tags=args.tags, protect=protect,
            )  # fmt: skip
            self.kms_key_arn = self.key.arn
        else:
            self.key = None
            self.kms_key_arn = pulumi.Output.from_input(args.kms_key_arn)

        self.security_group = client_security_group(
            self, name, vpc_id=args.vpc_id, port=args.port, service="PostgreSQL",
            client_security_groups=args.client_security_groups,
            client_cidrs=args.client_cidrs, tags=args.tags,
        )  # fmt: skip
        self.security_group_id = self.security_group.id
        kind = "cluster" if self.is_aurora else "instance"
        self.log_group = cloudwatch.LogGroup(
            f"{name}-postgresql-logs",
            name=f"/aws/rds/{kind}/{self.identifier}/postgresql",
            retention_in_days=args.log_retention_days,
            kms_key_id=self.kms_key_arn,
            tags=self._tags(f"{name}-postgresql-logs", **log_class_tag("audit")),
            opts=child_opts(self, protect=protect),
        )
        self.log_group_name = self.log_group.name
        self.monitoring_role_arn = self._monitoring_role(ctx.partition)
        self._password = self._generated_credential() if args.credential == "generated" else None

        if self.is_aurora:
            self._aurora()
        else:
            self._instance()
        self.alarms = emit_alarms(
            self, name, "postgres",
            postgres_alarms(
                aurora=self.is_aurora,
                identifier=self.cluster.cluster_identifier if self.is_aurora
                else self.primary.identifier,
                readers=args.readers,
                replica_identifiers=[] if self.is_aurora else [r.identifier for r in self.replicas],
            ),
            args.alarms, args.tags,
        )  # fmt: skip

        self.register_outputs(
            {
                "writerEndpoint": self.writer_endpoint,
                "readerEndpoint": self.reader_endpoint,
                "port": self.port,
                "masterUserSecretArn": self.master_user_secret_arn,
                "securityGroupId": self.security_group_id,
                "kmsKeyArn": self.kms_key_arn,
                "logGroupName": self.log_group_name,
                "instanceZones": self.instance_zones,
            }
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _tags(self, name: str, **extra: str) -> dict[str, str]:
        return merged_tags(self._args.tags, name, **extra)

    @property
    def _family(self) -> str:
        return f"{self._args.engine}{self._args.engine_version.split('.')[0]}"

    def _parameters(self) -> list[rds.ClusterParameterGroupParameterArgs]:
        return cluster_parameters(self._args.parameters)

    def _generated_credential(self) -> pulumi.Output[str]:
        """A generated master password in a Secrets Manager secret (replicated per
        `secret_replica_kms_keys`); returns the password as a secret Output."""
        name, args = self._name, self._args
        protect = args.protect_stateful
        password = random.RandomPassword(
            f"{name}-master-password",
            length=40,
            special=True,
            override_special=PASSWORD_SPECIALS,
            min_lower=1,
            min_upper=1,
            min_numeric=1,
            opts=child_opts(self, protect=protect),
        )
        secret = secretsmanager.Secret(
            f"{name}-master-secret",
            description=f"Master credentials of the PostgreSQL database {name}",
            kms_key_id=self.kms_key_arn,
            recovery_window_in_days=30,
            replicas=[
                secretsmanager.SecretReplicaArgs(region=region, kms_key_id=key)
                for region, key in sorted(args.secret_replica_kms_keys.items())
            ],
            tags=self._tags(f"{name}-master-secret"),
            opts=child_opts(self, protect=protect),
        )
        secret_value: pulumi.Output[str] = pulumi.Output.secret(
            pulumi.Output.json_dumps(
                {"username": args.master_username, "password": password.result,
                 "engine": "postgres", "port": args.port}
            )
        )  # fmt: skip
        secretsmanager.SecretVersion(
            f"{name}-master-secret-value",
            secret_id=secret.id,
            secret_string_wo=secret_value,
            secret_string_wo_version=1,
            opts=child_opts(self),
        )
        self._generated_secret_arn = secret.arn
        return pulumi.Output.secret(password.result)

    def _credential_inputs(self, *, cluster: bool) -> dict[str, object]:
        """Master-password inputs: managed by RDS, or the generated one through a write-only
        input (bump the version to rotate)."""
        if self._password is None:
            return {"manage_master_user_password": True,
                    "master_user_secret_kms_key_id": self.kms_key_arn}  # fmt: skip
        key = "master_password" if cluster else "password"
        return {f"{key}_wo": self._password, f"{key}_wo_version": 1}

    def _secret_arn(self, managed: pulumi.Output[list[object]]) -> pulumi.Output[str]:
        if self._password is not None:
            return self._generated_secret_arn
        return managed[0].secret_arn

    def _serverless_scaling(self) -> rds.ClusterServerlessv2ScalingConfigurationArgs | None:
        s = self._args.serverless
        if s is None:
            return None
        return rds.ClusterServerlessv2ScalingConfigurationArgs(
            min_capacity=s.min_acu,
            max_capacity=s.max_acu,
            seconds_until_auto_pause=s.seconds_until_auto_pause,
        )

    def _monitoring_role(self, partition: pulumi.Output[str]) -> pulumi.Output[str] | None:
        if self._args.monitoring_interval_seconds == 0:
            return None
        name = self._name
        role = iam.Role(
            f"{name}-monitoring-role",
            assume_role_policy=assume_role_policy("monitoring.rds.amazonaws.com"),
            description=f"Enhanced monitoring of {name}",
            tags=self._tags(f"{name}-monitoring-role"),
            opts=child_opts(self),
        )
        iam.RolePolicyAttachment(
            f"{name}-monitoring-policy",
            role=role.name,
            policy_arn=pulumi.Output.format(
                "arn:{0}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole", partition
            ),
            opts=child_opts(self),
        )
        return role.arn

    def _observability(self) -> dict[str, object]:
        """Performance Insights and enhanced monitoring settings of every instance."""
        args = self._args
        return {
            "performance_insights_enabled": True,
            "performance_insights_kms_key_id": self.kms_key_arn,
            "performance_insights_retention_period": args.performance_insights_retention_days,
            "monitoring_interval": args.monitoring_interval_seconds,
            "monitoring_role_arn": self.monitoring_role_arn,
        }

    def _aurora(self) -> None:
        name, args, ident = self._name, self._args, self.identifier
        protect = args.protect_stateful
        params = rds.ClusterParameterGroup(
            f"{name}-cluster-params",
            family=self._family,
            description=f"{name}: TLS only, plus configured parameters",
            parameters=self._parameters(),
            tags=self._tags(f"{name}-cluster-params"),
            opts=child_opts(self),
        )
        self.cluster = rds.Cluster(
            f"{name}-cluster",
            cluster_identifier=ident,
            engine=args.engine,
            engine_version=args.engine_version,
            database_name=args.database_name,
            master_username=args.master_username,
            port=args.port,
            db_subnet_group_name=args.subnet_group_name,
            vpc_security_group_ids=[self.security_group.id],
            db_cluster_parameter_group_name=params.name,
            storage_encrypted=True,
            kms_key_id=self.kms_key_arn,
            iam_database_authentication_enabled=args.iam_auth,
            backup_retention_period=args.backup_retention_days,
            preferred_backup_window=args.backup_window,
            preferred_maintenance_window=args.maintenance_window,
            copy_tags_to_snapshot=True,
            deletion_protection=protect,
            skip_final_snapshot=not protect,
            final_snapshot_identifier=f"{ident}-final" if protect else None,
            delete_automated_backups=not protect,
            enabled_cloudwatch_logs_exports=["postgresql"],
            serverlessv2_scaling_configuration=self._serverless_scaling(),
            tags=self._tags(f"{name}-cluster", **args.backup_tags),
            opts=child_opts(
                self, protect=protect, depends_on=[self.log_group],
                ignore_changes=["globalClusterIdentifier"] if args.global_member else None,
            ),
            **self._credential_inputs(cluster=True),
        )  # fmt: skip
        self.instance_zones = spread_over_zones(args.zones, 1 + args.readers)
        # Back-to-back maintenance windows, writer first: OS patches never restart every instance
        # at once.
        windows = staggered_windows(args.maintenance_window, len(self.instance_zones))
        self.instances = []
        for i, zone in enumerate(self.instance_zones):
            # Tier 0 for the first writer; readers in order, so failover picks a known instance.
            self.instances.append(
                rds.ClusterInstance(
                    f"{name}-instance-{i}",
                    identifier=f"{ident}-{i}",
                    cluster_identifier=self.cluster.id,
                    engine=args.engine,
                    engine_version=args.engine_version,
                    instance_class="db.serverless" if args.serverless else args.instance_class,
                    availability_zone=zone,
                    promotion_tier=min(i, MAX_READERS),
                    db_subnet_group_name=args.subnet_group_name,
                    publicly_accessible=False,
                    auto_minor_version_upgrade=True,
                    ca_cert_identifier=args.ca_cert_identifier,
                    preferred_maintenance_window=windows[i],
                    copy_tags_to_snapshot=True,
                    tags=self._tags(f"{name}-instance-{i}", role="writer" if i == 0 else "reader"),
                    opts=child_opts(self, protect=protect),
                    **self._observability(),
                )
            )
        self.arn = self.cluster.arn
        self.writer_endpoint = self.cluster.endpoint
        self.reader_endpoint = self.cluster.reader_endpoint
        self.master_user_secret_arn = self._secret_arn(self.cluster.master_user_secrets)
        if args.autoscaling is not None:
            self._reader_autoscaling(args.autoscaling)

    def _reader_autoscaling(self, scaling: ReaderAutoscalingArgs) -> None:
        name = self._name
        target = appautoscaling.Target(
            f"{name}-readers-target",
            service_namespace="rds",
            scalable_dimension="rds:cluster:ReadReplicaCount",
            resource_id=pulumi.Output.format("cluster:{0}", self.cluster.id),
            min_capacity=self._args.readers,
            max_capacity=scaling.max_readers,
            tags=self._tags(f"{name}-readers-target"),
            opts=child_opts(self, depends_on=self.instances),
        )
        appautoscaling.Policy(
            f"{name}-readers-cpu",
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration={
                "target_value": scaling.target_cpu_percent,
                "predefined_metric_specification": {
                    "predefined_metric_type": "RDSReaderAverageCPUUtilization"
                },
                "scale_in_cooldown": scaling.scale_in_cooldown_seconds,
                "scale_out_cooldown": scaling.scale_out_cooldown_seconds,
            },
            opts=child_opts(self),
        )

    def _instance(self) -> None:
        name, args, ident = self._name, self._args, self.identifier
        protect = args.protect_stateful
        params = rds.ParameterGroup(
            f"{name}-params",
            family=self._family,
            description=f"{name}: TLS only, plus configured parameters",
            parameters=[
                rds.ParameterGroupParameterArgs(name=p.name, value=p.value,
                                                apply_method=p.apply_method)
                for p in self._parameters()
            ],
            tags=self._tags(f"{name}-params"),
            opts=child_opts(self),
        )  # fmt: skip
        common = {
            "instance_class": args.instance_class,
            "storage_encrypted": True,
            "kms_key_id": self.kms_key_arn,
            "storage_type": "gp3",
            "max_allocated_storage": args.max_allocated_storage_gib,
            "parameter_group_name": params.name,
            "vpc_security_group_ids": [self.security_group.id],
            "publicly_accessible": False,
            "iam_database_authentication_enabled": args.iam_auth,
            "auto_minor_version_upgrade": True,
            "ca_cert_identifier": args.ca_cert_identifier,
            "copy_tags_to_snapshot": True,
            "deletion_protection": protect,
            "enabled_cloudwatch_logs_exports": ["postgresql"],
            "port": args.port,
            **self._observability(),
        }
        windows = staggered_windows(args.maintenance_window, 1 + args.readers)
        zones = spread_over_zones(args.zones, 1 + args.readers)
        # A Multi-AZ instance cannot be pinned to a zone; RDS places primary and standby.
        self.primary = rds.Instance(
            f"{name}-primary",
            identifier=ident,
            engine=args.engine,
            engine_version=args.engine_version,
            allocated_storage=args.allocated_storage_gib,
            db_name=args.database_name,
            username=args.master_username,
            db_subnet_group_name=args.subnet_group_name,
            multi_az=args.multi_az,
            availability_zone=None if args.multi_az else zones[0],
            backup_retention_period=args.backup_retention_days,
            backup_window=args.backup_window,
            maintenance_window=windows[0],
            skip_final_snapshot=not protect,
            final_snapshot_identifier=f"{ident}-final" if protect else None,
            delete_automated_backups=not protect,
            tags=self._tags(f"{name}-primary", role="writer", **args.backup_tags),
            opts=child_opts(self, protect=protect, depends_on=[self.log_group]),
            **common,
            **self._credential_inputs(cluster=False),
        )
        self.replicas = [
            rds.Instance(
                f"{name}-replica-{i}",
                identifier=f"{ident}-replica-{i}",
                replicate_source_db=self.primary.identifier,
                availability_zone=zones[i],
                maintenance_window=windows[i],
                skip_final_snapshot=True,  # a replica's data lives in the primary's backups
                tags=self._tags(f"{name}-replica-{i}", role="reader"),
                opts=child_opts(self, protect=protect),
                **common,
            )
            for i in range(1, args.readers + 1)
        ]
        self.instance_zones = [
            "multi-az" if args.multi_az else zones[0],
            *zones[1:],
        ]
        self.arn = self.primary.arn
        self.writer_endpoint = self.primary.address
        self.reader_endpoint = self.replicas[0].address if self.replicas else self.primary.address
        self.master_user_secret_arn = self._secret_arn(self.primary.master_user_secrets)


def cluster_parameters(extra: Mapping[str, str]) -> list[rds.ClusterParameterGroupParameterArgs]:
    """The (cluster) parameters of every database of the platform, a DR secondary included.

    TLS is not negotiable: force_ssl first, then query logging unless the caller sets it, then
    the caller's extras (validated not to override force_ssl), applied at the next reboot because
    static parameters need one."""
    params = [rds.ClusterParameterGroupParameterArgs(name="rds.force_ssl", value="1",
                                                     apply_method="immediate")]  # fmt: skip
    params += [
        rds.ClusterParameterGroupParameterArgs(name=k, value=v, apply_method="immediate")
        for k, v in sorted(QUERY_LOGGING.items())
        if k not in extra
    ]
    params += [
        rds.ClusterParameterGroupParameterArgs(name=k, value=v, apply_method="pending-reboot")
        for k, v in sorted(extra.items())
    ]
    return params
