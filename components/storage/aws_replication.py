"""`groundwork:aws/storage:Replication`: S3 replication of buckets to their replicas in another
region (the DR region), with the role S3 assumes created inside.

One `BucketReplicationConfig` per source bucket (keyed by role, never by position): every object
version, delete markers included, encrypted in the destination with the replica's own KMS key
(objects under SSE-KMS replicate only when asked to). Replication Time Control (99.99 % of objects
within 15 minutes, with replication metrics) is an option, billed per GB. The role may read the
sources' versions and decrypt with their keys, and write replicas and encrypt with the replicas'
keys: nothing else. Replication metrics are on (RTC or not); `ReplicationAlarms`, built in the
destination region where S3 publishes them, alarms on objects that fail to replicate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_aws import iam, s3

from components._base import child_opts, merged_tags, type_token
from components.aws.policy_docs import assume_role_policy
from components.monitoring.aws import emit_alarms
from components.monitoring.aws_spec import AlarmWiring
from components.storage.aws_alarms import replication_alarms
from components.storage.aws_replication_spec import ReplicationArgs, validate

RULE_ID = "dr"
"""The id of every replication rule (a dimension of its metrics)."""


class Replication(pulumi.ComponentResource):
    role_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: ReplicationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("storage", "Replication", cloud="aws"), name, None, opts)
        validate(args)
        role = iam.Role(
            f"{name}-role",
            assume_role_policy=assume_role_policy("s3.amazonaws.com"),
            description=f"S3 replication of {name}",
            tags=merged_tags(args.tags, f"{name}-role"),
            opts=child_opts(self),
        )
        self.role_arn = role.arn
        pairs = sorted(args.buckets.items())
        iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=pulumi.Output.all(
                *[
                    pulumi.Output.all(
                        b.source_arn,
                        b.source_kms_key_arn,
                        b.destination_arn,
                        b.destination_kms_key_arn,
                    )
                    for _, b in pairs
                ]
            ).apply(_policy),
            opts=child_opts(self),
        )
        for key, bucket in pairs:
            # Metrics always: the failed-replication alarms watch them (RULE_ID's metrics).
            destination: dict[str, Any] = {
                "bucket": bucket.destination_arn,
                "storage_class": args.storage_class,
                "encryption_configuration": {"replica_kms_key_id": bucket.destination_kms_key_arn},
                "metrics": {"status": "Enabled"},
            }
            if args.replication_time_control:
                destination |= {
                    "replication_time": {"status": "Enabled", "time": {"minutes": 15}},
                    "metrics": {"status": "Enabled", "event_threshold": {"minutes": 15}},
                }
            s3.BucketReplicationConfig(
                f"{name}-{key}",
                bucket=bucket.source_bucket,
                role=role.arn,
                rules=[
                    {
                        "id": RULE_ID,
                        "status": "Enabled",
                        "priority": 1,
                        "filter": {"prefix": ""},
                        "delete_marker_replication": {"status": "Enabled"},
                        "source_selection_criteria": {
                            "sse_kms_encrypted_objects": {"status": "Enabled"}
                        },
                        "destination": destination,
                    }
                ],
                opts=child_opts(self, depends_on=list(bucket.depends_on)),
            )
        self.register_outputs({"roleArn": self.role_arn})


def _policy(pairs: list[list[str | None]]) -> str:
    statements: list[dict[str, Any]] = []
    for source, source_key, destination, destination_key in pairs:
        statements += [
            {"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
             "Resource": source},
            {"Effect": "Allow",
             "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionTagging"],
             "Resource": f"{source}/*"},
            {"Effect": "Allow",
             "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
             "Resource": f"{destination}/*"},
            {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
             "Resource": destination_key},
        ]  # fmt: skip
        if source_key:
            statements.append({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": source_key})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


@dataclass(frozen=True, kw_only=True)
class ReplicationAlarmsArgs:
    buckets: Mapping[str, tuple[pulumi.Input[str], pulumi.Input[str]]]
    """Role -> (source bucket name, replica bucket name)."""
    alarms: AlarmWiring
    """Topics of the destination region (an alarm notifies topics of its own region)."""
    tags: Mapping[str, str] = field(default_factory=dict)


class ReplicationAlarms(pulumi.ComponentResource):
    """Failed-replication alarms of `Replication`'s rules, in the destination region (the caller
    builds it with that region's provider)."""

    def __init__(
        self, name: str, args: ReplicationAlarmsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("storage", "ReplicationAlarms", cloud="aws"), name, None, opts)
        specs = replication_alarms(args.buckets, rule_id=RULE_ID)
        self.alarms = emit_alarms(self, name, "storage", specs, args.alarms, args.tags)
        self.register_outputs({})
