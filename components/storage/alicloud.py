"""`groundwork:alicloud/storage:Bucket`: a private, encrypted, versioned OSS bucket.

The same interface as the S3 bucket (components/storage/spec.py: lifecycle, replication), with
every protection as its own resource, always created:
- a private ACL (`oss.BucketAcl`) and the bucket's public access block on;
- SSE-KMS with a customer-managed key (rotation on), or the caller's key
  (`oss.BucketServerSideEncryption`);
- versioning (`oss.BucketVersioning`);
- ONE bucket policy: a deny of every request not made over TLS (`acs:SecureTransport`), merged
  with the statements the caller adds (never an anonymous allow);
- one lifecycle rule: abort incomplete multipart uploads, expire noncurrent versions, optional
  transitions to colder classes and expiry of current objects;
- access logging to the log bucket (`oss.BucketLogging`);
- zone-redundant storage (ZRS) by default;
- optional cross-region replication (`oss.BucketReplication`) of every object, KMS-encrypted ones
  included, re-encrypted with the destination's key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi_alicloud import oss

from components._base import child_opts, merged_tags, type_token
from components.alicloud.data_tier import data_key
from components.storage.alicloud_spec import BucketArgs, validate
from components.storage.spec import LifecycleArgs, ReplicationArgs


def tls_only_policy(bucket: str, extra: Sequence[Mapping[str, Any]] = ()) -> str:
    """The bucket policy: deny anything not over TLS, then the caller's statements."""
    deny = {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": ["*"],
        "Action": ["oss:*"],
        "Resource": [f"acs:oss:*:*:{bucket}", f"acs:oss:*:*:{bucket}/*"],
        "Condition": {"Bool": {"acs:SecureTransport": ["false"]}},
    }
    return json.dumps({"Version": "1", "Statement": [deny, *extra]}, sort_keys=True)


class Bucket(pulumi.ComponentResource):
    """A private OSS bucket with every protection applied."""

    bucket_name: pulumi.Output[str]
    extranet_endpoint: pulumi.Output[str]
    """`oss-<region>.aliyuncs.com`; the bucket's domain is `<name>.<endpoint>`."""
    kms_key_id: pulumi.Output[str] | None
    kms_key_arn: pulumi.Output[str] | None
    """ARN of the key this bucket created (None: the caller's key, or no KMS)."""

    def __init__(
        self, name: str, args: BucketArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("storage", "Bucket", cloud="alicloud"), name, None, opts)
        validate(args)
        protect = args.protect_stateful
        self.bucket = oss.Bucket(
            f"{name}-bucket",
            bucket=args.bucket_name,
            storage_class="Standard",
            redundancy_type=args.redundancy,
            lifecycle_rules=[_lifecycle_rule(args.lifecycle, args.versioning)],
            force_destroy=args.force_destroy,
            tags=merged_tags(args.tags, f"{name}-bucket"),
            opts=child_opts(self, protect=protect),
        )
        self.bucket_name = self.bucket.bucket
        self.extranet_endpoint = self.bucket.extranet_endpoint
        bucket_id = self.bucket.id

        oss.BucketAcl(f"{name}-acl", bucket=bucket_id, acl="private", opts=child_opts(self))
        block = oss.BucketPublicAccessBlock(
            f"{name}-public-access-block",
            bucket=bucket_id,
            block_public_access=True,
            opts=child_opts(self),
        )
        self.kms_key_id = self.kms_key_arn = None
        if args.encryption == "KMS":
            if args.kms_key_id is None:
                key = data_key(self, name, description=f"Encrypts objects of bucket {name}",
                               tags=args.tags, protect=protect,
                               instance_id=args.kms_instance_id)  # fmt: skip
                self.kms_key_id, self.kms_key_arn = key.id, key.arn
            else:
                self.kms_key_id = pulumi.Output.from_input(args.kms_key_id)
        oss.BucketServerSideEncryption(
            f"{name}-encryption",
            bucket=bucket_id,
            sse_algorithm=args.encryption,
            kms_master_key_id=self.kms_key_id,
            opts=child_opts(self),
        )
        versioning = None
        if args.versioning:
            versioning = oss.BucketVersioning(
                f"{name}-versioning", bucket=bucket_id, status="Enabled", opts=child_opts(self)
            )
        oss.BucketPolicy(
            f"{name}-policy",
            bucket=bucket_id,
            policy=self.bucket.bucket.apply(lambda b: tls_only_policy(b, args.policy_statements)),
            opts=child_opts(self, depends_on=[block]),  # the block keeps the policy private
        )
        if args.access_logs is not None:
            oss.BucketLogging(
                f"{name}-access-logging",
                bucket=bucket_id,
                target_bucket=args.access_logs.target_bucket,
                target_prefix=args.access_logs.prefix,
                opts=child_opts(self),
            )
        if args.replication is not None:
            self._replicate(name, args.replication, versioning)

        self.register_outputs(
            {
                "bucketName": self.bucket_name,
                "extranetEndpoint": self.extranet_endpoint,
                "kmsKeyId": self.kms_key_id,
            }
        )

    def _replicate(
        self, name: str, rep: ReplicationArgs, versioning: oss.BucketVersioning | None
    ) -> None:
        encrypted = rep.destination_kms_key is not None
        oss.BucketReplication(
            f"{name}-replication",
            bucket=self.bucket.id,
            action="ALL",
            historical_object_replication="enabled",
            destination={
                "bucket": rep.destination_bucket,
                "location": f"oss-{rep.destination_region}",
            },
            sync_role=rep.role,
            source_selection_criteria=(
                {"sse_kms_encrypted_objects": {"status": "Enabled"}} if encrypted else None
            ),
            encryption_configuration=(
                {"replica_kms_key_id": rep.destination_kms_key} if encrypted else None
            ),
            rtc={"enabled": True} if rep.replication_time_control else None,
            opts=child_opts(self, depends_on=[versioning] if versioning else None),
        )


def _lifecycle_rule(life: LifecycleArgs, versioning: bool) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": "default",
        "enabled": True,
        "prefix": "",
        "abort_multipart_uploads": [{"days": life.abort_incomplete_multipart_upload_days}],
    }
    if versioning:
        rule["noncurrent_version_expirations"] = [{"days": life.noncurrent_version_expiration_days}]
    if life.transitions:
        rule["transitions"] = [
            {"days": t.days, "storage_class": t.storage_class} for t in life.transitions
        ]
    if life.expiration_days is not None:
        rule["expirations"] = [{"days": life.expiration_days}]
    return rule
