"""`groundwork:aws/registry:Registry`: one private ECR repository per application.

Creates a customer-managed KMS key and, per application (keyed by name, never by position), an
`ecr.Repository` `<prefix>/<app>` with immutable tags (a tag always names the same bytes, so a
digest pinned in one environment is the image promoted to the next), scan on push and KMS
encryption, plus a lifecycle policy expiring untagged images (build leftovers) after N days.

With a replica region (the DR region), the registry's replication configuration copies every
push under `<prefix>/` there, and a repository creation template makes the replicas immutable,
KMS-encrypted with a key of that region and under the same lifecycle.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
from pulumi_aws import ecr, iam, kms

from components._base import child_opts, merged_tags, type_token
from components.aws.identity import AwsContext, aws_context
from components.aws.policy_docs import kms_key_policy, policy_document
from components.registry.aws_spec import RegistryArgs, validate_registry

PULL_ACTIONS = (
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchCheckLayerAvailability",
)
"""What pulling an image takes, per repository (plus ecr:GetAuthorizationToken, account-wide)."""


def lifecycle_policy(untagged_expiry_days: int) -> str:
    return json.dumps({"rules": [{
        "rulePriority": 1,
        "description": f"expire untagged images {untagged_expiry_days} days after push",
        "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                      "countUnit": "days", "countNumber": untagged_expiry_days},
        "action": {"type": "expire"},
    }]})  # fmt: skip


def repository_name(prefix: str, application: str) -> str:
    return f"{prefix}/{application}"


class Registry(pulumi.ComponentResource):
    repositories: dict[str, ecr.Repository]
    """By application name."""
    repository_arns: dict[str, pulumi.Output[str]]
    repository_urls: dict[str, pulumi.Output[str]]
    kms_key_arn: pulumi.Output[str] | None
    """None with ECR's AWS-managed key."""

    def __init__(
        self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("registry", "Registry", cloud="aws"), name, None, opts)
        validate_registry(args)
        protect = args.protect_stateful
        ctx = aws_context(self)

        key = (
            self._key(f"{name}-key", f"{name}: container images at rest", ctx, args)
            if args.customer_managed_key
            else None
        )
        self.kms_key_arn = key.arn if key is not None else None
        encryption: dict[str, Any] = {"encryption_type": "KMS"}
        if key is not None:
            encryption["kms_key"] = key.arn
        policy = lifecycle_policy(args.untagged_expiry_days)
        self.repositories = {}
        for app in args.applications:
            repo = ecr.Repository(
                f"{name}-{app}",
                name=repository_name(args.prefix, app),
                image_tag_mutability="IMMUTABLE",
                image_scanning_configuration={"scan_on_push": True},
                encryption_configurations=[encryption],
                force_delete=False,  # never drop images with the repository
                tags=merged_tags(args.tags, repository_name(args.prefix, app)),
                opts=child_opts(self, protect=protect),
            )
            ecr.LifecyclePolicy(
                f"{name}-{app}-lifecycle",
                repository=repo.name,
                policy=policy,
                opts=child_opts(self),
            )
            self.repositories[app] = repo
        self.repository_arns = {app: r.arn for app, r in self.repositories.items()}
        self.repository_urls = {app: r.repository_url for app, r in self.repositories.items()}
        if args.replica_region is not None:
            self._replicate(name, args, ctx, policy)
        self.register_outputs(
            {"repositoryUrls": self.repository_urls, "kmsKeyArn": self.kms_key_arn}
        )

    def _key(
        self,
        name: str,
        description: str,
        ctx: AwsContext,
        args: RegistryArgs,
        extra: pulumi.ResourceOptions | None = None,
    ) -> kms.Key:
        opts = child_opts(self, protect=args.protect_stateful)
        return kms.Key(
            name,
            description=description,
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=kms_key_policy(ctx, []),
            tags=merged_tags(args.tags, name),
            opts=pulumi.ResourceOptions.merge(opts, extra) if extra else opts,
        )

    def _replicate(self, name: str, args: RegistryArgs, ctx: AwsContext, policy: str) -> None:
        """Every push under `<prefix>/` is copied to the replica region, where a creation
        template gives the replica repositories the same guarantees."""
        region = args.replica_region
        in_replica = pulumi.ResourceOptions(provider=args.replica_provider)
        account = ctx.account_id
        key = self._key(
            f"{name}-replica-key",
            f"{name}: replicated container images at rest ({region})",
            ctx,  # account and partition only: the key policy is region-neutral
            args,
            in_replica,
        )
        # ECR assumes this role to create the replica repositories with the template's KMS key.
        role = iam.Role(
            f"{name}-replica-template-role",
            assume_role_policy=account.apply(
                lambda a: policy_document(
                    [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ecr.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"aws:SourceAccount": a}},
                        }
                    ]
                )
            ),
            tags=merged_tags(args.tags, f"{name}-replica-template-role"),
            opts=child_opts(self),
        )
        repositories = pulumi.Output.all(account, ctx.partition, key.arn).apply(
            lambda v: policy_document([
                {"Sid": "CreateReplicaRepositories", "Effect": "Allow",
                 "Action": ["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:TagResource"],
                 "Resource": f"arn:{v[1]}:ecr:{region}:{v[0]}:repository/{args.prefix}/*"},
                {"Sid": "EncryptWithTheReplicaKey", "Effect": "Allow",
                 "Action": ["kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey"],
                 "Resource": v[2]},
            ])
        )  # fmt: skip
        iam.RolePolicy(
            f"{name}-replica-template-policy", role=role.id, policy=repositories,
            opts=child_opts(self),
        )  # fmt: skip
        ecr.RepositoryCreationTemplate(
            f"{name}-replica-template",
            prefix=f"{args.prefix}/",
            applied_fors=["REPLICATION"],
            description=f"Replicas of {args.prefix}/ images: immutable, KMS, same lifecycle",
            image_tag_mutability="IMMUTABLE",
            encryption_configurations=[{"encryption_type": "KMS", "kms_key": key.arn}],
            lifecycle_policy=policy,
            custom_role_arn=role.arn,
            resource_tags=merged_tags(args.tags, f"{args.prefix}-replica"),
            opts=pulumi.ResourceOptions.merge(child_opts(self), in_replica),
        )
        ecr.ReplicationConfiguration(
            f"{name}-replication",
            replication_configuration={"rules": [{
                "destinations": [{"region": region, "registry_id": account}],
                "repository_filters": [{"filter": f"{args.prefix}/", "filter_type": "PREFIX_MATCH"}],
            }]},
            opts=child_opts(self),
        )  # fmt: skip
