"""What the Alibaba Cloud data layer asks of its components, built from config; imported by the
preflight without the SDKs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from components.network.cidr_plan import SubnetPlan
from components.postgres.alicloud_polardb_spec import PolarDbArgs
from components.postgres.alicloud_spec import CrossRegionBackupArgs, PostgresHaArgs, SqlLogDays
from components.redis.alicloud_spec import RedisHaArgs
from infra.config import AlicloudStackConfig
from infra.layers.alicloud import NOT_BUILT
from infra.sections.base import component_default

if TYPE_CHECKING:
    import pulumi

    from components.network.alicloud import Vpc


@dataclass(frozen=True)
class DataSwitches:
    """What the data tier takes from the network."""

    vpc_id: pulumi.Input[str]
    switch_ids: Mapping[str, pulumi.Input[str]]
    """The data vSwitch of each zone."""
    zones: list[str]
    clients: dict[str, str]
    """Whitelist: the private vSwitches' CIDRs, keyed `private-<zone>`."""

    @classmethod
    def of(cls, vpc: Vpc) -> DataSwitches:
        return cls(vpc.vpc_id, vpc.switch_ids("data"), list(vpc.zones), clients_for(vpc.plan))


def clients_for(plan: SubnetPlan) -> dict[str, str]:
    return {f"private-{s.zone}": s.cidr for s in plan.tier("private")}


def ports(cfg: AlicloudStackConfig) -> dict[str, tuple[int, int]]:
    """The first and last port of each data service the stack builds (what services may
    `use`), known before anything is built (for the preflight)."""
    wanted = {
        "postgres": (cfg.postgres.enabled, component_default(PostgresHaArgs, "port")),
        "redis": (cfg.redis.enabled, component_default(RedisHaArgs, "port")),
    }
    return {use: (port, port) for use, (enabled, port) in wanted.items() if enabled}


def not_built(cfg: AlicloudStackConfig) -> Iterator[tuple[str, str]]:
    """(stack-file key, message) for each enabled data service this layer cannot build yet."""
    if cfg.backup.enabled:
        yield "backup.enabled", NOT_BUILT


def postgres_args(cfg: AlicloudStackConfig, switches: DataSwitches) -> PostgresHaArgs:
    pg = cfg.postgres
    return PostgresHaArgs(
        vpc_id=switches.vpc_id,
        vswitch_ids=switches.switch_ids,
        zones=switches.zones,
        client_cidrs=switches.clients,
        category="HighAvailability" if pg.multi_az else "Basic",
        engine_version=pg.engine_version,
        instance_class=pg.instance_class,
        storage_gib=pg.storage_gib,
        max_storage_gib=pg.max_storage_gib,
        readers=pg.readers,
        reader_class=pg.reader_class,
        database_name=pg.database_name,
        master_username=pg.master_username,
        backup_retention_days=pg.backup_retention_days,
        backup_window=pg.backup_window,
        maintenance_window=pg.maintenance_window,
        sql_log_retention_days=cast(SqlLogDays, pg.sql_log_retention_days),
        cross_region_backup=(
            CrossRegionBackupArgs(region=cfg.dr.region, retention_days=pg.backup_retention_days)
            if cfg.dr.enabled and cfg.dr.region and cfg.dr.backup_copies
            else None
        ),
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def polardb_args(cfg: AlicloudStackConfig, switches: DataSwitches) -> PolarDbArgs:
    pg, polar, dr = cfg.postgres, cfg.postgres.polardb, cfg.dr
    assert polar is not None
    return PolarDbArgs(
        vpc_id=switches.vpc_id,
        vswitch_ids=switches.switch_ids,
        zones=switches.zones,
        client_cidrs=switches.clients,
        engine_version=pg.polardb_version,
        node_class=polar.node_class,
        nodes=1 + pg.readers,
        database_name=pg.database_name,
        master_username=pg.master_username,
        backup_retention_days=pg.backup_retention_days,
        backup_window=pg.backup_window,
        maintenance_window=pg.maintenance_window,
        cross_region_backup=(
            # Level-2 backups are kept 30 days at least.
            CrossRegionBackupArgs(
                region=dr.region, retention_days=max(30, pg.backup_retention_days)
            )
            if dr.enabled and dr.region and dr.backup_copies
            else None
        ),
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def redis_args(cfg: AlicloudStackConfig, switches: DataSwitches) -> RedisHaArgs:
    r = cfg.redis
    return RedisHaArgs(
        vswitch_ids=switches.switch_ids,
        zones=switches.zones,
        client_cidrs=switches.clients,
        multi_az=r.multi_az,
        engine_version=r.engine_version,
        instance_class=r.node_type,
        backup_window=r.backup_window,
        maintenance_start=r.maintenance_start,
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )
