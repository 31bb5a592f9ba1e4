"""`groundwork:aws/monitoring:LogSearch`: an OpenSearch domain to search the logs in (the ELK
stack's managed equivalent), for a stack that asks for it (`logs.search`).

Secure by default: encrypted at rest with its own rotated KMS key, node-to-node encryption,
HTTPS only with TLS 1.2+ (`Policy-Min-TLS-1-2-PFS-2023-10`), in the VPC's isolated data subnets
(no public endpoint) behind a security group that admits HTTPS from the private subnets only,
fine-grained access control with an IAM role as master user (no internal users, no anonymous
access), zone awareness over `zones` zones, its audit and error logs in a log group of class
`audit`. Fluent Bit ships the container logs here too when given the domain.
"""

from __future__ import annotations

import pulumi
from pulumi_aws import cloudwatch, ec2, kms, opensearch

from components._base import (
    child_opts,
    log_class_tag,
    merged_tags,
    type_token,
)
from components.aws.identity import aws_context
from components.aws.policy_docs import kms_key_policy, logs_service_statement, policy_document
from components.monitoring.aws_search_spec import LogSearchArgs, validate

TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10"
LOG_TYPES = ("AUDIT_LOGS", "ES_APPLICATION_LOGS")
"""Who did what (fine-grained access control's audit log) and the engine's errors."""


class LogSearch(pulumi.ComponentResource):
    endpoint: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: LogSearchArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("monitoring", "LogSearch", cloud="aws"), name, None, opts)
        validate(args)
        protect = args.protect_stateful
        ctx = aws_context(self)
        key = kms.Key(
            f"{name}-key",
            description=f"Encrypts the search domain {args.domain_name} and its logs",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=kms_key_policy(ctx, [logs_service_statement()]),
            tags=merged_tags(args.tags, f"{name}-key"),
            opts=child_opts(self, protect=protect),
        )
        group = cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/opensearch/{args.domain_name}",
            retention_in_days=args.log_retention_days,
            kms_key_id=key.arn,
            deletion_protection_enabled=protect,
            tags=merged_tags(args.tags, f"{name}-logs", **log_class_tag("audit")),
            opts=child_opts(self, protect=protect),
        )
        publish = cloudwatch.LogResourcePolicy(
            f"{name}-log-policy",
            policy_name=f"{args.domain_name}-opensearch-logs",
            policy_document=pulumi.Output.all(group.arn, ctx.account_id).apply(
                lambda a: policy_document(
                    [
                        {
                            "Sid": "OpenSearchPublishesItsLogs",
                            "Effect": "Allow",
                            "Principal": {"Service": "es.amazonaws.com"},
                            "Action": ["logs:PutLogEvents", "logs:CreateLogStream"],
                            "Resource": f"{a[0]}:*",
                            "Condition": {"StringEquals": {"aws:SourceAccount": a[1]}},
                        }
                    ]
                )
            ),
            opts=child_opts(self),
        )
        group_sg = ec2.SecurityGroup(
            f"{name}-sg",
            description=f"HTTPS to the search domain {args.domain_name} from the private subnets",
            vpc_id=args.vpc_id,
            ingress=[
                ec2.SecurityGroupIngressArgs(
                    description=f"HTTPS from {client}",
                    protocol="tcp",
                    from_port=443,
                    to_port=443,
                    cidr_blocks=[cidr],
                )
                for client, cidr in sorted(args.client_cidrs.items())
            ],
            egress=[],  # a domain initiates nothing
            tags=merged_tags(args.tags, f"{name}-sg"),
            opts=child_opts(self),
        )
        zones = sorted(args.subnet_ids)[: args.zones]
        domain = opensearch.Domain(
            f"{name}-domain",
            domain_name=args.domain_name,
            engine_version=args.engine_version,
            cluster_config=opensearch.DomainClusterConfigArgs(
                instance_type=args.instance_type,
                instance_count=args.instance_count,
                dedicated_master_enabled=args.dedicated_masters > 0,
                dedicated_master_count=args.dedicated_masters or None,
                dedicated_master_type=args.dedicated_master_type
                if args.dedicated_masters
                else None,
                zone_awareness_enabled=args.zones > 1,
                zone_awareness_config=opensearch.DomainClusterConfigZoneAwarenessConfigArgs(
                    availability_zone_count=args.zones
                )
                if args.zones > 1
                else None,
            ),
            ebs_options=opensearch.DomainEbsOptionsArgs(
                ebs_enabled=True, volume_type="gp3", volume_size=args.volume_gib
            ),
            encrypt_at_rest=opensearch.DomainEncryptAtRestArgs(enabled=True, kms_key_id=key.arn),
            node_to_node_encryption=opensearch.DomainNodeToNodeEncryptionArgs(enabled=True),
            domain_endpoint_options=opensearch.DomainDomainEndpointOptionsArgs(
                enforce_https=True, tls_security_policy=TLS_POLICY
            ),
            vpc_options=opensearch.DomainVpcOptionsArgs(
                subnet_ids=[args.subnet_ids[z] for z in zones], security_group_ids=[group_sg.id]
            ),
            advanced_security_options=opensearch.DomainAdvancedSecurityOptionsArgs(
                enabled=True,
                anonymous_auth_enabled=False,
                internal_user_database_enabled=False,
                master_user_options=opensearch.DomainAdvancedSecurityOptionsMasterUserOptionsArgs(
                    master_user_arn=args.master_role_arn
                ),
            ),
            # IAM decides who may send requests at all (this account's principals whose own
            # policies allow es:ESHttp*); fine-grained access control decides what each may do.
            access_policies=pulumi.Output.all(ctx.partition, ctx.region, ctx.account_id).apply(
                lambda a: policy_document(
                    [
                        {
                            "Sid": "ThisAccountThroughIam",
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:{a[0]}:iam::{a[2]}:root"},
                            "Action": "es:ESHttp*",
                            "Resource": f"arn:{a[0]}:es:{a[1]}:{a[2]}:domain/{args.domain_name}/*",
                        }
                    ]
                )
            ),
            log_publishing_options=[
                opensearch.DomainLogPublishingOptionArgs(
                    log_type=kind, cloudwatch_log_group_arn=group.arn, enabled=True
                )
                for kind in LOG_TYPES
            ],
            software_update_options=opensearch.DomainSoftwareUpdateOptionsArgs(
                auto_software_update_enabled=True
            ),
            tags=merged_tags(args.tags, f"{name}-domain"),
            opts=child_opts(self, protect=protect, depends_on=[publish]),
        )
        self.endpoint = domain.endpoint
        self.arn = domain.arn
        self.register_outputs({"endpoint": self.endpoint, "arn": self.arn})
