"""`groundwork:aws/storage:Bucket`: a private, encrypted, versioned S3 bucket with its side resources.

pulumi-aws v7 `s3.Bucket` (the former BucketV2) carries only name and tags; every protection is a
separate resource, and this component always creates them:
- a public access block with all four flags on (not an option);
- object ownership `BucketOwnerEnforced`, so ACLs are disabled (not an option);
- default encryption: SSE-KMS with a customer-managed key (rotation on) and the S3 bucket key, or
  SSE-S3 where S3 requires it (server-access-log targets); SSE-C uploads blocked;
- versioning;
- ONE bucket policy: a deny of non-TLS requests, merged with the statements the caller adds
  (e.g. the CDN's Origin Access Control read grant) and, for a log bucket, the log-delivery grants;
- lifecycle rules: abort incomplete multipart uploads, expire noncurrent versions, optional
  transitions to cheaper classes and expiry of current objects;
- server access logging to a log bucket, with date-partitioned keys.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_aws import kms, s3

from components._base import child_opts, merged_tags, type_token
from components.aws import s3_policies
from components.aws.identity import aws_context
from components.storage.aws_spec import BucketArgs, validate


class Bucket(pulumi.ComponentResource):
    """A private S3 bucket with every protection applied."""

    bucket_name: pulumi.Output[str]
    arn: pulumi.Output[str]
    regional_domain_name: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str] | None
    """The key encrypting the bucket (None with SSE-S3)."""

    def __init__(
        self, name: str, args: BucketArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("storage", "Bucket", cloud="aws"), name, None, opts)
        validate(args)
        self._name, self._args = name, args
        protect = args.protect_stateful

        self.bucket = s3.Bucket(
            f"{name}-bucket",
            bucket=args.bucket_name,
            object_lock_enabled=True if args.object_lock else None,
            force_destroy=args.force_destroy,
            tags=merged_tags(args.tags, f"{name}-bucket"),
            opts=child_opts(self, protect=protect),
        )
        self.bucket_name = self.bucket.bucket
        self.arn = self.bucket.arn
        self.regional_domain_name = self.bucket.bucket_regional_domain_name

        self.public_access_block = s3.BucketPublicAccessBlock(
            f"{name}-public-access-block",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child_opts(self),
        )
        self.ownership = s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=self.bucket.id,
            rule={"object_ownership": "BucketOwnerEnforced"},  # ACLs disabled
            opts=child_opts(self),
        )
        self.kms_key_arn = self._encryption()
        if args.versioning:
            s3.BucketVersioning(
                f"{name}-versioning",
                bucket=self.bucket.id,
                versioning_configuration={"status": "Enabled"},
                opts=child_opts(self),
            )
        if args.object_lock is not None:
            s3.BucketObjectLockConfiguration(
                f"{name}-object-lock",
                bucket=self.bucket.id,
                object_lock_enabled="Enabled",
                rule={"default_retention": {"mode": args.object_lock.mode,
                                            "days": args.object_lock.days}},
                opts=child_opts(self),
            )  # fmt: skip
        self._policy()
        self._lifecycle()
        if args.access_logs is not None:
            s3.BucketLogging(
                f"{name}-access-logging",
                bucket=self.bucket.id,
                target_bucket=args.access_logs.target_bucket,
                target_prefix=args.access_logs.prefix,
                target_object_key_format={"partitioned_prefix": {"partition_date_source": "EventTime"}},
                opts=child_opts(self),
            )  # fmt: skip

        self.register_outputs(
            {
                "bucketName": self.bucket_name,
                "arn": self.arn,
                "regionalDomainName": self.regional_domain_name,
                "kmsKeyArn": self.kms_key_arn,
            }
        )

    def _encryption(self) -> pulumi.Output[str] | None:
        args, name = self._args, self._name
        key_arn: pulumi.Output[str] | None = None
        default: dict[str, Any] = {"sse_algorithm": args.encryption}
        if args.encryption == "aws:kms":
            if args.kms_key_arn is not None:
                key_arn = pulumi.Output.from_input(args.kms_key_arn)
            else:
                ctx = aws_context(self)
                key = kms.Key(
                    f"{name}-key",
                    description=f"Encrypts objects of bucket {name}",
                    enable_key_rotation=True,
                    deletion_window_in_days=30,
                    policy=pulumi.Output.all(
                        ctx.account_id,
                        ctx.partition,
                        pulumi.Output.from_input(args.key_policy_statements),
                    ).apply(lambda a: s3_policies.key_policy(a[0], a[1], a[2])),
                    tags=merged_tags(args.tags, f"{name}-key"),
                    opts=child_opts(self, protect=args.protect_stateful),
                )
                key_arn = key.arn
            default["kms_master_key_id"] = key_arn
        s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=self.bucket.id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": default,
                    # The S3 bucket key cuts KMS requests (and their cost) by ~99%.
                    "bucket_key_enabled": args.encryption == "aws:kms",
                    "blocked_encryption_types": ["SSE-C"],
                }
            ],
            opts=child_opts(self),
        )
        return key_arn

    def _policy(self) -> None:
        args = self._args
        log_grants: pulumi.Output[list[dict[str, Any]]] = pulumi.Output.from_input([])
        if args.log_target is not None:
            target = args.log_target
            ctx = aws_context(self)
            log_grants = pulumi.Output.all(self.bucket.arn, ctx.account_id, ctx.partition).apply(
                lambda a: [
                    s3_policies.server_access_log_delivery(a[0], target.server_access_log_prefix, a[1]),
                    *[s3_policies.vended_log_delivery(a[0], a[1], a[2], region)
                      for region in target.vended_log_source_regions],
                ]
            )  # fmt: skip
        self.policy = s3.BucketPolicy(
            f"{self._name}-policy",
            bucket=self.bucket.id,
            policy=pulumi.Output.all(
                self.bucket.arn, log_grants, pulumi.Output.from_input(args.policy_statements)
            ).apply(lambda a: s3_policies.bucket_policy(a[0], [*a[1], *a[2]])),
            # S3 rejects concurrent configuration changes of one bucket; the access block also
            # guarantees the policy can never be made public.
            opts=child_opts(self, depends_on=[self.public_access_block, self.ownership]),
        )

    def _lifecycle(self) -> None:
        life, name = self._args.lifecycle, self._name
        rule: dict[str, Any] = {
            "id": "default",
            "status": "Enabled",
            "filter": {"prefix": ""},
            "abort_incomplete_multipart_upload": {
                "days_after_initiation": life.abort_incomplete_multipart_upload_days
            },
        }
        if self._args.versioning:
            rule["noncurrent_version_expiration"] = {
                "noncurrent_days": life.noncurrent_version_expiration_days
            }
        if life.transitions:
            rule["transitions"] = [
                {"days": t.days, "storage_class": t.storage_class} for t in life.transitions
            ]
        if life.expiration_days is not None:
            rule["expiration"] = {"days": life.expiration_days}
        s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle", bucket=self.bucket.id, rules=[rule], opts=child_opts(self)
        )
