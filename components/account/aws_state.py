"""`groundwork:aws/account:StateBackend`: where Pulumi keeps the platform's state and secrets keys.

- the state bucket (storage `Bucket`: private, SSE-KMS, versioned, TLS-only, access-logged), with
  a fixed name so the backend URL is known, and locked against deletion: the bucket and its key are
  `protect`ed, and its policy denies deleting the bucket or any object version to everyone, so
  removing it takes a deliberate policy change first;
- one KMS key per environment for Pulumi's `awskms://` secrets provider (alias
  `alias/<name>-<environment>`), so a stack's deploy role can decrypt only its own secrets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
from pulumi_aws import kms

from components._base import child_opts, merged_tags, require, type_token
from components.storage.aws import Bucket
from components.storage.aws_spec import AccessLogArgs, BucketArgs
from components.storage.spec import LifecycleArgs


@dataclass(frozen=True, kw_only=True)
class StateBackendArgs:
    bucket_name: str
    """Fixed name of the state bucket (`s3://<bucket_name>/<prefix>` is the backend URL)."""
    environments: Sequence[str]
    """One secrets key per environment."""
    access_logs: AccessLogArgs
    """Server access logging of the state bucket."""
    noncurrent_version_days: int = 365
    """Overwritten state versions are kept this long (the undo window of every update)."""
    tags: Mapping[str, str] = field(default_factory=dict)


class StateBackend(pulumi.ComponentResource):
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    state_key_arn: pulumi.Output[str]
    secrets_key_arns: dict[str, pulumi.Output[str]]
    secrets_key_aliases: dict[str, str]

    def __init__(
        self, name: str, args: StateBackendArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("account", "StateBackend", cloud="aws"), name, None, opts)
        require(bool(args.environments), "environments", "at least one environment")
        require(len(set(args.environments)) == len(args.environments), "environments",
                "each environment once")  # fmt: skip
        bucket_arn = f"arn:aws:s3:::{args.bucket_name}"
        self.bucket = Bucket(
            f"{name}-state",
            BucketArgs(
                bucket_name=args.bucket_name,
                access_logs=args.access_logs,
                lifecycle=LifecycleArgs(noncurrent_version_expiration_days=args.noncurrent_version_days),
                policy_statements=[
                    {
                        "Sid": "StateIsNeverDeleted",
                        "Effect": "Deny",
                        "Principal": "*",
                        # Lifecycle expiry of old versions is not subject to bucket policies.
                        "Action": ["s3:DeleteBucket", "s3:DeleteObjectVersion"],
                        "Resource": [bucket_arn, f"{bucket_arn}/*"],
                    }
                ],
                tags=args.tags,
                protect_stateful=True,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )  # fmt: skip
        assert self.bucket.kms_key_arn is not None  # SSE-KMS: the component created the key
        self.bucket_name = self.bucket.bucket_name
        self.bucket_arn = self.bucket.arn
        self.state_key_arn = self.bucket.kms_key_arn
        self.secrets_key_arns, self.secrets_key_aliases = {}, {}
        for env in args.environments:
            key = kms.Key(
                f"{name}-secrets-{env}",
                description=f"Pulumi secrets provider of the {env} stacks",
                enable_key_rotation=True,
                deletion_window_in_days=30,
                tags=merged_tags(args.tags, f"{name}-secrets-{env}", environment=env),
                opts=child_opts(self, protect=True),
            )
            alias = f"alias/{name}-{env}"
            kms.Alias(f"{name}-secrets-{env}", name=alias, target_key_id=key.key_id,
                      opts=child_opts(self))  # fmt: skip
            self.secrets_key_arns[env] = key.arn
            self.secrets_key_aliases[env] = alias
        self.register_outputs(
            {
                "bucketName": self.bucket_name,
                "bucketArn": self.bucket_arn,
                "stateKeyArn": self.state_key_arn,
                "secretsKeyArns": self.secrets_key_arns,
            }
        )
