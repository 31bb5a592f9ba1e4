"""Data layer (Alibaba Cloud): PostgreSQL (ApsaraDB RDS, HA with a standby zone) and Redis (KVStore,
master-replica over two zones) in the isolated data vSwitches, each whitelisting the private
vSwitches' CIDRs (where the nodes and the pods' Terway ENIs live), never 0.0.0.0/0."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pulumi

from components.monitoring.alicloud import AlarmWiring
from components.postgres.alicloud import PostgresHa
from components.postgres.alicloud_polardb import PolarDbPostgres
from components.redis.alicloud import RedisHa
from infra.config import AlicloudStackConfig
from infra.layers.alicloud.data_args import DataSwitches, polardb_args, postgres_args, redis_args
from infra.layers.alicloud.kubernetes import KubernetesHandles
from infra.layers.alicloud.network import NetworkHandles
from infra.providers import Providers

if TYPE_CHECKING:
    from infra.layers.alicloud.keys import KeyHandles


@dataclass(frozen=True)
class DataHandles:
    postgres: PostgresHa | PolarDbPostgres | None = None
    cache: RedisHa | None = None

    @property
    def ports(self) -> dict[str, tuple[int, int]]:
        """The port range of each data service built, by the name services `use` it with."""
        built = {"postgres": self.postgres, "redis": self.cache}
        return {
            use: (service.port, service.port)
            for use, service in built.items()
            if service is not None
        }

    @property
    def exports(self) -> dict[str, Any]:
        """Endpoints, never a credential (the generated passwords are secret component outputs)."""
        out: dict[str, Any] = {}
        if (db := self.postgres) is not None:
            out |= {"postgresWriterEndpoint": db.writer_endpoint,
                    "postgresReaderEndpoints": db.reader_endpoints, "postgresPort": db.port}  # fmt: skip
        if (cache := self.cache) is not None:
            out |= {"cacheEndpoint": cache.endpoint, "cachePort": cache.port}
        return out


def layer(
    cfg: AlicloudStackConfig,
    providers: Providers,
    network: NetworkHandles,
    kubernetes: KubernetesHandles | None,
    keys: KeyHandles,
    *,
    alarms: AlarmWiring | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> DataHandles:
    in_primary, switches = providers.in_primary(opts), DataSwitches.of(network.vpc)
    postgres: PostgresHa | PolarDbPostgres | None = None
    cache = None
    if cfg.postgres.enabled and cfg.postgres.polardb is not None:
        postgres = PolarDbPostgres(f"{cfg.prefix}-postgres",
                                   replace(polardb_args(cfg, switches), alarms=alarms,
                                           **keys.key_args),
                                   opts=in_primary)  # fmt: skip
    elif cfg.postgres.enabled:
        args = replace(postgres_args(cfg, switches), alarms=alarms, **keys.key_args)
        postgres = PostgresHa(f"{cfg.prefix}-postgres", args, opts=in_primary)
    if cfg.redis.enabled:
        cache = RedisHa(f"{cfg.prefix}-cache",
                        replace(redis_args(cfg, switches), alarms=alarms,
                                **keys.key_args),
                        opts=in_primary)  # fmt: skip
    return DataHandles(postgres=postgres, cache=cache)
