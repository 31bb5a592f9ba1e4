"""The PostgreSQL HA component under mocks: Aurora and RDS Multi-AZ shapes, encryption, TLS,
managed credentials, network exposure, backups, observability, protection, validation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.postgres.aws import PostgresHa
from components.postgres.aws_spec import PostgresHaArgs, ReaderAutoscalingArgs
from planner.recorder import RecordingMonitor
from tests.conftest import of_type, one, run_mocked

ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
TAGS = {"environment": "test", "owner": "o", "cost-center": "c", "service": "s", "managed-by": "pulumi"}  # fmt: skip
CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS_INSTANCE = "aws:rds/instance:Instance"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def build_pg(**overrides: Any) -> RecordingMonitor:
    import pulumi
    import pulumi_aws as aws
    import pulumi_random as random

    fields: dict[str, Any] = {
        "vpc_id": "vpc-123",
        "subnet_group_name": "db-subnets",
        "zones": ZONES,
        "client_security_groups": {"nodes": "sg-nodes"},
        "client_cidrs": {"private-a": "10.0.0.0/20"},
        "tags": TAGS,
    }
    args = PostgresHaArgs(**{**fields, **overrides})

    def program() -> None:
        provider = aws.Provider("aws-test", region="eu-west-1")
        # `random` for a generated credential's password.
        opts = pulumi.ResourceOptions(providers=[provider, random.Provider("random")])
        db = PostgresHa("db", args, opts)
        pulumi.export("writer", db.writer_endpoint)
        pulumi.export("reader", db.reader_endpoint)
        pulumi.export("secret", db.master_user_secret_arn)

    return run_mocked(program)


@pytest.fixture(scope="module")
def aurora() -> RecordingMonitor:
    return build_pg()


def test_aurora_writer_and_readers_spread_over_zones(aurora: RecordingMonitor) -> None:
    instances = sorted(of_type(aurora, INSTANCE), key=lambda r: r.name)
    assert [i.inputs["availabilityZone"] for i in instances] == ZONES
    assert [i.inputs["promotionTier"] for i in instances] == [0, 1, 2]
    cluster = one(aurora, CLUSTER)
    assert {i.inputs["clusterIdentifier"] for i in instances} == {cluster.id}
    assert all(i.inputs["instanceClass"] == "db.r7g.large" for i in instances)
    assert not any(i.inputs["publiclyAccessible"] for i in instances)


def test_storage_encrypted_with_a_rotating_cmk(aurora: RecordingMonitor) -> None:
    cluster = one(aurora, CLUSTER).inputs
    key = one(aurora, "aws:kms/key:Key")
    assert cluster["storageEncrypted"] is True
    assert cluster["kmsKeyId"] == key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True


def test_tls_forced_by_the_cluster_parameter_group(aurora: RecordingMonitor) -> None:
    group = one(aurora, "aws:rds/clusterParameterGroup:ClusterParameterGroup")
    assert group.inputs["family"] == "aurora-postgresql16"
    assert {"name": "rds.force_ssl", "value": "1", "applyMethod": "immediate"} in group.inputs[
        "parameters"
    ]
    assert one(aurora, CLUSTER).inputs["dbClusterParameterGroupName"] == group.outputs["name"]


def test_query_logging_is_on_by_default(aurora: RecordingMonitor) -> None:
    """Schema changes and slow statements reach the PostgreSQL log group (Checkov CKV2_AWS_27)."""
    params = one(aurora, "aws:rds/clusterParameterGroup:ClusterParameterGroup").inputs["parameters"]
    assert {"name": "log_statement", "value": "ddl", "applyMethod": "immediate"} in params
    assert {
        "name": "log_min_duration_statement",
        "value": "1000",
        "applyMethod": "immediate",
    } in params


def test_a_caller_parameter_replaces_the_query_logging_default() -> None:
    monitor = build_pg(parameters={"log_min_duration_statement": "500"})
    params = one(monitor, "aws:rds/clusterParameterGroup:ClusterParameterGroup").inputs[
        "parameters"
    ]
    assert [p["value"] for p in params if p["name"] == "log_min_duration_statement"] == ["500"]


def test_extra_parameters_are_added_after_reboot() -> None:
    monitor = build_pg(parameters={"log_min_duration_statement": "500"})
    params = one(monitor, "aws:rds/clusterParameterGroup:ClusterParameterGroup").inputs[
        "parameters"
    ]
    assert {
        "name": "log_min_duration_statement",
        "value": "500",
        "applyMethod": "pending-reboot",
    } in params
    assert any(p["name"] == "rds.force_ssl" and p["value"] == "1" for p in params)


def test_master_password_is_managed_by_secrets_manager(aurora: RecordingMonitor) -> None:
    cluster = one(aurora, CLUSTER)
    key = one(aurora, "aws:kms/key:Key")
    assert cluster.inputs["manageMasterUserPassword"] is True
    assert cluster.inputs["masterUserSecretKmsKeyId"] == key.outputs["arn"]
    assert not {"masterPassword", "masterPasswordWo"} & set(cluster.inputs)
    secret_arn = cluster.outputs["masterUserSecrets"][0]["secretArn"]
    assert aurora.stack_outputs["secret"] == secret_arn
    assert ":secretsmanager:" in secret_arn


def test_iam_auth_backups_and_windows(aurora: RecordingMonitor) -> None:
    cluster = one(aurora, CLUSTER).inputs
    assert cluster["iamDatabaseAuthenticationEnabled"] is True
    assert cluster["backupRetentionPeriod"] == 14
    assert cluster["preferredBackupWindow"] == "02:00-03:00"
    assert cluster["preferredMaintenanceWindow"] == "sun:04:00-sun:05:00"
    assert cluster["copyTagsToSnapshot"] is True


def test_deletion_safety_follows_protect(aurora: RecordingMonitor) -> None:
    cluster = one(aurora, CLUSTER)
    assert cluster.protect is True
    assert cluster.inputs["deletionProtection"] is True
    assert cluster.inputs["skipFinalSnapshot"] is False
    assert cluster.inputs["finalSnapshotIdentifier"] == "db-final"
    assert cluster.inputs["deleteAutomatedBackups"] is False
    assert all(i.protect for i in of_type(aurora, INSTANCE))

    relaxed = one(build_pg(protect_stateful=False), CLUSTER)
    assert relaxed.protect is False
    assert relaxed.inputs["deletionProtection"] is False
    assert relaxed.inputs["skipFinalSnapshot"] is True
    assert "finalSnapshotIdentifier" not in relaxed.inputs


def test_protected_types() -> None:
    protected = {r.type for r in build_pg().recorded if r.protect}
    assert protected == {CLUSTER, INSTANCE, "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"}


def test_logs_exported_to_a_precreated_group_with_retention(aurora: RecordingMonitor) -> None:
    cluster = one(aurora, CLUSTER)
    group = one(aurora, "aws:cloudwatch/logGroup:LogGroup")
    assert cluster.inputs["enabledCloudwatchLogsExports"] == ["postgresql"]
    assert group.inputs["name"] == "/aws/rds/cluster/db/postgresql"
    assert group.inputs["retentionInDays"] == 365
    assert group.inputs["kmsKeyId"] == one(aurora, "aws:kms/key:Key").outputs["arn"]
    assert group.urn in cluster.dependencies  # exists before RDS would create it unmanaged


def test_performance_insights_and_enhanced_monitoring(aurora: RecordingMonitor) -> None:
    role = one(aurora, "aws:iam/role:Role")
    assert "monitoring.rds.amazonaws.com" in role.inputs["assumeRolePolicy"]
    attachment = one(aurora, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment.inputs["policyArn"].endswith("service-role/AmazonRDSEnhancedMonitoringRole")
    key_arn = one(aurora, "aws:kms/key:Key").outputs["arn"]
    for i in of_type(aurora, INSTANCE):
        assert i.inputs["performanceInsightsEnabled"] is True
        assert i.inputs["performanceInsightsKmsKeyId"] == key_arn
        assert i.inputs["monitoringInterval"] == 60
        assert i.inputs["monitoringRoleArn"] == role.outputs["arn"]


def test_monitoring_can_be_turned_off() -> None:
    monitor = build_pg(monitoring_interval_seconds=0, readers=0)
    assert of_type(monitor, "aws:iam/role:Role") == []
    assert one(monitor, INSTANCE).inputs["monitoringInterval"] == 0


def test_security_group_admits_only_declared_clients(aurora: RecordingMonitor) -> None:
    sg = one(aurora, "aws:ec2/securityGroup:SecurityGroup")
    assert "ingress" not in sg.inputs or sg.inputs["ingress"] == []
    assert "egress" not in sg.inputs or sg.inputs["egress"] == []
    rules = of_type(aurora, INGRESS)
    assert {(r.inputs["fromPort"], r.inputs["toPort"]) for r in rules} == {(5432, 5432)}
    assert {r.inputs.get("referencedSecurityGroupId") for r in rules} == {"sg-nodes", None}
    assert {r.inputs.get("cidrIpv4") for r in rules} == {"10.0.0.0/20", None}
    assert one(aurora, CLUSTER).inputs["vpcSecurityGroupIds"] == [sg.id]
    assert one(aurora, CLUSTER).inputs["dbSubnetGroupName"] == "db-subnets"


def test_writer_and_reader_endpoints(aurora: RecordingMonitor) -> None:
    cluster = one(aurora, CLUSTER)
    assert aurora.stack_outputs["writer"] == cluster.outputs["endpoint"]
    assert aurora.stack_outputs["reader"] == cluster.outputs["readerEndpoint"]
    assert ".cluster-ro-" in aurora.stack_outputs["reader"]


def test_instances_get_back_to_back_maintenance_windows(aurora: RecordingMonitor) -> None:
    windows = [i.inputs["preferredMaintenanceWindow"] for i in sorted(of_type(aurora, INSTANCE), key=lambda r: r.name)]  # fmt: skip
    assert windows == ["sun:04:00-sun:05:00", "sun:05:00-sun:06:00", "sun:06:00-sun:07:00"]
    assert one(aurora, CLUSTER).inputs["preferredMaintenanceWindow"] == "sun:04:00-sun:05:00"


def test_staggered_window_must_not_hit_the_backup_window() -> None:
    with pytest.raises(ValueError, match=r"^backup_window: .*staggered for an instance"):
        build_pg(maintenance_window="sun:01:00-sun:02:00", backup_window="03:00-04:00")
    build_pg(maintenance_window="sun:01:00-sun:02:00", backup_window="03:00-04:00", readers=1)


def test_single_instance_footprint() -> None:
    monitor = build_pg(readers=0, instance_class="db.t4g.medium")
    instance = one(monitor, INSTANCE)
    assert instance.inputs["availabilityZone"] == "eu-west-1a"
    assert instance.inputs["instanceClass"] == "db.t4g.medium"


def test_readers_wrap_round_robin_over_zones() -> None:
    monitor = build_pg(readers=4, zones=ZONES[:2])
    zones = [r.inputs["availabilityZone"] for r in sorted(of_type(monitor, INSTANCE), key=lambda r: r.name)]  # fmt: skip
    assert zones == ["eu-west-1a", "eu-west-1b", "eu-west-1a", "eu-west-1b", "eu-west-1a"]


def test_backup_tags_put_the_cluster_in_a_selection() -> None:
    cluster = one(build_pg(backup_tags={"backup": "plan-a"}), CLUSTER)
    assert cluster.inputs["tags"]["backup"] == "plan-a"


def test_every_taggable_child_carries_the_tags(aurora: RecordingMonitor) -> None:
    untaggable = {"aws:iam/rolePolicyAttachment:RolePolicyAttachment"}
    for r in aurora.recorded:
        if r.custom and not r.type.startswith("pulumi:") and r.type not in untaggable:
            assert TAGS.items() <= r.inputs["tags"].items(), r.name
            assert r.name.startswith("db-"), r.name


def test_reader_autoscaling() -> None:
    monitor = build_pg(autoscaling=ReaderAutoscalingArgs(max_readers=6, target_cpu_percent=60))
    target = one(monitor, "aws:appautoscaling/target:Target").inputs
    assert (target["minCapacity"], target["maxCapacity"]) == (2, 6)
    assert target["scalableDimension"] == "rds:cluster:ReadReplicaCount"
    assert target["resourceId"] == "cluster:db"
    policy = one(monitor, "aws:appautoscaling/policy:Policy").inputs
    tracking = policy["targetTrackingScalingPolicyConfiguration"]
    assert tracking["targetValue"] == 60
    assert tracking["predefinedMetricSpecification"]["predefinedMetricType"] == (
        "RDSReaderAverageCPUUtilization"
    )
    assert of_type(build_pg(), "aws:appautoscaling/target:Target") == []


def test_given_kms_key_is_used_instead_of_a_new_one() -> None:
    arn = "arn:aws:kms:eu-west-1:123456789012:key/abc"
    monitor = build_pg(kms_key_arn=arn)
    assert of_type(monitor, "aws:kms/key:Key") == []
    assert one(monitor, CLUSTER).inputs["kmsKeyId"] == arn


def test_key_policy_lets_cloudwatch_logs_use_the_key(aurora: RecordingMonitor) -> None:
    policy = json.loads(one(aurora, "aws:kms/key:Key").inputs["policy"])
    principals = [s["Principal"] for s in policy["Statement"]]
    assert {"Service": "logs.eu-west-1.amazonaws.com"} in principals


def test_rds_multi_az_instance_alternative() -> None:
    monitor = build_pg(engine="postgres", readers=1, credential="generated")
    assert of_type(monitor, CLUSTER) == []
    primary = one(monitor, RDS_INSTANCE, "db-primary")
    replica = one(monitor, RDS_INSTANCE, "db-replica-1")
    inputs = primary.inputs
    assert inputs["multiAz"] is True and "availabilityZone" not in inputs
    assert inputs["storageEncrypted"] is True and inputs["storageType"] == "gp3"
    # A read replica's source may not have a managed password: a generated one, write-only.
    assert "manageMasterUserPassword" not in inputs and "password" not in inputs
    assert "passwordWo" in primary.secret_paths
    assert inputs["publiclyAccessible"] is False
    assert inputs["deletionProtection"] is True and inputs["skipFinalSnapshot"] is False
    assert inputs["enabledCloudwatchLogsExports"] == ["postgresql"]
    group = one(monitor, "aws:rds/parameterGroup:ParameterGroup")
    assert group.inputs["family"] == "postgres16"
    assert any(p["name"] == "rds.force_ssl" and p["value"] == "1" for p in group.inputs["parameters"])  # fmt: skip
    assert inputs["parameterGroupName"] == group.outputs["name"]
    assert replica.inputs["replicateSourceDb"] == "db"
    assert replica.inputs["availabilityZone"] == "eu-west-1b"
    assert (inputs["maintenanceWindow"], replica.inputs["maintenanceWindow"]) == (
        "sun:04:00-sun:05:00",
        "sun:05:00-sun:06:00",
    )
    assert one(monitor, "aws:cloudwatch/logGroup:LogGroup").inputs["name"] == (
        "/aws/rds/instance/db/postgresql"
    )
    assert monitor.stack_outputs["writer"] == primary.outputs["address"]
    assert monitor.stack_outputs["reader"] == replica.outputs["address"]


def test_rds_read_replicas_refuse_a_managed_master_password() -> None:
    # AWS refuses a read replica of an instance whose master password RDS manages.
    with pytest.raises(ValueError, match=r"^credential: RDS read replicas need a generated"):
        build_pg(engine="postgres", readers=1)
    managed = one(build_pg(engine="postgres", readers=0), RDS_INSTANCE)
    assert managed.inputs["manageMasterUserPassword"] is True


def test_rds_single_az_instance_is_pinned_to_the_first_zone() -> None:
    primary = one(build_pg(engine="postgres", readers=0, multi_az=False), RDS_INSTANCE)
    assert primary.inputs["multiAz"] is False
    assert primary.inputs["availabilityZone"] == "eu-west-1a"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"client_cidrs": {"c": "0.0.0.0/0"}}, "client_cidrs"),
        ({"client_cidrs": {"c": "::/0"}}, "client_cidrs"),
        ({"client_cidrs": {"c": "8.8.8.0/24"}}, "client_cidrs"),
        ({"client_cidrs": {"c": "10.0.0.1/16"}}, "client_cidrs"),
        ({"client_cidrs": ["10.0.0.0/16"]}, "client_cidrs"),  # by position: refused
        ({"readers": 16}, "readers"),
        ({"readers": -1}, "readers"),
        ({"instance_class": "r7g.large"}, "instance_class"),
        ({"engine": "mysql"}, "engine"),
        ({"engine_version": "latest"}, "engine_version"),
        ({"backup_retention_days": 0}, "backup_retention_days"),
        ({"backup_retention_days": 36}, "backup_retention_days"),
        ({"backup_window": "2:00-3:00"}, "backup_window"),
        ({"backup_window": "02:00-02:10"}, "backup_window"),
        ({"maintenance_window": "sunday:04:00-sun:05:00"}, "maintenance_window"),
        ({"backup_window": "04:30-05:30"}, "backup_window"),  # overlaps sun 04:00-05:00
        ({"performance_insights_retention_days": 30}, "performance_insights_retention_days"),
        ({"monitoring_interval_seconds": 7}, "monitoring_interval_seconds"),
        ({"parameters": {"rds.force_ssl": "0"}}, "parameters"),
        ({"identifier": "Bad_Name"}, "identifier"),
        ({"master_username": "postgres"}, "master_username"),
        ({"zones": []}, "zones"),
        ({"autoscaling": ReaderAutoscalingArgs(max_readers=2)}, "autoscaling.max_readers"),
        ({"engine": "postgres", "autoscaling": ReaderAutoscalingArgs()}, "autoscaling"),
    ],
)
def test_invalid_args_fail_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build_pg(**overrides)


def test_serverless_v2_keeps_the_writer_reader_shape_within_the_acu_range() -> None:
    from components.postgres.aws_spec import ServerlessArgs

    monitor = build_pg(readers=1, serverless=ServerlessArgs(min_acu=1, max_acu=16))
    cluster = one(monitor, "aws:rds/cluster:Cluster").inputs
    assert cluster["serverlessv2ScalingConfiguration"] == {"minCapacity": 1, "maxCapacity": 16}
    instances = of_type(monitor, "aws:rds/clusterInstance:ClusterInstance")
    assert {i.inputs["instanceClass"] for i in instances} == {"db.serverless"}
    assert len({i.inputs["availabilityZone"] for i in instances}) == len(instances) == 2


def test_serverless_v2_is_rejected_where_aws_would_refuse_it() -> None:
    from components.postgres.aws_spec import ServerlessArgs

    with pytest.raises(ValueError, match=r"serverless: .*needs Aurora PostgreSQL .*got 16\.2"):
        build_pg(engine_version="16.2", serverless=ServerlessArgs(min_acu=0, max_acu=4))
    with pytest.raises(ValueError, match="serverless: Serverless v2 needs the aurora-postgresql"):
        build_pg(engine="postgres", serverless=ServerlessArgs())
    build_pg(engine_version="16.3", serverless=ServerlessArgs(min_acu=0, max_acu=4))  # allowed
