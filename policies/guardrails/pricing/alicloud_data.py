"""Pricers for the Alibaba Cloud data types (ApsaraDB RDS for PostgreSQL, its read-only instances,
ApsaraDB for Redis / Tair): instance class hours plus cloud-disk storage, from alicloud.json, in
the currency of the region's price list. Merged into ALICLOUD_PRICERS (alicloud.py)."""

from __future__ import annotations

from collections.abc import Callable

from ..core import Subject, get, is_unknown
from ._catalogue import Priced, Pricer, Unpriced

DataPricer = Callable[[Pricer, Subject], Priced | None]


def _class_of(s: Subject, prop: str) -> str:
    value = get(s.props, prop)
    if not value or is_unknown(value):
        raise Unpriced(f"{prop} unknown")
    return str(value)


def _rds(p: Pricer, s: Subject) -> Priced:
    """An RDS instance (an HA pair is one class: the price covers primary and standby) or a
    read-only instance: class hours plus its ESSD storage."""
    itype = _class_of(s, "instanceType")
    kind = get(s.props, "dbInstanceStorageType") or "cloud_essd"
    if kind != "cloud_essd":
        raise Unpriced(f"RDS storage type {kind!r} not in the catalogue")
    gb = p.number(get(s.props, "instanceStorage"), 20)
    hours = p.price(f"rds:{itype}")
    return Priced(hours + gb * p.price("rdsEssdPl1"),
                  f"1 x {itype} pay-as-you-go + {gb:g} GB ESSD (backups beyond the free quota are usage)")  # fmt: skip


def _kvstore(p: Pricer, s: Subject) -> Priced:
    iclass = _class_of(s, "instanceClass")
    return Priced(p.price(f"kvstore:{iclass}"), f"1 x {iclass} pay-as-you-go (master + replica)")


def _polardb(p: Pricer, s: Subject) -> Priced:
    """A PolarDB cluster: its compute nodes, plus the node the hot standby storage cluster adds in
    the standby zone (billed apart); storage (PSL5, pay per GB used) is usage."""
    nclass = _class_of(s, "dbNodeClass")
    nodes = p.number(get(s.props, "dbNodeCount"), 2)
    standby = 1 if get(s.props, "hotStandbyCluster") == "ON" else 0
    count = nodes + standby
    return Priced(count * p.price(f"polardb:{nclass}"),
                  f"{count:g} x {nclass} pay-as-you-go ({nodes:g} nodes + {standby} hot-standby "
                  "node; storage per GB used is usage)")  # fmt: skip


ALICLOUD_DATA_PRICERS: dict[str, DataPricer] = {
    "alicloud:polardb/cluster:Cluster": _polardb,
    "alicloud:rds/instance:Instance": _rds,
    "alicloud:rds/readOnlyInstance:ReadOnlyInstance": _rds,
    "alicloud:kvstore/instance:Instance": _kvstore,
}
