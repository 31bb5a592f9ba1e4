"""`groundwork:aws/redis:RedisServerless`: Valkey / Redis OSS on ElastiCache Serverless.

The cheaper choice for small or spiky caches: no nodes to size, data replicated across zones by
the service (so it fails over without a replica to pay for), billed per GB stored and per ECPU.
It keeps the node-based component's defaults: encryption at rest with a customer-managed key,
TLS (always on for serverless), a security group admitting only the declared clients, daily
snapshots with retention. Authentication is role-based: ElastiCache Serverless has no AUTH token,
so a user group holds a disabled `default` user and one application user with a generated
password, kept secret and stored in Secrets Manager with the endpoints.

The usage limits cap the bill (`max_data_storage_gb`, `max_ecpu_per_second`): beyond them the
cache evicts or throttles instead of growing, and the alarms say so before it happens.
"""

from __future__ import annotations

import pulumi
from pulumi_aws import elasticache

from components._base import child_opts, merged_tags, type_token
from components.aws.data_tier import (
    cache_password,
    client_security_group,
    connection_secret,
    data_key,
)
from components.aws.identity import aws_context
from components.monitoring.aws import emit_alarms
from components.redis.aws import AUTH_TOKEN_SPECIALS
from components.redis.aws_alarms import serverless_alarms
from components.redis.aws_serverless_spec import PORT, READER_PORT, RedisServerlessArgs, validate

APP_ACCESS = "on ~* &* +@all -@dangerous"
"""The application user's ACL: every key and channel, no administrative commands."""


class RedisServerless(pulumi.ComponentResource):
    """An encrypted, TLS-only, password-protected ElastiCache Serverless cache."""

    primary_endpoint: pulumi.Output[str]
    reader_endpoint: pulumi.Output[str]
    """Reader endpoint (port `READER_PORT`): reads served by any zone's replica."""
    port: int
    reader_port: int
    auth_secret_arn: pulumi.Output[str]
    """Secrets Manager secret with `username`, `password`, `host`, `readerHost`, ports (JSON)."""
    security_group_id: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str]
    identifier: str

    def __init__(
        self, name: str, args: RedisServerlessArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("redis", "RedisServerless", cloud="aws"), name, None, opts)
        validate(args)
        self._args = args
        self.identifier = args.name or name
        self.port, self.reader_port = PORT, READER_PORT
        protect = args.protect_stateful

        if args.kms_key_arn is None:
            key = data_key(
                self, name, ctx=aws_context(self), description=f"Encrypts the cache {name}",
                tags=args.tags, protect=protect,
            )  # fmt: skip
            self.kms_key_arn = key.arn
        else:
            self.kms_key_arn = pulumi.Output.from_input(args.kms_key_arn)
        sg = client_security_group(
            self, name, vpc_id=args.vpc_id, port=PORT, to_port=READER_PORT,
            service=args.engine.capitalize(), client_security_groups=args.client_security_groups,
            client_cidrs=args.client_cidrs, tags=args.tags,
        )  # fmt: skip
        self.security_group_id = sg.id

        username = "app"
        password = self._password(f"{name}-app-password", protect)
        users = self._users(name, username, password, protect)
        group = elasticache.UserGroup(
            f"{name}-users",
            user_group_id=f"{self.identifier}-users",
            engine=args.engine,
            user_ids=[u.user_id for u in users],
            tags=self._tags(f"{name}-users"),
            opts=child_opts(self),
        )
        self.cache = elasticache.ServerlessCache(
            f"{name}-cache",
            name=self.identifier,
            description=f"{args.engine} serverless for {name}",
            engine=args.engine,
            major_engine_version=args.major_engine_version,
            cache_usage_limits=self._limits(),
            subnet_ids=list(args.subnet_ids),
            security_group_ids=[sg.id],
            kms_key_id=self.kms_key_arn,
            user_group_id=group.user_group_id,
            snapshot_retention_limit=args.snapshot_retention_days,
            daily_snapshot_time=args.daily_snapshot_time,
            tags=self._tags(f"{name}-cache"),
            opts=child_opts(self, protect=protect),
        )
        self.primary_endpoint = self.cache.endpoints.apply(lambda e: e[0].address)
        self.reader_endpoint = self.cache.reader_endpoints.apply(lambda e: e[0].address)

        secret = connection_secret(
            self, f"{name}-auth", description=f"User, password and endpoints of the cache {name}",
            connection={"username": username, "password": password,
                        "host": self.primary_endpoint, "port": PORT,
                        "readerHost": self.reader_endpoint, "readerPort": READER_PORT,
                        "tls": True},
            key_arn=self.kms_key_arn, tags=args.tags, protect=protect,
        )  # fmt: skip
        self.auth_secret_arn = secret.arn
        self.alarms = emit_alarms(
            self, name, "redis",
            serverless_alarms(self.cache.name, max_data_storage_gb=args.max_data_storage_gb,
                              max_ecpu_per_second=args.max_ecpu_per_second),
            args.alarms, args.tags,
        )  # fmt: skip
        self.register_outputs(
            {
                "primaryEndpoint": self.primary_endpoint,
                "readerEndpoint": self.reader_endpoint,
                "port": self.port,
                "readerPort": self.reader_port,
                "authSecretArn": self.auth_secret_arn,
                "securityGroupId": self.security_group_id,
                "kmsKeyArn": self.kms_key_arn,
            }
        )

    def _tags(self, name: str) -> dict[str, str]:
        return merged_tags(self._args.tags, name)

    def _password(self, name: str, protect: bool) -> pulumi.Output[str]:
        return cache_password(
            self, name, length=self._args.password_length, specials=AUTH_TOKEN_SPECIALS,
            protect=protect,
        )  # fmt: skip

    def _users(
        self, name: str, username: str, password: pulumi.Output[str], protect: bool
    ) -> list[elasticache.User]:
        """A user group must contain a user named `default`; it is switched off (`off`, no
        commands) with a password nobody keeps, so only the application user can connect."""
        args = self._args
        default_password = self._password(f"{name}-default-password", protect)
        specs = [
            ("default", "default", "off ~* -@all", default_password),
            ("app", username, APP_ACCESS, password),
        ]
        return [
            elasticache.User(
                f"{name}-{key}-user",
                user_id=f"{self.identifier}-{key}",
                user_name=user_name,
                engine=args.engine,
                access_string=access,
                authentication_mode=elasticache.UserAuthenticationModeArgs(
                    type="password", passwords=[secret]
                ),
                tags=self._tags(f"{name}-{key}-user"),
                opts=pulumi.ResourceOptions.merge(
                    child_opts(self, protect=protect),
                    pulumi.ResourceOptions(
                        additional_secret_outputs=["passwords", "authenticationMode"]
                    ),
                ),
            )
            for key, user_name, access, secret in specs
        ]

    def _limits(self) -> elasticache.ServerlessCacheCacheUsageLimitsArgs:
        args = self._args
        return elasticache.ServerlessCacheCacheUsageLimitsArgs(
            data_storage=elasticache.ServerlessCacheCacheUsageLimitsDataStorageArgs(
                unit="GB", maximum=args.max_data_storage_gb, minimum=args.min_data_storage_gb
            ),
            ecpu_per_seconds=[
                elasticache.ServerlessCacheCacheUsageLimitsEcpuPerSecondArgs(
                    maximum=args.max_ecpu_per_second, minimum=args.min_ecpu_per_second
                )
            ],
        )
